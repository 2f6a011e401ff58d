"""The append-only file as Redis 7.0.15 keeps it: a directory (appenddirname) holding a manifest,
one base file (an RDB with the aof-base aux field, or commands with aof-use-rdb-preamble no)
and incr files of RESP commands, named <appendfilename>.<seq>.base.rdb|aof and
<appendfilename>.<seq>.incr.aof. Writes are appended as the commands Redis propagates (relative
expiries become absolute PXAT/PEXPIREAT, INCRBYFLOAT a SET KEEPTTL, SPOP an SREM, ...), with a
SELECT whenever the database changes. Covers startup, CONFIG SET appendonly, BGREWRITEAOF,
automatic rewrites, loading damaged files, the existing dump.rdb, INFO's aof_* fields, and AOF
directories exchanged with Debian's redis-server both ways. Passes on redis-server 7.0.15
(CARDINAL_BIN=/usr/bin/redis-server). Restarts mostly follow a SIGKILL (aof_util.kill9), after
INFO shows aof_buffer_length:0: with everysec Redis writes before replying, except that it may
postpone a write by up to 2 s while a background fsync is still running.
"""
import os
import shutil
import time

import pytest

from conftest import RawConn, cardinal_bin, parse_info, skip_if_redis
from aof_util import (REDIS_BIN, assert_same, check_aof, client, dir_size, encode, fill, info,
                      kill9, manifest_for, manifest_text, parse_commands, read, snapshot,
                      start_must_fail, wait_commands, wait_content, wait_for,
                      wait_rewrite_done)

AOF = ["--appendonly", "yes"]
BASE1 = "appendonly.aof.1.base.rdb"
INCR1 = "appendonly.aof.1.incr.aof"
MANIFEST = "appendonly.aof.manifest"


def aofdir(workdir, name="appendonlydir"):
    return os.path.join(workdir, name)


def incr_commands(path, count, timeout=10.0):
    """The incr file's commands once it holds at least `count` complete ones."""
    def ready():
        try:
            cmds = parse_commands(read(path))
        except ValueError:
            return None
        return cmds if len(cmds) >= count else None
    return wait_for(ready, timeout, "%d commands in %s" % (count, path))


def now_ms():
    return int(time.time() * 1000)


# ----------------------------------------------------------------------------- startup, writes

def test_startup_creates_the_directory_manifest_rdb_base_and_empty_incr(servers, workdir):
    srv = servers(workdir, AOF)
    d = aofdir(workdir)
    assert sorted(os.listdir(d)) == [BASE1, INCR1, MANIFEST]
    assert manifest_text(d) == ("file appendonly.aof.1.base.rdb seq 1 type b\n"
                                "file appendonly.aof.1.incr.aof seq 1 type i\n")
    base = read(os.path.join(d, BASE1))
    assert base.startswith(b"REDIS0010")
    assert b"\x08aof-base\xc0\x01" in base  # aux field aof-base = 1
    assert os.path.getsize(os.path.join(d, INCR1)) == 0
    assert not os.path.exists(os.path.join(workdir, "dump.rdb"))
    r = client(srv)
    assert r.config_get("appendonly") == {"appendonly": "yes"}
    assert r.config_get("appenddirname") == {"appenddirname": "appendonlydir"}
    assert r.config_get("appendfilename") == {"appendfilename": "appendonly.aof"}
    assert r.config_get("appendfsync") == {"appendfsync": "everysec"}
    assert r.config_get("aof-use-rdb-preamble") == {"aof-use-rdb-preamble": "yes"}
    assert r.config_get("aof-load-truncated") == {"aof-load-truncated": "yes"}
    assert info(r)["aof_enabled"] == "1"


