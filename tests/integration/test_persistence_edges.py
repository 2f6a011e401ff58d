"""Persistence interactions the other persistence tests leave out, checked against Redis 7.0.15
(CARDINAL_BIN=/usr/bin/redis-server): CONFIG SET appendonly while a child runs (a BGSAVE, a
rewrite with the AOF off, a rewrite with it on, the first rewrite of a switch-on), SHUTDOWN and
SIGTERM during rewrites, the order BGSAVE / BGREWRITEAOF / BGSAVE SCHEDULE run in, appendfsync
changed under load, DEBUG RELOAD with the AOF on, large values through the AOF and both forms of
rewrite, an AOF cut at every point of a MULTI/EXEC, and rewrites under pipelined writers whose
INCR replies say exactly what must survive. Most tests end with a SIGKILL and a restart whose
whole dataset (every database, type, value and TTL) must equal the live one before the kill.

Slow children come from rdb-key-save-delay (microseconds per key, read by the child at the
fork; the RDB preamble of a rewrite honours it as BGSAVE does), so a rewrite of 2000 keys with
a delay of 1000 runs about 2 s; it is set back to 0 right after the fork.

"""
import os
import random
import shutil
import signal
import socket
import threading
import time

import pytest

from conftest import IS_REDIS, RawConn, cardinal_bin, parse_info
from aof_util import (assert_same, client, encode, info, kill9, manifest_text, parse_commands,
                      read, snapshot, start_must_fail, wait_for, wait_rewrite_done)

AOF = ["--appendonly", "yes"]
DEBUG = ["--enable-debug-command", "yes"]
ALL_DBS = tuple(range(16))
MANIFEST = "appendonly.aof.manifest"
STARTED = b"+Background saving started\r\n"
REWRITE_STARTED = b"+Background append only file rewriting started\r\n"
REWRITE_SCHEDULED = b"+Background append only file rewriting scheduled\r\n"


def aofdir(workdir):
    return os.path.join(workdir, "appendonlydir")


def listing(path):
    return sorted(os.listdir(path)) if os.path.isdir(path) else []


def temp_rewrite_files(workdir):
    """The rewrite child's temp files (temp-rewriteaof-*) in dir or appenddirname."""
    return [n for d in (workdir, aofdir(workdir)) for n in listing(d)
            if n.startswith("temp-rewriteaof")]


def fill_keys(r, n, prefix="k:"):
    p = r.pipeline(transaction=False)
    for i in range(n):
        p.set("%s%d" % (prefix, i), "v%d" % i)
        if len(p) >= 1000:
            p.execute()
    p.execute()


def slow_child(srv, command, delay=1000):
    """Runs BGSAVE / BGREWRITEAOF / CONFIG SET appendonly yes with the child sleeping `delay`
    us per key; returns the raw reply."""
    c = RawConn(srv.port)
    assert c.call("CONFIG", "SET", "rdb-key-save-delay", str(delay)) == b"+OK\r\n"
    try:
        return c.call(*command)
    finally:
        c.call("CONFIG", "SET", "rdb-key-save-delay", "0")
        c.close()


def fields(r, *names):
    i = info(r)
    return {n: i.get(n) for n in names}


def restart_same(servers, srv, workdir, extra=AOF):
    """SIGKILL (after the AOF buffer is written), restart, and check every database equals
    what the live server held; returns the new server."""
    expected = snapshot(client(srv), ALL_DBS)
    kill9(srv)
    again = servers(workdir, extra)
    assert_same(expected, snapshot(client(again), ALL_DBS))
    return again


# ----------------------------------------------------------------------- CONFIG SET appendonly

def test_appendonly_yes_during_bgsave_waits_for_it_then_rewrites(servers, workdir):
    srv = servers(workdir)
    r = client(srv)
    fill_keys(r, 2000)
    assert slow_child(srv, ["BGSAVE"]) == STARTED
    assert fields(r, "rdb_bgsave_in_progress")["rdb_bgsave_in_progress"] == "1"
    assert r.config_set("appendonly", "yes") is True
    assert fields(r, "aof_enabled", "aof_rewrite_scheduled", "aof_rewrite_in_progress",
                  "aof_rewrites", "rdb_bgsave_in_progress") == {
        "aof_enabled": "1", "aof_rewrite_scheduled": "1", "aof_rewrite_in_progress": "0",
        "aof_rewrites": "0", "rdb_bgsave_in_progress": "1"}
    # Writes while the save runs are in no file yet: the rewrite's snapshot must hold them.
    r.set("during-bgsave", "1")
    r.incr("counter")
    r.delete("k:0")
    i = wait_rewrite_done(r, 1, timeout=60)
    assert i["aof_last_bgrewrite_status"] == "ok" and i["rdb_bgsave_in_progress"] == "0"
    assert fields(r, "rdb_last_bgsave_status")["rdb_last_bgsave_status"] == "ok"
    assert os.path.isfile(os.path.join(workdir, "dump.rdb"))
    d = aofdir(workdir)
    wait_for(lambda: listing(d) == ["appendonly.aof.1.base.rdb", "appendonly.aof.1.incr.aof",
                                    MANIFEST], 10, "the first base and incr")
    r.incr("counter")
    again = restart_same(servers, srv, workdir)
    ra = client(again)
    assert ra.get("counter") == b"2" and ra.get("during-bgsave") == b"1"
    assert ra.dbsize() == 2001


def test_appendonly_yes_during_a_rewrite_with_the_aof_off_restarts_it(servers, workdir):
    """Redis kills a rewrite started with the AOF off (its child keeps no incr file for the
    writes made meanwhile) and forks a new one at once; nothing written meanwhile may be lost
    or replayed twice."""
    srv = servers(workdir)
    r = client(srv)
    fill_keys(r, 2000)
    assert slow_child(srv, ["BGREWRITEAOF"]) == REWRITE_STARTED
    assert r.config_set("appendonly", "yes") is True
    switched = fields(r, "aof_enabled", "aof_rewrite_in_progress", "aof_rewrites")
    for _ in range(25):
        r.incr("counter")
    r.rpush("list", *range(10))
    i = wait_rewrite_done(r, 2, timeout=60)
    assert i["aof_last_bgrewrite_status"] == "ok"
    assert i["aof_enabled"] == "1"
    r.incr("counter")
    again = restart_same(servers, srv, workdir)
    assert client(again).get("counter") == b"26"
    # As Redis: the running child was replaced at once, not waited for.
    assert switched == {"aof_enabled": "1", "aof_rewrite_in_progress": "1", "aof_rewrites": "2"}