def test_writes_are_appended_as_the_commands_redis_propagates(servers, workdir):
    srv = servers(workdir, AOF)
    path = os.path.join(aofdir(workdir), INCR1)
    c = RawConn(srv.port)
    expected = []   # commands; a callable item checks a value that depends on the clock

    def near(ms):
        return lambda v: abs(int(v) - ms) < 5000

    assert c.call("SET", "a", "1") == b"+OK\r\n"
    expected += [[b"SELECT", b"0"], [b"SET", b"a", b"1"]]
    assert c.call("set", "lower", "x") == b"+OK\r\n"   # the client's spelling is kept
    expected += [[b"set", b"lower", b"x"]]
    # Commands that change nothing write nothing.
    for cmd in (("SETNX", "a", "x"), ("SET", "a", "2", "NX"), ("DEL", "missing"),
                ("SREM", "nosuch", "m"), ("EXPIRE", "missing", "10"), ("PERSIST", "a"),
                ("GET", "a"), ("LPOP", "nolist"), ("SELECT", "0")):
        c.call(*cmd)
    assert c.call("MULTI") == b"+OK\r\n" and c.call("GET", "a") == b"+QUEUED\r\n"
    assert c.call("EXEC") == b"*1\r\n$1\r\n1\r\n"
    # Relative expiries become absolute milliseconds.
    t = now_ms()
    c.call("SET", "b", "2", "EX", "100")
    expected += [[b"SET", b"b", b"2", b"PXAT", near(t + 100000)]]
    c.call("EXPIRE", "a", "50")
    expected += [[b"PEXPIREAT", b"a", near(t + 50000)]]
    c.call("SETEX", "d", "100", "x")
    expected += [[b"SET", b"d", b"x", b"PXAT", near(t + 100000)]]
    c.call("PSETEX", "h", "200000", "x")
    expected += [[b"SET", b"h", b"x", b"PXAT", near(t + 200000)]]
    c.call("SET", "g", "1", "EXAT", "1900000000")
    expected += [[b"SET", b"g", b"1", b"PXAT", b"1900000000000"]]
    c.call("EXPIREAT", "g", "1900000001")
    expected += [[b"PEXPIREAT", b"g", b"1900000001000"]]
    c.call("GETEX", "a", "EX", "30")
    expected += [[b"PEXPIREAT", b"a", near(t + 30000)]]
    c.call("SET", "e", "1", "KEEPTTL")
    expected += [[b"SET", b"e", b"1", b"KEEPTTL"]]
    # Results, not operations, for the commands whose effect is not deterministic on replay.
    assert c.call("INCRBYFLOAT", "f", "1.5") == b"$3\r\n1.5\r\n"
    expected += [[b"SET", b"f", b"1.5", b"KEEPTTL"]]
    c.call("HINCRBYFLOAT", "hh", "x", "1.5")
    expected += [[b"HSET", b"hh", b"x", b"1.5"]]
    c.call("SADD", "s", "x", "y")
    expected += [[b"SADD", b"s", b"x", b"y"]]
    popped = c.call("SPOP", "s")[4:5]
    expected += [[b"SREM", b"s", popped]]
    assert c.call("GETDEL", "b") == b"$1\r\n2\r\n"
    expected += [[b"DEL", b"b"]]
    c.call("GETSET", "a", "5")
    expected += [[b"SET", b"a", b"5"]]
    c.call("RPUSH", "l", "p", "q")
    expected += [[b"RPUSH", b"l", b"p", b"q"]]
    assert c.call("BLPOP", "l", "1") == b"*2\r\n$1\r\nl\r\n$1\r\np\r\n"
    expected += [[b"LPOP", b"l"]]
    c.call("EXPIRE", "e", "-1")   # an expiry in the past deletes
    expected += [[b"DEL", b"e"]]
    for cmd in (("MULTI",), ("SET", "t", "1"), ("INCR", "t"), ("EXEC",)):
        c.call(*cmd)
    expected += [[b"MULTI"], [b"SET", b"t", b"1"], [b"INCR", b"t"], [b"EXEC"]]
    # SELECT is written when a write happens in another database, not when a client selects.
    c.call("SELECT", "3")
    c.call("SET", "k", "v")
    c.call("SET", "k2", "v")
    expected += [[b"SELECT", b"3"], [b"SET", b"k", b"v"], [b"SET", b"k2", b"v"]]
    c.call("SELECT", "0")
    c.call("GET", "a")
    c.call("SET", "z", "1")
    expected += [[b"SELECT", b"0"], [b"SET", b"z", b"1"]]

    cmds = incr_commands(path, len(expected))
    assert len(cmds) == len(expected), cmds[len(expected):]
    for i, (got, want) in enumerate(zip(cmds, expected)):
        assert len(got) == len(want), (i, got, want)
        for g, w in zip(got, want):
            assert w(g) if callable(w) else g == w, (i, got)
    # Canonical RESP throughout: the file is exactly the re-encoding of what it holds.
    assert read(path) == b"".join(encode(*cmd) for cmd in cmds)
    assert RawConn(srv.port).call("PING") == b"+PONG\r\n"


def test_database_commands_flushes_and_expiries_are_logged(servers, workdir):
    srv = servers(workdir, AOF)
    path = os.path.join(aofdir(workdir), INCR1)
    c = RawConn(srv.port)
    c.call("SET", "k", "v")
    c.call("MOVE", "k", "1")
    c.call("SELECT", "1")
    c.call("COPY", "k", "k2", "DB", "2")
    c.call("SELECT", "0")
    c.call("SWAPDB", "1", "2")
    c.call("FLUSHDB")
    c.call("SELECT", "5")
    c.call("FLUSHALL")
    c.call("SELECT", "0")
    expected = [[b"SELECT", b"0"], [b"SET", b"k", b"v"], [b"MOVE", b"k", b"1"],
                [b"SELECT", b"1"], [b"COPY", b"k", b"k2", b"DB", b"2"],
                [b"SELECT", b"0"], [b"SWAPDB", b"1", b"2"], [b"FLUSHDB"],
                [b"SELECT", b"5"], [b"FLUSHALL"]]
    wait_commands(path, expected)
    # A key that expires is deleted in the file too (by the active cycle or on access).
    t = now_ms()
    assert c.call("SET", "e", "v", "PX", "100") == b"+OK\r\n"
    cmds = incr_commands(path, len(expected) + 3)
    assert cmds[len(expected)] == [b"SELECT", b"0"]
    assert cmds[len(expected) + 1][:4] == [b"SET", b"e", b"v", b"PXAT"]
    assert abs(int(cmds[len(expected) + 1][4]) - (t + 100)) < 5000
    assert cmds[len(expected) + 2] == [b"DEL", b"e"]
    assert len(cmds) == len(expected) + 3