def test_appendonly_no_during_a_rewrite_kills_it_and_yes_continues_the_sequence(servers, workdir):
    srv = servers(workdir, AOF)
    r = client(srv)
    fill_keys(r, 2000)
    d = aofdir(workdir)
    assert slow_child(srv, ["BGREWRITEAOF"]) == REWRITE_STARTED
    # The rewrite opened incr 2 for the writes made while it runs.
    assert manifest_text(d) == ("file appendonly.aof.1.base.rdb seq 1 type b\n"
                                "file appendonly.aof.1.incr.aof seq 1 type i\n"
                                "file appendonly.aof.2.incr.aof seq 2 type i\n")
    r.set("during-rewrite", "1")
    assert r.config_set("appendonly", "no") is True
    assert fields(r, "aof_enabled", "aof_rewrite_in_progress", "aof_rewrite_scheduled",
                  "aof_last_bgrewrite_status") == {
        "aof_enabled": "0", "aof_rewrite_in_progress": "0", "aof_rewrite_scheduled": "0",
        "aof_last_bgrewrite_status": "ok"}   # killed on purpose: not a failure
    wait_for(lambda: temp_rewrite_files(workdir) == [], 5, "the rewrite's temp files to go")
    assert manifest_text(d).endswith("file appendonly.aof.2.incr.aof seq 2 type i\n")
    assert parse_commands(read(os.path.join(d, "appendonly.aof.2.incr.aof"))) == [
        [b"SELECT", b"0"], [b"SET", b"during-rewrite", b"1"]]
    r.set("while-off", "1")
    # On again: a new base continues the base sequence, the incr file the incr sequence.
    assert r.config_set("appendonly", "yes") is True
    wait_rewrite_done(r, 2, timeout=60)
    wait_for(lambda: listing(d) == ["appendonly.aof.2.base.rdb", "appendonly.aof.3.incr.aof",
                                    MANIFEST], 10, "the old files to be removed")
    assert manifest_text(d) == ("file appendonly.aof.2.base.rdb seq 2 type b\n"
                                "file appendonly.aof.3.incr.aof seq 3 type i\n")
    r.set("after", "1")
    again = restart_same(servers, srv, workdir)
    assert client(again).get("while-off") == b"1"


def test_appendonly_no_during_the_first_rewrite_of_a_switch_on(servers, workdir):
    srv = servers(workdir)
    r = client(srv)
    fill_keys(r, 2000)
    assert slow_child(srv, ["CONFIG", "SET", "appendonly", "yes"]) == b"+OK\r\n"
    assert fields(r, "aof_rewrite_in_progress")["aof_rewrite_in_progress"] == "1"
    r.set("during", "1")
    assert r.config_set("appendonly", "no") is True
    assert fields(r, "aof_enabled", "aof_rewrite_in_progress", "aof_rewrite_scheduled") == {
        "aof_enabled": "0", "aof_rewrite_in_progress": "0", "aof_rewrite_scheduled": "0"}
    wait_for(lambda: temp_rewrite_files(workdir) == [], 5, "the rewrite's temp files to go")
    # No base was ever written: no manifest either (Redis leaves its temp incr file behind).
    assert MANIFEST not in listing(aofdir(workdir))
    assert not [n for n in listing(aofdir(workdir)) if ".base." in n]
    assert r.config_set("appendonly", "yes") is True
    wait_rewrite_done(r, 2, timeout=60)
    d = aofdir(workdir)
    wait_for(lambda: listing(d) == ["appendonly.aof.1.base.rdb", "appendonly.aof.1.incr.aof",
                                    MANIFEST], 10, "base 1 and incr 1")
    r.set("after", "1")
    again = restart_same(servers, srv, workdir)
    assert client(again).dbsize() == 2002


# ----------------------------------------------------------------------------- SHUTDOWN, SIGTERM

def test_shutdown_during_a_rewrite_kills_it_and_the_aof_loads_intact(servers, workdir):
    srv = servers(workdir, AOF)
    r = client(srv)
    fill_keys(r, 2000)
    # 40 s if left alone
    assert slow_child(srv, ["BGREWRITEAOF"], delay=20000) == REWRITE_STARTED
    r.set("during", "1")
    r.incr("counter")
    expected = snapshot(r, ALL_DBS)
    c = RawConn(srv.port)
    c.send(b"SHUTDOWN NOSAVE\r\n")
    assert c.read_all_until_closed(timeout=15) == b""
    wait_for(lambda: srv.proc.poll() is not None, 15, "the server to exit")
    assert srv.proc.returncode == 0
    wait_for(lambda: temp_rewrite_files(workdir) == [], 5, "the rewrite's temp files to go")
    assert not os.path.exists(os.path.join(workdir, "dump.rdb"))
    again = servers(workdir, AOF)
    assert_same(expected, snapshot(client(again), ALL_DBS))