def test_restart_reloads_every_type_ttls_and_databases(servers, workdir):
    srv = servers(workdir, AOF)
    r = client(srv)
    fill(r, seed=3)
    expected = snapshot(r)
    kill9(srv)
    again = servers(workdir, AOF)
    assert_same(expected, snapshot(client(again)))
    # and once more after a clean shutdown (SIGTERM) of a server that loaded the AOF
    again.stop()
    third = servers(workdir, AOF)
    assert_same(expected, snapshot(client(third)))


def test_appenddirname_and_appendfilename_are_honoured(servers, workdir):
    extra = AOF + ["--appenddirname", "my aof", "--appendfilename", "data.aof"]
    srv = servers(workdir, extra)
    d = aofdir(workdir, "my aof")
    assert not os.path.exists(aofdir(workdir))
    assert sorted(os.listdir(d)) == ["data.aof.1.base.rdb", "data.aof.1.incr.aof",
                                     "data.aof.manifest"]
    assert manifest_text(d, "data.aof") == manifest_for("data.aof", 1)
    r = client(srv)
    assert r.config_get("appenddirname") == {"appenddirname": "my aof"}
    assert r.config_get("appendfilename") == {"appendfilename": "data.aof"}
    for name in ("appenddirname", "appendfilename"):
        c = RawConn(srv.port)
        assert c.error("CONFIG", "SET", name, "other") == (
            "ERR CONFIG SET failed (possibly related to argument '%s') - can't set immutable "
            "config" % name)
    r.set("k", "v")
    wait_commands(os.path.join(d, "data.aof.1.incr.aof"), [[b"SELECT", b"0"], [b"SET", b"k", b"v"]])
    kill9(srv)
    again = servers(workdir, extra)
    assert client(again).get("k") == b"v"
    kill9(again)
    # With the default names the server does not see that directory.
    third = servers(workdir, AOF)
    assert client(third).dbsize() == 0


def test_a_file_name_with_a_space_is_quoted_in_the_manifest(servers, workdir):
    extra = AOF + ["--appendfilename", "my file.aof"]
    srv = servers(workdir, extra)
    d = aofdir(workdir)
    assert manifest_text(d, "my file.aof") == ('file "my file.aof.1.base.rdb" seq 1 type b\n'
                                               'file "my file.aof.1.incr.aof" seq 1 type i\n')
    client(srv).set("k", "v")
    kill9(srv)
    again = servers(workdir, extra)
    assert client(again).get("k") == b"v"


# ----------------------------------------------------------------------------- CONFIG SET

def test_config_set_appendonly_yes_writes_a_base_with_the_data(servers, workdir):
    srv = servers(workdir)
    r = client(srv)
    fill(r, seed=4)
    expected = snapshot(r)
    assert not os.path.exists(aofdir(workdir))
    i = info(r)
    assert i["aof_enabled"] == "0" and "aof_current_size" not in i
    assert r.config_set("appendonly", "yes") is True
    i = info(r)
    assert i["aof_enabled"] == "1"
    assert i["aof_rewrites"] == "1"  # counted when the rewrite starts
    wait_rewrite_done(r, 1)
    r.set("after", "1")
    d = aofdir(workdir)
    assert sorted(os.listdir(d)) == [BASE1, INCR1, MANIFEST]
    assert manifest_text(d) == manifest_for("appendonly.aof", 1)
    assert read(os.path.join(d, BASE1)).startswith(b"REDIS0010")
    wait_commands(os.path.join(d, INCR1), [[b"SELECT", b"0"], [b"SET", b"after", b"1"]])
    expected[(0, b"after")] = ("string", b"1", -1)
    kill9(srv)
    again = servers(workdir, AOF)
    r = client(again)
    assert_same(expected, snapshot(r))

    # appendonly no: the files stay as they are and stop growing
    assert r.config_set("appendonly", "no") is True
    assert info(r)["aof_enabled"] == "0"
    sizes = {n: os.path.getsize(os.path.join(d, n)) for n in os.listdir(d)}
    r.set("while-off", "1")
    r.incr("db0:counter")
    assert {n: os.path.getsize(os.path.join(d, n)) for n in os.listdir(d)} == sizes
    # and yes again: a new rewrite, sequence 2, the old files removed
    assert r.config_set("appendonly", "yes") is True
    wait_rewrite_done(r, 1)
    wait_for(lambda: sorted(os.listdir(d)) == ["appendonly.aof.2.base.rdb",
                                               "appendonly.aof.2.incr.aof", MANIFEST],
             10, "the old AOF files to be removed")
    assert manifest_text(d) == manifest_for("appendonly.aof", 2)
    expected = snapshot(r)
    kill9(again)
    third = servers(workdir, AOF)
    assert_same(expected, snapshot(client(third)))
    assert client(third).get("while-off") == b"1"