def test_shutdown_is_refused_while_the_first_base_of_a_switch_on_is_written(servers, workdir):
    """Redis 7.0: with the AOF switched on and its first rewrite still running, SHUTDOWN (and
    SIGTERM) would lose the dataset, so they fail; SHUTDOWN FORCE exits."""
    srv = servers(workdir)
    r = client(srv)
    fill_keys(r, 2000)
    assert slow_child(srv, ["CONFIG", "SET", "appendonly", "yes"], delay=20000) == b"+OK\r\n"
    c = RawConn(srv.port)
    assert c.call("SHUTDOWN") == b"-ERR Errors trying to SHUTDOWN. Check logs.\r\n"
    assert c.call("SHUTDOWN", "NOSAVE") == b"-ERR Errors trying to SHUTDOWN. Check logs.\r\n"
    srv.proc.send_signal(signal.SIGTERM)
    time.sleep(0.5)
    assert srv.alive()
    assert c.call("PING") == b"+PONG\r\n"
    assert fields(r, "aof_rewrite_in_progress")["aof_rewrite_in_progress"] == "1"
    c.send(b"SHUTDOWN NOSAVE FORCE\r\n")
    assert c.read_all_until_closed(timeout=15) == b""
    wait_for(lambda: srv.proc.poll() is not None, 15, "the server to exit")
    wait_for(lambda: temp_rewrite_files(workdir) == [], 5, "the rewrite's temp files to go")


def test_sigterm_with_appendfsync_no_keeps_every_acknowledged_write(servers, workdir):
    srv = servers(workdir, AOF + ["--appendfsync", "no"])
    s = socket.create_connection(("127.0.0.1", srv.port), timeout=20)
    n = 3000
    s.sendall(b"".join(encode("INCR", "counter") + encode("RPUSH", "l", i) for i in range(n)))
    want = b"".join(b":%d\r\n:%d\r\n" % (i + 1, i + 1) for i in range(n))
    got = b""
    while len(got) < len(want):
        got += s.recv(1 << 16)
    assert got == want
    srv.proc.send_signal(signal.SIGTERM)   # at once: no wait for the buffer or a fsync
    wait_for(lambda: srv.proc.poll() is not None, 15, "the server to exit")
    s.close()
    r = client(servers(workdir, AOF))
    assert r.get("counter") == b"%d" % n
    assert r.lrange("l", 0, -1) == [b"%d" % i for i in range(n)]


# ----------------------------------------------------------------------------- child ordering

def test_bgsave_then_bgrewriteaof_then_bgsave_schedule_run_one_after_another(servers, workdir):
    srv = servers(workdir, AOF)
    r = client(srv)
    fill_keys(r, 1500)
    r.config_set("rdb-key-save-delay", 1000)
    c = RawConn(srv.port)
    c.send(b"BGSAVE\r\nBGREWRITEAOF\r\nBGSAVE SCHEDULE\r\nBGSAVE\r\nINFO persistence\r\n")
    assert c.read_reply() == STARTED
    assert c.read_reply() == REWRITE_SCHEDULED
    # A save of its own kind is running: SCHEDULE does not queue another.
    assert c.read_reply() == b"-ERR Background save already in progress\r\n"
    assert c.read_reply() == b"-ERR Background save already in progress\r\n"
    i = parse_info(c.read_reply())
    assert (i["rdb_bgsave_in_progress"], i["aof_rewrite_in_progress"], i["aof_rewrite_scheduled"],
            i["aof_pending_rewrite"], i["rdb_saves"], i["aof_rewrites"]) == (
        "1", "0", "1", "1", "1", "0")
    # When the save ends the scheduled rewrite starts (the delay is still set: it runs a while).
    wait_for(lambda: info(r)["aof_rewrite_in_progress"] == "1", 30, "the scheduled rewrite")
    r.config_set("rdb-key-save-delay", 0)
    assert fields(r, "rdb_bgsave_in_progress", "aof_rewrite_scheduled", "rdb_saves",
                  "aof_rewrites", "rdb_last_bgsave_status") == {
        "rdb_bgsave_in_progress": "0", "aof_rewrite_scheduled": "0", "rdb_saves": "1",
        "aof_rewrites": "1", "rdb_last_bgsave_status": "ok"}
    assert c.call("BGSAVE") == (
        b"-ERR Another child process is active (AOF?): can't BGSAVE right now. "
        b"Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.\r\n")
    assert c.call("BGSAVE", "SCHEDULE") == b"+Background saving scheduled\r\n"
    assert c.call("BGREWRITEAOF") == (
        b"-ERR Background append only file rewriting already in progress\r\n")
    r.set("late", "1")
    # Then the scheduled save, after the rewrite.
    wait_for(lambda: info(r)["rdb_saves"] == "2", 60, "the scheduled save")
    wait_for(lambda: info(r)["rdb_bgsave_in_progress"] == "0", 60, "the save to end")
    i = info(r)
    assert i["aof_rewrites"] == "1" and i["aof_last_bgrewrite_status"] == "ok"
    assert i["rdb_last_bgsave_status"] == "ok" and i["rdb_changes_since_last_save"] == "0"
    assert i["aof_rewrite_in_progress"] == "0" and i["aof_rewrite_scheduled"] == "0"
    assert info(r, "stats")["total_forks"] == "3"
    restart_same(servers, srv, workdir)


# ----------------------------------------------------------------------------- fsync policy

class Writer(threading.Thread):
    """Pipelines INCR <counter> (and RPUSH <list> i) batches on one connection until stopped;
    `acked` counts the INCRs whose reply arrived, checked against the value each one returned."""

    def __init__(self, port, counter, list_key=None, batch=50):
        super().__init__(daemon=True)
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        self.counter, self.list_key, self.batch = counter, list_key, batch
        self.acked = 0
        self.error = None
        self.stop = threading.Event()

    def run(self):
        buf = b""
        try:
            while not self.stop.is_set():
                out, want = [], []
                for j in range(self.acked, self.acked + self.batch):
                    out.append(encode("INCR", self.counter))
                    want.append(b":%d\r\n" % (j + 1))
                    if self.list_key:
                        out.append(encode("RPUSH", self.list_key, j))
                        want.append(b":%d\r\n" % (j + 1))
                self.sock.sendall(b"".join(out))
                want = b"".join(want)
                while len(buf) < len(want):
                    data = self.sock.recv(1 << 16)
                    if not data:
                        self.error = "connection closed"
                        return
                    buf += data
                if buf[:len(want)] != want:
                    self.error = "unexpected replies %r" % buf[:100]
                    return
                buf = buf[len(want):]
                self.acked += self.batch
                time.sleep(0.002)
        except OSError as e:
            self.error = repr(e)
        finally:
            self.sock.close()

    def finish(self):
        self.stop.set()
        self.join(timeout=30)
        assert not self.is_alive() and self.error is None, self.error


def test_appendfsync_changed_while_writing_keeps_every_acknowledged_write(servers, workdir):
    srv = servers(workdir, AOF)
    r = client(srv)
    w = Writer(srv.port, "counter", "list")
    w.start()
    for policy in ("always", "no", "everysec", "always", "everysec", "no", "always"):
        assert r.config_set("appendfsync", policy) is True
        assert r.config_get("appendfsync") == {"appendfsync": policy}
        before = w.acked
        wait_for(lambda: w.acked >= before + 200 or w.error, 20, "writes under " + policy)
        assert info(r)["aof_last_write_status"] == "ok"
    w.finish()
    assert w.acked >= 1400
    assert r.get("counter") == b"%d" % w.acked
    again = restart_same(servers, srv, workdir)
    ra = client(again)
    assert ra.get("counter") == b"%d" % w.acked
    assert ra.lrange("list", 0, -1) == [b"%d" % i for i in range(w.acked)]
    assert ra.config_get("appendfsync") == {"appendfsync": "everysec"}   # not persisted


# ----------------------------------------------------------------------------- large values

@pytest.mark.parametrize("preamble", ["yes", "no"])
def test_large_values_through_the_aof_and_a_rewrite(servers, workdir, preamble):
    extra = AOF + ["--aof-use-rdb-preamble", preamble]
    srv = servers(workdir, extra)
    r = client(srv)
    rng = random.Random(7)
    big = rng.randbytes(20 * 1024 * 1024)
    r.set("big", big)
    p = r.pipeline(transaction=False)
    for start_at in range(0, 100000, 5000):
        p.rpush("biglist", *[b"e%d" % i for i in range(start_at, start_at + 5000)])
    p.execute()
    r.select(2)
    r.set("big2", big[:3 * 1024 * 1024], px=3600000)
    r.select(0)
    # From the incr file alone.
    srv = restart_same(servers, srv, workdir, extra)
    r = client(srv)
    assert r.strlen("big") == len(big) and r.llen("biglist") == 100000
    # From the rewritten base.
    assert RawConn(srv.port).call("BGREWRITEAOF") == REWRITE_STARTED
    wait_rewrite_done(r, 1, timeout=60)
    base = [n for n in listing(aofdir(workdir)) if ".base." in n]
    assert base == ["appendonly.aof.2.base.%s" % ("rdb" if preamble == "yes" else "aof")]
    assert os.path.getsize(os.path.join(aofdir(workdir), base[0])) > len(big)
    r.append("big", b"tail")
    again = restart_same(servers, srv, workdir, extra)
    ra = client(again)
    assert ra.get("big") == big + b"tail"
    assert ra.lindex("biglist", 99999) == b"e99999"


# ----------------------------------------------------------------------------- DEBUG RELOAD

def test_debug_reload_with_the_aof_on_leaves_the_aof_alone(servers, workdir):
    extra = AOF + DEBUG
    srv = servers(workdir, extra)
    r = client(srv)
    r.set("a", "1")
    r.select(3)
    r.rpush("l", "x", "y")
    r.select(0)
    incr = os.path.join(aofdir(workdir), "appendonly.aof.1.incr.aof")
    wait_for(lambda: len(parse_commands(read(incr))) == 4, 10, "the incr file")
    before = read(incr)
    assert RawConn(srv.port).call("DEBUG", "RELOAD") == b"+OK\r\n"
    assert os.path.isfile(os.path.join(workdir, "dump.rdb"))   # the RDB half of the reload
    assert read(incr) == before   # nothing of the flush or the load is logged
    assert r.get("a") == b"1" and r.dbsize() == 1
    assert fields(r, "rdb_changes_since_last_save")["rdb_changes_since_last_save"] == "0"
    r.set("b", "2")   # next write: a SELECT again (the file's last one was 3)
    assert parse_commands(read(incr))[4:] == [[b"SELECT", b"0"], [b"SET", b"b", b"2"]]
    # The restart reads the AOF, not the dump DEBUG RELOAD wrote: drop a key only there.
    r.select(3)
    r.delete("l")
    r.select(0)
    restart_same(servers, srv, workdir, extra)


def test_debug_loadaof_reloads_from_the_aof(servers, workdir):
    srv = servers(workdir, AOF + DEBUG)
    r = client(srv)
    r.set("a", "1")
    r.incr("n")
    expected = snapshot(r, ALL_DBS)
    reply = RawConn(srv.port).call("DEBUG", "LOADAOF")
    if reply.startswith(b"-") and b"nknown subcommand" in reply:
        pytest.skip("DEBUG LOADAOF is not implemented: %r" % reply)
    assert reply == b"+OK\r\n"
    assert_same(expected, snapshot(r, ALL_DBS))
    r.incr("n")
    assert r.get("n") == b"2"
    restart_same(servers, srv, workdir, AOF + DEBUG)


# ----------------------------------------------------------------------------- replayed workloads

def blocked(r, n):
    wait_for(lambda: info(r, "clients")["blocked_clients"] == str(n), 10,
             "%d blocked clients" % n)