def test_config_set_appendonly_fails_when_the_directory_cannot_be_created(servers, workdir):
    with open(aofdir(workdir), "w") as f:   # a file where the directory should be
        f.write("x")
    status, _ = start_must_fail(cardinal_bin(), workdir, AOF)
    assert status == 1
    srv = servers(workdir)
    c = RawConn(srv.port)
    assert c.call("SET", "k", "v") == b"+OK\r\n"
    assert c.error("CONFIG", "SET", "appendonly", "yes") == (
        "ERR CONFIG SET failed (possibly related to argument 'appendonly') - Unable to turn on "
        "AOF. Check server logs.")
    r = client(srv)
    assert r.config_get("appendonly") == {"appendonly": "no"}
    assert info(r)["aof_enabled"] == "0"
    assert r.get("k") == b"v"
    assert read(aofdir(workdir)) == b"x"


# ----------------------------------------------------------------------------- rewrites

def test_bgrewriteaof_replies_manifest_and_restart(servers, workdir):
    srv = servers(workdir, AOF)
    r = client(srv)
    fill(r, seed=5)
    d = aofdir(workdir)
    c = RawConn(srv.port)
    # Pipelined: the second request and INFO are read while the first rewrite still runs.
    c.send(b"BGREWRITEAOF\r\nBGREWRITEAOF\r\nINFO persistence\r\n")
    assert c.read_reply() == b"+Background append only file rewriting started\r\n"
    assert c.read_reply() == b"-ERR Background append only file rewriting already in progress\r\n"
    running = parse_info(c.read_reply())
    assert running["aof_rewrite_in_progress"] == "1"
    assert running["aof_current_rewrite_time_sec"] in ("0", "1")
    assert running["aof_last_rewrite_time_sec"] == "-1"
    assert running["aof_rewrites"] == "1"
    i = wait_rewrite_done(r, 1)
    assert i["aof_last_bgrewrite_status"] == "ok"
    assert int(i["aof_last_rewrite_time_sec"]) >= 0
    assert i["aof_current_rewrite_time_sec"] == "-1"
    files = ["appendonly.aof.2.base.rdb", "appendonly.aof.2.incr.aof", MANIFEST]
    wait_for(lambda: sorted(os.listdir(d)) == files, 10, "the seq 1 files to be removed")
    assert manifest_text(d) == manifest_for("appendonly.aof", 2)
    assert os.path.getsize(os.path.join(d, "appendonly.aof.2.incr.aof")) == 0
    base = read(os.path.join(d, "appendonly.aof.2.base.rdb"))
    assert base.startswith(b"REDIS0010") and b"\x08aof-base\xc0\x01" in base
    # sizes after a rewrite with no writes since: base and current are the files' size
    assert int(i["aof_current_size"]) == dir_size(d) == int(i["aof_base_size"])
    r.set("after-rewrite", "1")
    expected = snapshot(r)
    wait_commands(os.path.join(d, "appendonly.aof.2.incr.aof"),
                  [[b"SELECT", b"0"], [b"SET", b"after-rewrite", b"1"]])
    kill9(srv)
    again = servers(workdir, AOF)
    assert_same(expected, snapshot(client(again)))


def test_bgrewriteaof_during_bgsave_is_scheduled(servers, workdir):
    srv = servers(workdir, AOF)
    r = client(srv)
    r.set("k", "v")
    c = RawConn(srv.port)
    c.send(b"BGSAVE\r\nBGREWRITEAOF\r\nINFO persistence\r\n")
    assert c.read_reply() == b"+Background saving started\r\n"
    assert c.read_reply() == b"+Background append only file rewriting scheduled\r\n"
    i = parse_info(c.read_reply())
    assert i["aof_rewrite_scheduled"] == "1" and i["aof_pending_rewrite"] == "1"
    assert i["aof_rewrite_in_progress"] == "0" and i["aof_rewrites"] == "0"
    wait_rewrite_done(r, 1)
    d = aofdir(workdir)
    wait_for(lambda: manifest_text(d) == manifest_for("appendonly.aof", 2), 10, "seq 2")
    assert os.path.exists(os.path.join(workdir, "dump.rdb"))


def test_bgrewriteaof_with_appendonly_off_writes_only_a_base(servers, workdir):
    srv = servers(workdir)
    r = client(srv)
    r.set("k", "v")
    assert RawConn(srv.port).call("BGREWRITEAOF") == (
        b"+Background append only file rewriting started\r\n")
    i = wait_rewrite_done(r, 1)
    assert i["aof_enabled"] == "0" and i["aof_last_bgrewrite_status"] == "ok"
    d = aofdir(workdir)
    assert sorted(os.listdir(d)) == [BASE1, MANIFEST]
    assert manifest_text(d) == manifest_for("appendonly.aof", 1, incr=False)
    r.set("k2", "v")
    assert sorted(os.listdir(d)) == [BASE1, MANIFEST]
    kill9(srv)
    again = servers(workdir, AOF)   # loads the base alone
    r = client(again)
    assert r.get("k") == b"v" and r.get("k2") is None