def workload_first_half(srv, r):
    """Writes whose logged form differs from what the client sent: flushes, database moves,
    pops with counts, blocking pops served at once, transactions."""
    c = RawConn(srv.port)
    fill_keys(r, 50, prefix="gone:")
    r.select(6)
    fill_keys(r, 20, prefix="db6:")
    assert r.flushall() is True
    r.select(6)
    fill_keys(r, 20, prefix="db6:")
    r.select(9)
    fill_keys(r, 5, prefix="db9:")
    assert c.call("SELECT", "9") == b"+OK\r\n" and c.call("FLUSHDB") == b"+OK\r\n"
    assert c.call("SELECT", "0") == b"+OK\r\n"
    r.select(0)
    r.mset({"m1": "a", "m2": "b"})
    r.set("s1", "hello")
    r.append("s1", "-world")
    r.setrange("s1", 20, "!")
    r.incrbyfloat("f", 1.25)
    r.getdel("m2")
    r.getex("m1", px=900000)
    r.rpush("l", *"abcdefghij")
    assert c.call("LMPOP", "2", "nolist", "l", "LEFT", "COUNT", "3") == (
        b"*2\r\n$1\r\nl\r\n*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n")
    r.rpoplpush("l", "l2")
    r.lmove("l", "l2", "LEFT", "RIGHT")
    r.ltrim("l", 0, 2)
    r.lset("l", 1, "X")
    r.linsert("l", "BEFORE", "X", "W")
    r.sadd("s", *range(30))
    popped = r.spop("s", 7)
    assert len(popped) == 7
    r.smove("s", "s2", popped[0])      # popped: moves nothing
    r.smove("s", "s2", (set(b"%d" % i for i in range(30)) - set(popped)).pop())
    r.zadd("z", {"a": 1, "b": 2, "c": 3, "d": 4, "e": 5})
    r.zpopmin("z")
    assert r.bzpopmin(["z"], 1) == (b"z", b"b", 2.0)
    assert c.call("ZMPOP", "1", "z", "MAX", "COUNT", "1") == (
        b"*2\r\n$1\r\nz\r\n*1\r\n*2\r\n$1\r\ne\r\n$1\r\n5\r\n")
    r.zincrby("z", 2.5, "c")
    r.hset("h", mapping={"f": "1", "g": "2", "x": "3"})
    r.hincrbyfloat("h", "f", 0.5)
    r.hdel("h", "g")
    assert r.blpop(["l"], 1) == (b"l", b"e")
    for cmd in (("MULTI",), ("SET", "t", "1"), ("INCR", "t"), ("LPUSH", "tl", "a", "b"),
                ("EXPIRE", "t", "1000"), ("SPOP", "s"), ("EXEC",)):
        c.call(*cmd)
    # A transaction whose middle command fails at EXEC: the others still apply.
    for cmd in (("MULTI",), ("SET", "u", "1"), ("LPUSH", "u", "x"), ("INCR", "cnt"),
                ("EXEC",)):
        c.call(*cmd)
    assert r.get("cnt") == b"1"
    r.move("s1", 4)
    r.copy("h", "h2", destination_db=5)
    r.copy("z", "zc", replace=True)
    r.rename("m1", "m1r")
    r.expireat("f", 1)   # in the past: a DEL
    c.close()


def workload_second_half(srv, r):
    """Blocking pops served later by a push (or a SWAPDB), expiries (active and lazy), and
    writes on keys that expired."""
    a, b, d, e = (RawConn(srv.port) for _ in range(4))
    for conn, db in ((a, 2), (b, 2), (d, 2), (e, 11)):
        assert conn.call("SELECT", str(db)) == b"+OK\r\n"
    a.send(encode("BLPOP", "q", "0"))
    b.send(encode("BZPOPMIN", "zq", "0"))
    d.send(encode("BLMOVE", "src", "dst", "LEFT", "RIGHT", "0"))
    e.send(encode("BLPOP", "sw", "0"))
    blocked(r, 4)
    r.select(2)
    r.rpush("q", "x", "y")
    r.zadd("zq", {"a": 1, "b": 2})
    r.rpush("src", "1", "2")
    assert a.read_reply() == b"*2\r\n$1\r\nq\r\n$1\r\nx\r\n"
    assert b.read_reply() == b"*3\r\n$2\r\nzq\r\n$1\r\na\r\n$1\r\n1\r\n"
    assert d.read_reply() == b"$1\r\n1\r\n"
    # The list appears in db 11 by a SWAPDB: the waiting client is served from it.
    r.select(10)
    r.rpush("sw", "p", "q")
    r.set("only-in-10", "1")
    blocked(r, 1)
    assert r.swapdb(10, 11) is True
    assert e.read_reply() == b"*2\r\n$2\r\nsw\r\n$1\r\np\r\n"
    # Active expiry.
    r.select(7)
    for i in range(20):
        r.set("ae:%d" % i, "v", px=50)
    r.set("stays", "1", px=3600000)
    wait_for(lambda: r.dbsize() == 1, 15, "the active expiry of db 7")
    # Lazy expiry: writes on a key that expired must not see its old value on replay either.
    assert RawConn(srv.port).call("DEBUG", "SET-ACTIVE-EXPIRE", "0") == b"+OK\r\n"
    r.select(8)
    r.set("cnt", "5", px=50)
    r.set("nx", "old", px=50)
    r.rpush("el", "old")
    r.pexpire("el", 50)
    r.hset("eh", "a", "1")
    r.pexpire("eh", 50)
    time.sleep(0.2)
    assert r.incr("cnt") == 1
    assert r.set("nx", "new", nx=True) is True
    assert r.rpush("el", "new") == 1
    assert r.hsetnx("eh", "a", "2") == 1
    assert RawConn(srv.port).call("DEBUG", "SET-ACTIVE-EXPIRE", "1") == b"+OK\r\n"
    for conn in (a, b, d, e):
        conn.close()
    r.select(0)


@pytest.mark.parametrize("mode", ["incr-only", "rewrite", "rewrite-commands"])
def test_kill9_restart_holds_the_live_dataset_after_every_kind_of_write(servers, workdir, mode):
    extra = AOF + DEBUG
    if mode == "rewrite-commands":
        extra += ["--aof-use-rdb-preamble", "no"]
    srv = servers(workdir, extra)
    r = client(srv)
    workload_first_half(srv, r)
    if mode != "incr-only":
        # The first half goes into the base, the second into the new incr file.
        assert RawConn(srv.port).call("BGREWRITEAOF") == REWRITE_STARTED
        wait_rewrite_done(r, 1, timeout=60)
    workload_second_half(srv, r)
    r.select(0)
    restart_same(servers, srv, workdir, extra)


# ----------------------------------------------------------------------------- a cut MULTI/EXEC

def command_ends(data):
    ends, off = [], 0
    for cmd in parse_commands(data):
        off += len(encode(*cmd))
        ends.append(off)
    return ends


def keys_by_db(r, dbs=(0, 3)):
    out = {}
    for db in dbs:
        r.execute_command("SELECT", db)
        out[db] = sorted(r.keys())
    r.execute_command("SELECT", 0)
    return out


def test_aof_cut_anywhere_in_a_transaction_loads_the_data_before_it(servers, workdir, tmp_path):
    """An incr file cut at every command boundary and inside every command of a MULTI/EXEC
    (aof-load-truncated yes): what precedes the MULTI loads, none of the transaction unless the
    EXEC is whole; the file is cut back, and writes after the restart load the time after.
    Redis 7.0.15 cuts a file torn inside a transaction after its last whole command, leaving
    the MULTI open: writes made after that restart are then reverted with the transaction at
    the next load. That loss is not required here (only checked on cardinal)."""
    srv = servers(workdir, AOF + ["--appendfsync", "always"])
    c = RawConn(srv.port)
    assert c.call("SET", "pre", "1") == b"+OK\r\n" and c.call("SELECT", "3") == b"+OK\r\n"
    for cmd in (("MULTI",), ("SET", "a", "1"), ("INCR", "a"), ("SADD", "s", "x")):
        c.call(*cmd)
    assert c.call("EXEC") == b"*3\r\n+OK\r\n:2\r\n:1\r\n"
    kill9(srv)
    src = aofdir(workdir)
    name = "appendonly.aof.1.incr.aof"
    data = read(os.path.join(src, name))
    assert parse_commands(data) == [
        [b"SELECT", b"0"], [b"SET", b"pre", b"1"], [b"SELECT", b"3"], [b"MULTI"],
        [b"SET", b"a", b"1"], [b"INCR", b"a"], [b"SADD", b"s", b"x"], [b"EXEC"]]
    ends = command_ends(data)
    multi_at, exec_end = ends[2], ends[7]
    cuts = sorted(set(ends + [e - 3 for e in ends[1:]]))
    for cut in cuts:
        w = str(tmp_path / ("cut%d" % cut))
        shutil.copytree(src, aofdir(w))
        with open(os.path.join(aofdir(w), name), "r+b") as f:
            f.truncate(cut)
        s = servers(w, AOF)
        r = client(s)
        torn_in_multi = multi_at < cut < exec_end and cut not in ends
        if cut >= exec_end:
            want = {0: [b"pre"], 3: [b"a", b"s"]}
            assert r.execute_command("SELECT", 3) and r.get("a") == b"2"
            r.execute_command("SELECT", 0)
        elif cut >= ends[1]:
            want = {0: [b"pre"], 3: []}
        else:
            want = {0: [], 3: []}
        assert keys_by_db(r) == want, cut
        size = os.path.getsize(os.path.join(aofdir(w), name))
        if cut >= exec_end or cut <= multi_at:
            # A torn command is cut off; whole commands stay.
            assert size == max([e for e in ends if e <= cut] + [0]), cut
        elif not torn_in_multi or not IS_REDIS:
            assert size == multi_at, cut   # an open MULTI at the end is reverted
        r.execute_command("SELECT", 3)
        r.set("post3", "1")
        r.execute_command("SELECT", 0)
        r.set("post", "1")
        kill9(s)
        if torn_in_multi and IS_REDIS:
            continue
        again = servers(w, AOF)
        want[0] = sorted(want[0] + [b"post"])
        want[3] = sorted(want[3] + [b"post3"])
        assert keys_by_db(client(again)) == want, cut
        kill9(again)
    # With aof-load-truncated no, an open transaction at the end is an error, torn or not.
    for cut in (ends[6], ends[6] - 3):
        w = str(tmp_path / ("strict%d" % cut))
        shutil.copytree(src, aofdir(w))
        with open(os.path.join(aofdir(w), name), "r+b") as f:
            f.truncate(cut)
        status, _ = start_must_fail(cardinal_bin(), w, AOF + ["--aof-load-truncated", "no"])
        assert status == 1
        assert os.path.getsize(os.path.join(aofdir(w), name)) == cut   # left as it was


# ----------------------------------------------------------------------------- rewrites under load

@pytest.mark.parametrize("fsync", ["everysec", "always"])
def test_rewrites_under_pipelined_writers_lose_and_double_nothing(servers, workdir, fsync):
    """Three connections pipeline INCRs (each on its own counter, one also RPUSHes) while
    rewrites of both forms run, back to back and overlapping the writes; each INCR's reply is
    checked, so after the writers stop the counters must equal what was acknowledged, in the
    live server and after a SIGKILL and restart."""
    extra = AOF + ["--appendfsync", fsync]
    srv = servers(workdir, extra)
    r = client(srv)
    fill_keys(r, 1000, prefix="bulk:")   # so each rewrite takes a while
    writers = [Writer(srv.port, "c%d" % i, "list" if i == 0 else None) for i in range(3)]
    for w in writers:
        w.start()
    c = RawConn(srv.port)
    for round_ in range(4):
        c.call("CONFIG", "SET", "aof-use-rdb-preamble", "yes" if round_ % 2 == 0 else "no")
        assert c.call("CONFIG", "SET", "rdb-key-save-delay", "300") == b"+OK\r\n"
        assert c.call("BGREWRITEAOF") == REWRITE_STARTED
        c.call("CONFIG", "SET", "rdb-key-save-delay", "0")
        before = [w.acked for w in writers]
        i = wait_rewrite_done(r, round_ + 1, timeout=60)
        assert i["aof_last_bgrewrite_status"] == "ok"
        assert all(w.error is None for w in writers), [w.error for w in writers]
        assert all(w.acked > b for w, b in zip(writers, before)), "no write during the rewrite"
    for w in writers:
        w.finish()
    counts = [w.acked for w in writers]
    assert [r.get("c%d" % i) for i in range(3)] == [b"%d" % n for n in counts]
    again = restart_same(servers, srv, workdir, extra)
    ra = client(again)
    assert [ra.get("c%d" % i) for i in range(3)] == [b"%d" % n for n in counts]
    assert ra.lrange("list", 0, -1) == [b"%d" % j for j in range(counts[0])]
    assert sorted(n for n in listing(aofdir(workdir))) == [
        "appendonly.aof.5.base.aof", "appendonly.aof.5.incr.aof", MANIFEST]