def test_rewrite_without_rdb_preamble_writes_commands(servers, workdir):
    extra = AOF + ["--aof-use-rdb-preamble", "no"]
    srv = servers(workdir, extra)
    d = aofdir(workdir)
    assert sorted(os.listdir(d)) == ["appendonly.aof.1.base.aof", INCR1, MANIFEST]
    assert manifest_text(d) == manifest_for("appendonly.aof", 1, base_ext="aof")
    assert os.path.getsize(os.path.join(d, "appendonly.aof.1.base.aof")) == 0
    r = client(srv)
    r.set("plain", "v")
    r.set("ttl", "v", px=5000000)
    r.execute_command("SELECT", 2)
    r.rpush("list", "a", "b")
    r.execute_command("SELECT", 0)
    fill(r, seed=6)
    expected = snapshot(r, dbs=(0, 2, 3, 15))
    assert RawConn(srv.port).call("BGREWRITEAOF") == (
        b"+Background append only file rewriting started\r\n")
    wait_rewrite_done(r, 1)
    wait_for(lambda: sorted(os.listdir(d)) == ["appendonly.aof.2.base.aof",
                                               "appendonly.aof.2.incr.aof", MANIFEST],
             10, "the seq 1 files to be removed")
    assert manifest_text(d) == manifest_for("appendonly.aof", 2, base_ext="aof")
    cmds = parse_commands(read(os.path.join(d, "appendonly.aof.2.base.aof")))
    assert cmds[0] == [b"SELECT", b"0"]
    assert [b"SET", b"plain", b"v"] in cmds
    i = cmds.index([b"SET", b"ttl", b"v"])
    assert cmds[i + 1][:2] == [b"PEXPIREAT", b"ttl"]
    assert abs(int(cmds[i + 1][2]) - (now_ms() + 5000000)) < 60000
    assert [b"SELECT", b"2"] in cmds
    names = {c[0] for c in cmds}
    assert names <= {b"SELECT", b"SET", b"PEXPIREAT", b"RPUSH", b"SADD", b"ZADD", b"HMSET"}, names
    kill9(srv)
    again = servers(workdir, extra)
    assert_same(expected, snapshot(client(again), dbs=(0, 2, 3, 15)))


def test_automatic_rewrite_after_growth(servers, workdir):
    extra = AOF + ["--auto-aof-rewrite-min-size", "20000",
                   "--auto-aof-rewrite-percentage", "100"]
    srv = servers(workdir, extra)
    r = client(srv)
    assert r.config_get("auto-aof-rewrite-min-size") == {"auto-aof-rewrite-min-size": "20000"}
    d = aofdir(workdir)
    r.set("small", "x" * 1000)
    time.sleep(0.5)   # several cron ticks: below the minimum size nothing starts
    assert info(r)["aof_rewrites"] == "0"
    deadline = time.monotonic() + 30
    n = 0
    while int(info(r)["aof_rewrites"]) < 1:
        assert time.monotonic() < deadline, "no automatic rewrite"
        r.set("key:%d" % n, "v" * 1000)
        n += 1
    assert n >= 15   # not before the incr file passed 20000 bytes
    wait_rewrite_done(r, 1)
    wait_for(lambda: manifest_text(d) == manifest_for("appendonly.aof", 2), 10, "seq 2")
    i = info(r)
    assert int(i["aof_base_size"]) >= os.path.getsize(os.path.join(d, "appendonly.aof.2.base.rdb"))
    # the next rewrite needs the AOF to double (percentage 100) from the new base size
    # and to be past the minimum size
    limit = max(2 * int(i["aof_base_size"]), 20000)
    while True:
        i = info(r)
        cur = int(i["aof_current_size"])
        if cur < limit:
            assert i["aof_rewrites"] == "1", "rewrote before the AOF doubled"
        if cur > limit + 5000 or i["aof_rewrites"] != "1":
            break
        r.set("more:%d" % n, "v" * 1000)
        n += 1
    wait_for(lambda: int(info(r)["aof_rewrites"]) == 2, 10, "the second rewrite")
    wait_rewrite_done(r, 2)
    wait_for(lambda: manifest_text(d) == manifest_for("appendonly.aof", 3), 10, "seq 3")
    expected = snapshot(r, dbs=(0,))
    kill9(srv)
    again = servers(workdir, extra)
    assert_same(expected, snapshot(client(again), dbs=(0,)))


def test_auto_rewrite_percentage_zero_disables_it(servers, workdir):
    srv = servers(workdir, AOF + ["--auto-aof-rewrite-min-size", "1000",
                                  "--auto-aof-rewrite-percentage", "0"])
    r = client(srv)
    for n in range(100):
        r.set("key:%d" % n, "v" * 200)
    d = aofdir(workdir)
    wait_for(lambda: os.path.getsize(os.path.join(d, INCR1)) > 20000, 10, "the incr file to grow")
    time.sleep(0.5)   # several cron ticks
    assert info(r)["aof_rewrites"] == "0"
    assert manifest_text(d) == manifest_for("appendonly.aof", 1)


# ----------------------------------------------------------------------------- loading

def write_aof(workdir, base_cmds=(), incr=b"", base_ext="aof"):
    """A hand-written AOF directory: a command base file and an incr file."""
    d = aofdir(workdir)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "appendonly.aof.1.base." + base_ext), "wb") as f:
        f.write(b"".join(encode(*c) for c in base_cmds))
    with open(os.path.join(d, INCR1), "wb") as f:
        f.write(incr)
    with open(os.path.join(d, MANIFEST), "w") as f:
        f.write(manifest_for("appendonly.aof", 1, base_ext=base_ext))
    return d