# ----------------------------------------------------------------------------- a child that dies

def children_of(pid):
    out = []
    for task in os.listdir("/proc/%d/task" % pid):
        try:
            with open("/proc/%d/task/%s/children" % (pid, task)) as f:
                out += [int(x) for x in f.read().split()]
        except OSError:
            pass
    return out


@pytest.mark.parametrize("aof", ["yes", "no"])
def test_rewrite_child_killed_by_a_signal_leaves_no_temp_file(servers, workdir, aof):
    srv = servers(workdir, ["--appendonly", aof])
    r = client(srv)
    fill_keys(r, 2000)
    assert slow_child(srv, ["BGREWRITEAOF"], delay=5000) == REWRITE_STARTED
    kids = wait_for(lambda: children_of(srv.proc.pid), 5, "the rewrite child")
    assert len(kids) == 1
    # It has begun writing its temp file: then it dies as if the OOM killer took it.
    wait_for(lambda: temp_rewrite_files(workdir), 5, "the child's temp file")
    os.kill(kids[0], signal.SIGKILL)
    wait_for(lambda: info(r)["aof_rewrite_in_progress"] == "0", 10, "the parent to notice")
    i = info(r)
    assert i["aof_last_bgrewrite_status"] == "err"
    assert i["aof_rewrites_consecutive_failures"] == "1"
    r.set("after", "1")
    # The next rewrite succeeds and clears the failure.
    assert RawConn(srv.port).call("BGREWRITEAOF") == REWRITE_STARTED
    i = wait_rewrite_done(r, 2, timeout=60)
    assert i["aof_last_bgrewrite_status"] == "ok"
    assert i["aof_rewrites_consecutive_failures"] == "0"
    # The dead child's half-written file was removed when it was reaped (long ago by now).
    wait_for(lambda: temp_rewrite_files(workdir) == [], 2, "the temp files to go")
    if aof == "yes":
        restart_same(servers, srv, workdir)


# ----------------------------------------------------------------------------- more interactions

def test_appendonly_yes_inside_exec_forks_after_the_transaction(servers, workdir):
    """Redis defers the first rewrite of a switch-on made inside EXEC to the cron, so its
    snapshot never shows half a transaction."""
    srv = servers(workdir)
    c = RawConn(srv.port)
    c.call("SET", "x", "0")
    for cmd in (("MULTI",), ("INCR", "x"), ("CONFIG", "SET", "appendonly", "yes"),
                ("INCR", "x"), ("SET", "y", "1"), ("INFO", "persistence")):
        c.call(*cmd)
    reply = c.call("EXEC")
    assert reply.startswith(b"*5\r\n:1\r\n+OK\r\n:2\r\n+OK\r\n$")
    i = parse_info(reply[reply.index(b"# Persistence"):])
    r = client(srv)
    wait_rewrite_done(r, 1)
    assert c.call("INCR", "x") == b":3\r\n"
    d = aofdir(workdir)
    # The whole transaction is in the base: the incr file holds only the later write.
    assert parse_commands(read(os.path.join(d, "appendonly.aof.1.incr.aof"))) == [
        [b"SELECT", b"0"], [b"INCR", b"x"]]
    restart_same(servers, srv, workdir)
    assert (i["aof_enabled"], i["aof_rewrite_scheduled"], i["aof_rewrite_in_progress"]) == (
        "1", "1", "0")


def test_flushall_during_a_rewrite_lets_it_finish_and_replays_in_order(servers, workdir):
    """FLUSHALL stops a BGSAVE child, not a rewrite: the new base holds the data as of the fork
    and the incr file the FLUSHALL and what followed."""
    srv = servers(workdir, AOF)
    r = client(srv)
    fill_keys(r, 2000)
    assert slow_child(srv, ["BGREWRITEAOF"]) == REWRITE_STARTED
    assert r.flushall() is True
    assert info(r)["aof_rewrite_in_progress"] == "1"
    r.set("after-flush", "1")
    r.select(4)
    r.rpush("l", "a")
    assert r.swapdb(4, 0) is True
    r.select(0)
    i = wait_rewrite_done(r, 1, timeout=60)
    assert i["aof_last_bgrewrite_status"] == "ok"
    incr = os.path.join(aofdir(workdir), "appendonly.aof.2.incr.aof")
    assert parse_commands(read(incr))[:2] == [[b"SELECT", b"0"], [b"FLUSHALL"]]
    again = restart_same(servers, srv, workdir)
    ra = client(again)
    assert ra.dbsize() == 1 and ra.lrange("l", 0, -1) == [b"a"]


def test_bgrewriteaof_with_the_aof_off_continues_the_directory_found_at_startup(servers, workdir):
    """Redis reads the manifest at startup whatever appendonly says: a rewrite made with the
    AOF off takes the next base number and retires the files of the earlier run."""
    srv = servers(workdir, AOF)
    r = client(srv)
    r.set("a", "1")
    assert RawConn(srv.port).call("BGREWRITEAOF") == REWRITE_STARTED
    wait_rewrite_done(r, 1)
    r.set("b", "1")
    d = aofdir(workdir)
    wait_for(lambda: listing(d) == ["appendonly.aof.2.base.rdb", "appendonly.aof.2.incr.aof",
                                    MANIFEST], 10, "seq 2")
    kill9(srv)
    off = servers(workdir)
    r = client(off)
    assert r.dbsize() == 0   # the AOF is not read with appendonly no
    r.set("c", "1")
    assert RawConn(off.port).call("BGREWRITEAOF") == REWRITE_STARTED
    wait_rewrite_done(r, 1)
    wait_for(lambda: listing(d) == ["appendonly.aof.3.base.rdb", MANIFEST], 3,
             "base 3 alone, the files of the earlier run removed")
    assert manifest_text(d) == "file appendonly.aof.3.base.rdb seq 3 type b\n"
    kill9(off)
    again = servers(workdir, AOF)
    assert client(again).keys() == [b"c"]


# ----------------------------------------------------------------------- expiry during loading

TTL_MS = 2000


@pytest.mark.parametrize("base", ["none", "rdb-preamble", "commands"])
def test_keys_written_before_their_ttl_ran_out_stay_dead_after_the_restart(servers, workdir,
                                                                           base):
    """Keys given a TTL and then changed by commands that keep it (INCR, APPEND, RPUSH, SADD,
    HSET, SET KEEPTTL) while still alive, the server killed and restarted once the TTL has
    passed: the keys must be gone. Redis expires nothing while it loads (and an AOF's RDB
    preamble keeps keys already expired), so the replayed changes land on the old keys and
    the TTL still applies; expiring them during the load would let the changes create new keys
    without a TTL."""
    extra = AOF + ["--aof-use-rdb-preamble", "no" if base == "commands" else "yes"]
    srv = servers(workdir, extra)
    c = RawConn(srv.port)
    deadline = time.time() + TTL_MS / 1000
    for cmd in (("SET", "cnt", "5", "PX", TTL_MS), ("SET", "s", "v", "PX", TTL_MS),
                ("RPUSH", "l", "a"), ("PEXPIRE", "l", TTL_MS), ("SADD", "st", "a"),
                ("PEXPIRE", "st", TTL_MS), ("HSET", "h", "f", "1"), ("PEXPIRE", "h", TTL_MS),
                ("SET", "keep", "1", "PX", TTL_MS), ("SET", "persisted", "1", "PX", TTL_MS),
                ("SET", "control", "1")):
        assert not c.call(*cmd).startswith(b"-")
    if base != "none":
        assert c.call("BGREWRITEAOF") == REWRITE_STARTED
        wait_rewrite_done(client(srv), 1)
    # Changes that keep the TTL, all while the keys live (the replies say so).
    assert c.call("INCR", "cnt") == b":6\r\n"
    assert c.call("APPEND", "s", "x") == b":2\r\n"
    assert c.call("RPUSH", "l", "b") == b":2\r\n"
    assert c.call("SADD", "st", "b") == b":1\r\n"
    assert c.call("HSET", "h", "g", "2") == b":1\r\n"
    assert c.call("SET", "keep", "2", "KEEPTTL") == b"+OK\r\n"
    assert c.call("PERSIST", "persisted") == b":1\r\n"   # this one loses its TTL: it stays
    assert time.time() < deadline - 0.2, "too slow to test anything"
    kill9(srv)
    time.sleep(max(0.0, deadline + 0.3 - time.time()))
    again = servers(workdir, extra)
    r = client(again)
    assert sorted(r.keys()) == [b"control", b"persisted"]
    assert r.get("persisted") == b"1"


# ----------------------------------------------------------------------------- logged forms

def test_logged_forms_of_one_write_transactions_and_flagged_expiries(servers, workdir):
    """Byte-level AOF compatibility (data replays the same either way): Redis 7.0 wraps a
    transaction in MULTI/EXEC only when it propagates more than one command, keeps EXPIRE's
    NX/XX/GT/LT flag on the PEXPIREAT it logs, and logs a BRPOPLPUSH served at once as
    RPOPLPUSH."""
    srv = servers(workdir, AOF)
    c = RawConn(srv.port)
    for cmd in (("MULTI",), ("SET", "one", "1"), ("GET", "one"), ("EXEC",)):
        c.call(*cmd)
    assert c.call("SET", "n", "1") == b"+OK\r\n"
    assert c.call("EXPIRE", "n", "100", "NX") == b":1\r\n"
    assert c.call("EXPIRE", "n", "50", "GT") == b":0\r\n"   # changes nothing: not logged
    assert c.call("EXPIRE", "n", "200", "GT") == b":1\r\n"
    assert c.call("RPUSH", "bl", "x") == b":1\r\n"
    assert c.call("BRPOPLPUSH", "bl", "bl2", "1") == b"$1\r\nx\r\n"
    path = os.path.join(aofdir(workdir), "appendonly.aof.1.incr.aof")
    cmds = wait_for(lambda: (lambda cs: cs if len(cs) >= 7 else None)(
        parse_commands(read(path))), 10, "the commands in the incr file")
    assert [cmd[:2] if cmd[0] == b"PEXPIREAT" else cmd for cmd in cmds] == [
        [b"SELECT", b"0"], [b"SET", b"one", b"1"], [b"SET", b"n", b"1"],
        [b"PEXPIREAT", b"n"], [b"PEXPIREAT", b"n"], [b"RPUSH", b"bl", b"x"],
        [b"RPOPLPUSH", b"bl", b"bl2"]]
    assert cmds[3][3:] == [b"NX"] and cmds[4][3:] == [b"GT"]


def test_info_after_loading_an_aof_with_a_preamble_and_a_tail(servers, workdir):
    """Redis counts the keys of the RDB preamble in rdb_last_load_keys_loaded, and the
    commands replayed from the incr files as changes not yet saved (they are not in any dump:
    a save point can fire on them)."""
    srv = servers(workdir, AOF)
    r = client(srv)
    fill_keys(r, 20)
    assert RawConn(srv.port).call("BGREWRITEAOF") == REWRITE_STARTED
    wait_rewrite_done(r, 1)
    for i in range(5):
        r.set("tail:%d" % i, i)
    kill9(srv)
    again = servers(workdir, AOF)
    i = info(client(again))
    assert (i["rdb_last_load_keys_loaded"], i["rdb_last_load_keys_expired"]) == ("20", "0")
    assert i["rdb_changes_since_last_save"] == "5"