GOOD_BASE = [["SELECT", "0"], ["SET", "base", "1"], ["RPUSH", "list", "a", "b"],
             ["SELECT", "1"], ["SADD", "set", "m"]]
GOOD_INCR = (encode("SELECT", "0") + encode("set", "incr", "2") + encode("INCR", "counter")
             + encode("PEXPIREAT", "base", "9999999999999"))
TORN = b"*3\r\n$3\r\nSET\r\n$4\r\ntorn\r\n$5\r\nval"


def assert_good_data(r):
    assert r.get("base") == b"1" and r.get("incr") == b"2" and r.get("counter") == b"1"
    assert r.lrange("list", 0, -1) == [b"a", b"b"]
    assert 0 < r.pttl("base") <= 9999999999999 - now_ms() + 1000
    r.execute_command("SELECT", 1)
    assert r.smembers("set") == {b"m"}
    r.execute_command("SELECT", 0)


def test_hand_written_aof_loads(servers, workdir):
    d = write_aof(workdir, GOOD_BASE, GOOD_INCR
                  + encode("MULTI") + encode("SET", "tx", "1") + encode("EXEC"))
    srv = servers(workdir, AOF)
    r = client(srv)
    assert_good_data(r)
    assert r.get("tx") == b"1"
    i = info(r)
    # after loading, the sizes are those of the files
    assert int(i["aof_current_size"]) == dir_size(d)
    assert int(i["aof_base_size"]) == os.path.getsize(os.path.join(d, "appendonly.aof.1.base.aof"))
    # the incr file is appended to, the manifest unchanged
    before = read(os.path.join(d, INCR1))
    r.set("new", "1")
    wait_content(os.path.join(d, INCR1), before + encode("SELECT", "0") + encode("SET", "new", "1"))
    wait_for(lambda: info(r)["aof_buffer_length"] == "0", 10, "aof_buffer_length:0")
    assert int(info(r)["aof_current_size"]) == dir_size(d)
    assert manifest_text(d) == manifest_for("appendonly.aof", 1, base_ext="aof")


def test_torn_tail_is_truncated_when_aof_load_truncated_is_yes(servers, workdir):
    d = write_aof(workdir, GOOD_BASE, GOOD_INCR + TORN)
    incr = os.path.join(d, INCR1)
    status, _ = start_must_fail(cardinal_bin(), workdir, AOF + ["--aof-load-truncated", "no"])
    assert status == 1
    assert read(incr) == GOOD_INCR + TORN   # refused, and left alone
    srv = servers(workdir, AOF)   # aof-load-truncated defaults to yes
    r = client(srv)
    assert_good_data(r)
    assert r.exists("torn") == 0
    assert read(incr) == GOOD_INCR   # cut back to the last complete command
    r.set("after", "1")   # the first write after loading selects its database
    wait_content(incr, GOOD_INCR + encode("SELECT", "0") + encode("SET", "after", "1"))
    kill9(srv)
    again = servers(workdir, AOF + ["--aof-load-truncated", "no"])
    r = client(again)
    assert_good_data(r)
    assert r.get("after") == b"1"


@pytest.mark.parametrize("tail", [b"*", b"*3\r\n", b"*3\r\n$3\r\nSET\r\n$4\r\ntorn\r\n",
                                  b"*2\r\n$3\r\nDEL\r\n$4\r\nbas"])
def test_every_kind_of_torn_tail_is_cut(servers, workdir, tail):
    d = write_aof(workdir, GOOD_BASE, GOOD_INCR + tail)
    srv = servers(workdir, AOF)
    assert_good_data(client(srv))
    assert read(os.path.join(d, INCR1)) == GOOD_INCR


def test_multi_without_exec_at_the_end_is_reverted(servers, workdir):
    tx = encode("MULTI") + encode("SET", "tx", "1") + encode("DEL", "base")
    d = write_aof(workdir, GOOD_BASE, GOOD_INCR + tx)
    incr = os.path.join(d, INCR1)
    status, _ = start_must_fail(cardinal_bin(), workdir, AOF + ["--aof-load-truncated", "no"])
    assert status == 1
    assert read(incr) == GOOD_INCR + tx
    srv = servers(workdir, AOF)
    r = client(srv)
    assert_good_data(r)   # "base" was not deleted
    assert r.exists("tx") == 0
    assert read(incr) == GOOD_INCR


@pytest.mark.parametrize("junk", [b"garbage\r\n", b"*2\r\n$3\r\nfoo\r\n$1\r\nx\r\n",
                                  b"*2\r\n$3\r\nGET\r\n:1\r\n"])
def test_damage_before_the_end_refuses_to_start(workdir, junk):
    """Bad format, an unknown command: fatal wherever they are, even with aof-load-truncated
    yes (only a torn tail is forgiven); the files are left alone."""
    d = write_aof(workdir, GOOD_BASE, encode("SET", "x", "1") + junk + GOOD_INCR)
    before = read(os.path.join(d, INCR1))
    status, _ = start_must_fail(cardinal_bin(), workdir, AOF + ["--aof-load-truncated", "yes"])
    assert status == 1
    assert read(os.path.join(d, INCR1)) == before


@skip_if_redis
def test_wrong_arity_in_the_aof_refuses_to_start(workdir):
    """Redis 7.0.15 crashes (SIGSEGV) on `SET` with no arguments in an AOF; the server under
    test must refuse the file like any other bad command: exit status 1, files untouched."""
    d = write_aof(workdir, GOOD_BASE, encode("SET", "x", "1") + encode("SET") + GOOD_INCR)
    before = read(os.path.join(d, INCR1))
    status, _ = start_must_fail(cardinal_bin(), workdir, AOF)
    assert status == 1
    assert read(os.path.join(d, INCR1)) == before


@pytest.mark.parametrize("damage", ["missing incr", "missing base", "bad line", "no base"])
def test_bad_manifest_refuses_to_start(workdir, damage):
    d = write_aof(workdir, GOOD_BASE, GOOD_INCR)
    m = os.path.join(d, MANIFEST)
    if damage == "missing incr":
        with open(m, "a") as f:
            f.write("file appendonly.aof.2.incr.aof seq 2 type i\n")
    elif damage == "missing base":
        os.remove(os.path.join(d, "appendonly.aof.1.base.aof"))
    elif damage == "bad line":
        with open(m, "a") as f:
            f.write("garbage line\n")
    else:
        with open(m, "w") as f:
            f.write("file appendonly.aof.1.incr.aof seq 1 type x\n")
    status, _ = start_must_fail(cardinal_bin(), workdir, AOF)
    assert status == 1


def test_several_incr_files_load_in_manifest_order(servers, workdir):
    d = write_aof(workdir, GOOD_BASE, GOOD_INCR)
    with open(os.path.join(d, "appendonly.aof.2.incr.aof"), "wb") as f:
        f.write(encode("SELECT", "0") + encode("SET", "incr", "second") + encode("DEL", "list"))
    with open(os.path.join(d, MANIFEST), "a") as f:
        f.write("file appendonly.aof.2.incr.aof seq 2 type i\n")
    srv = servers(workdir, AOF)
    r = client(srv)
    assert r.get("incr") == b"second" and r.exists("list") == 0 and r.get("base") == b"1"
    r.set("new", "1")   # appended to the last incr file
    wait_content(os.path.join(d, "appendonly.aof.2.incr.aof"),
                 encode("SELECT", "0") + encode("SET", "incr", "second") + encode("DEL", "list")
                 + encode("SELECT", "0") + encode("SET", "new", "1"))
    assert read(os.path.join(d, INCR1)) == GOOD_INCR


# ----------------------------------------------------------------------------- dump.rdb

def test_appendonly_yes_ignores_an_existing_dump(servers, workdir):
    srv = servers(workdir)
    r = client(srv)
    r.set("from-dump", "1")
    assert r.save() is True
    kill9(srv)
    dump = read(os.path.join(workdir, "dump.rdb"))
    # No AOF yet: Redis 7.0 starts empty (it does not load dump.rdb) and creates the AOF.
    srv = servers(workdir, AOF)
    r = client(srv)
    assert r.dbsize() == 0
    assert sorted(os.listdir(aofdir(workdir))) == [BASE1, INCR1, MANIFEST]
    assert read(os.path.join(workdir, "dump.rdb")) == dump
    r.set("from-aof", "1")
    kill9(srv)
    # With both present, appendonly yes loads the AOF and appendonly no the dump.
    srv = servers(workdir, AOF)
    r = client(srv)
    assert r.keys() == [b"from-aof"]
    kill9(srv)
    srv = servers(workdir)
    assert client(srv).keys() == [b"from-dump"]


def test_old_single_file_aof_is_migrated_into_the_directory(servers, workdir):
    with open(os.path.join(workdir, "appendonly.aof"), "wb") as f:
        f.write(encode("SELECT", "0") + encode("SET", "old", "1"))
    srv = servers(workdir, AOF)
    r = client(srv)
    assert r.get("old") == b"1"
    d = aofdir(workdir)
    assert not os.path.exists(os.path.join(workdir, "appendonly.aof"))
    assert sorted(os.listdir(d)) == ["appendonly.aof", INCR1, MANIFEST]
    assert manifest_text(d) == ("file appendonly.aof seq 1 type b\n"
                                "file appendonly.aof.1.incr.aof seq 1 type i\n")
    r.set("new", "1")
    kill9(srv)
    again = servers(workdir, AOF)
    assert client(again).mget("old", "new") == [b"1", b"1"]


# ----------------------------------------------------------------------------- INFO

COMMON_FIELDS = ["aof_enabled", "aof_rewrite_in_progress", "aof_rewrite_scheduled",
                 "aof_last_rewrite_time_sec", "aof_current_rewrite_time_sec",
                 "aof_last_bgrewrite_status", "aof_rewrites",
                 "aof_rewrites_consecutive_failures", "aof_last_write_status",
                 "aof_last_cow_size"]
ENABLED_FIELDS = ["aof_current_size", "aof_base_size", "aof_pending_rewrite",
                  "aof_buffer_length", "aof_pending_bio_fsync", "aof_delayed_fsync"]


def persistence_fields(srv):
    text = RawConn(srv.port).call("INFO", "persistence")
    lines = [ln for ln in text.split(b"\r\n")[1:] if ln and not ln.startswith(b"#")]
    return [ln.split(b":", 1)[0].decode() for ln in lines], parse_info(text)


def test_info_persistence_aof_fields(servers, workdir):
    srv = servers(workdir)
    names, i = persistence_fields(srv)
    aof = [n for n in names if n.startswith("aof_")]
    assert aof == COMMON_FIELDS   # and in this order
    assert [i[n] for n in COMMON_FIELDS] == ["0", "0", "0", "-1", "-1", "ok", "0", "0", "ok",
                                             "0"]
    kill9(srv)

    d = write_aof(workdir, GOOD_BASE, GOOD_INCR)
    srv = servers(workdir, AOF)
    names, i = persistence_fields(srv)
    aof = [n for n in names if n.startswith("aof_")]
    assert aof == COMMON_FIELDS + ENABLED_FIELDS
    assert i["aof_enabled"] == "1" and i["aof_rewrites"] == "0"
    assert i["aof_last_bgrewrite_status"] == "ok" and i["aof_last_write_status"] == "ok"
    assert [i[n] for n in ENABLED_FIELDS[2:]] == ["0", "0", "0", "0"]
    assert int(i["aof_current_size"]) == dir_size(d)
    assert int(i["aof_base_size"]) == len(b"".join(encode(*c) for c in GOOD_BASE))
    c = RawConn(srv.port)
    for n in range(10):
        c.call("SET", "k%d" % n, "v")
    # the buffer drains (at once, or within 2 s if a background fsync postponed the write)
    i = wait_for(lambda: (lambda i: i["aof_buffer_length"] == "0" and i)(
        persistence_fields(srv)[1]), 10, "aof_buffer_length:0")
    assert int(i["aof_current_size"]) == dir_size(d) == len(read(os.path.join(d, INCR1))) + int(
        i["aof_base_size"])
    assert int(i["aof_base_size"]) == len(b"".join(encode(*c) for c in GOOD_BASE))
    for n in COMMON_FIELDS + ENABLED_FIELDS:
        if n not in ("aof_last_bgrewrite_status", "aof_last_write_status"):
            assert i[n].lstrip("-").isdigit(), (n, i[n])


# ----------------------------------------------------------------------------- compatibility

def test_aof_written_here_loads_into_redis(servers, workdir):
    srv = servers(workdir, AOF)
    r = client(srv)
    fill(r, seed=7)
    assert RawConn(srv.port).call("BGREWRITEAOF").startswith(b"+Background")
    wait_rewrite_done(r, 1)
    r.execute_command("SELECT", 3)
    r.set("db3:after", "1")
    r.hset("db3:hash", "after", "1")
    r.execute_command("SELECT", 0)
    r.incrbyfloat("db0:float", 10)
    r.expire("db0:str", 1234)
    expected = snapshot(r)
    kill9(srv)
    d = aofdir(workdir)
    check_aof(os.path.join(d, MANIFEST))
    copy = os.path.join(workdir, "copy")
    os.mkdir(copy)
    shutil.copytree(d, aofdir(copy))
    redis_srv = servers(copy, AOF, binary=REDIS_BIN)
    assert_same(expected, snapshot(client(redis_srv)))


def test_command_base_written_here_loads_into_redis(servers, workdir):
    extra = AOF + ["--aof-use-rdb-preamble", "no"]
    srv = servers(workdir, extra)
    r = client(srv)
    fill(r, seed=8)
    assert RawConn(srv.port).call("BGREWRITEAOF").startswith(b"+Background")
    wait_rewrite_done(r, 1)
    r.set("after", "1")
    expected = snapshot(r)
    kill9(srv)
    check_aof(os.path.join(aofdir(workdir), MANIFEST))
    copy = os.path.join(workdir, "copy")
    os.mkdir(copy)
    shutil.copytree(aofdir(workdir), aofdir(copy))
    redis_srv = servers(copy, extra, binary=REDIS_BIN)
    assert_same(expected, snapshot(client(redis_srv)))


@pytest.mark.parametrize("preamble", ["yes", "no"])
def test_aof_written_by_redis_loads_here(servers, workdir, preamble):
    extra = AOF + ["--aof-use-rdb-preamble", preamble]
    redis_srv = servers(workdir, extra, binary=REDIS_BIN)
    r = client(redis_srv)
    fill(r, seed=9)
    assert RawConn(redis_srv.port).call("BGREWRITEAOF").startswith(b"+Background")
    wait_rewrite_done(r, 1)
    fill(r, seed=10)   # overwrites most keys again, into the incr file
    r.set("after", "1")
    expected = snapshot(r)
    kill9(redis_srv)
    copy = os.path.join(workdir, "copy")
    os.mkdir(copy)
    shutil.copytree(aofdir(workdir), aofdir(copy))
    srv = servers(copy, extra)
    assert_same(expected, snapshot(client(srv)))


@pytest.mark.parametrize("option", ["--appenddirname", "--appendfilename"])
def test_aof_names_must_not_be_paths(workdir, option):
    status, _ = start_must_fail(cardinal_bin(), workdir, AOF + [option, "sub/name"])
    assert status == 1
    assert not os.path.exists(os.path.join(workdir, "sub"))
