"""BGSAVE, automatic saves from the `save` points and MISCONF, as Redis 7.0.15 does them.

Checked facts (redis-server 7.0.15):
- BGSAVE answers `+Background saving started`; while a save runs, BGSAVE, BGSAVE SCHEDULE and
  SAVE answer `-ERR Background save already in progress`; BGSAVE inside MULTI/EXEC answers
  `+Background saving scheduled` and the save starts shortly after; behind an AOF rewrite, BGSAVE
  is refused with the "Another child process is active (AOF?)" error and BGSAVE SCHEDULE answers
  `+Background saving scheduled`.
- The dump is taken as of the moment BGSAVE is answered: later writes are served but are not in
  the file, and they stay counted in rdb_changes_since_last_save when the save finishes.
- INFO persistence shows the save while it runs (rdb_bgsave_in_progress:1,
  rdb_current_bgsave_time_sec, current_save_keys_total, current_fork_perc, ...); rdb_saves counts
  every save started (a failed one too); INFO stats has total_forks and latest_fork_usec.
- A failed background save sets rdb_last_bgsave_status:err. With save points configured and
  stop-writes-on-bgsave-error yes (the default) the server then refuses write commands *and PING*
  with the MISCONF error, while reads, CONFIG SET, PUBLISH and TOUCH still work; a refused command
  inside MULTI makes EXEC answer EXECABORT. The next successful BGSAVE or SAVE (or
  `CONFIG SET stop-writes-on-bgsave-error no`, or no save points) lifts it; with save points the
  server retries the failed save by itself about every 5 s.
- SHUTDOWN during a BGSAVE kills the save and writes the final dump itself; FLUSHALL kills it
  (not counted as a failure); FLUSHDB does not.

To make a background save last long enough to observe, these tests use Redis's
`rdb-key-save-delay` (CONFIG SET, microseconds slept per key written by the save; the saving
process keeps the value it had when the save started). cardinal must support it for these tests.
Save failures are produced by making `dump.rdb` a directory, so the final rename fails even as
root. Passes on redis-server 7.0.15 (CARDINAL_BIN=/usr/bin/redis-server).
"""
import glob
import os
import re
import shutil
import signal
import time

import redis

from aof_util import snapshot, wait_for
from conftest import RawConn, bulk_text, parse_info

MISCONF = ("MISCONF Redis is configured to save RDB snapshots, but it's currently unable to "
           "persist to disk. Commands that may modify the data set are disabled, because this "
           "instance is configured to report errors during writes if RDB snapshotting fails "
           "(stop-writes-on-bgsave-error option). Please check the Redis logs for details about "
           "the RDB error.")
IN_PROGRESS = b"-ERR Background save already in progress\r\n"
STARTED = b"+Background saving started\r\n"
SCHEDULED = b"+Background saving scheduled\r\n"

# INFO persistence, in Redis 7.0's order, up to the AOF fields, with the shape of each value.
PERSISTENCE_FIELDS = [
    ("loading", r"0"),
    ("async_loading", r"0"),
    ("current_cow_peak", r"\d+"),
    ("current_cow_size", r"\d+"),
    ("current_cow_size_age", r"\d+"),
    ("current_fork_perc", r"\d+\.\d\d"),
    ("current_save_keys_processed", r"\d+"),
    ("current_save_keys_total", r"\d+"),
    ("rdb_changes_since_last_save", r"\d+"),
    ("rdb_bgsave_in_progress", r"[01]"),
    ("rdb_last_save_time", r"\d+"),
    ("rdb_last_bgsave_status", r"ok|err"),
    ("rdb_last_bgsave_time_sec", r"-1|\d+"),
    ("rdb_current_bgsave_time_sec", r"-1|\d+"),
    ("rdb_saves", r"\d+"),
    ("rdb_last_cow_size", r"\d+"),
    ("rdb_last_load_keys_expired", r"\d+"),
    ("rdb_last_load_keys_loaded", r"\d+"),
]


# ----------------------------------------------------------------------------- helpers

def info(c, section="persistence"):
    return parse_info(bulk_text(c.call("INFO", section)))


def wait_bgsave_done(c, timeout=60):
    """Polls until no background save runs; returns INFO persistence from that moment."""
    def done():
        i = info(c)
        return i if i["rdb_bgsave_in_progress"] == "0" else None
    return wait_for(done, timeout, "the background save to finish")


def fill_keys(r, n, prefix="k:", db=0):
    r.execute_command("SELECT", db)
    p = r.pipeline(transaction=False)
    for start in range(0, n, 500):
        p.mset({"%s%d" % (prefix, i): "value:%d" % i for i in range(start, min(n, start + 500))})
    p.execute()
    r.execute_command("SELECT", 0)


def temp_files(workdir):
    return sorted(f for f in os.listdir(workdir) if f.startswith("temp-") and f.endswith(".rdb"))


def dump_path(workdir):
    return os.path.join(workdir, "dump.rdb")


def client(srv):
    return redis.Redis(host="127.0.0.1", port=srv.port, socket_timeout=30)


def fill_types(r):
    """A value of every type, integers and binary, TTLs, in two databases."""
    for db in (0, 3):
        r.execute_command("SELECT", db)
        pre = b"db%d:" % db
        r.set(pre + b"str", b"hello")
        r.set(pre + b"int", 12345)
        r.set(pre + b"neg", -9223372036854775808)
        r.set(pre + b"bin\x00\xff", bytes(range(256)) * 3)
        r.set(pre + b"long", b"compress me " * 500)
        r.rpush(pre + b"list", b"a", b"1", b"\x00", b"x" * 100)
        r.rpush(pre + b"biglist", *range(2000))
        r.sadd(pre + b"intset", 1, 2, -3, 5000000000)
        r.sadd(pre + b"set", *[b"m%d" % i for i in range(300)])
        r.hset(pre + b"hash", mapping={b"f": b"v", b"n": 7, b"\x00": b""})
        r.hset(pre + b"bighash", mapping={b"f%d" % i: b"v%d" % i for i in range(700)})
        r.zadd(pre + b"zset", {b"a": 1.5, b"b": -2, b"inf": float("inf")})
        r.zadd(pre + b"bigzset", {b"m%d" % i: i / 3 for i in range(300)})
        r.set(pre + b"ttl", b"t", ex=100000)
        r.pexpire(pre + b"list", 50000000)
    r.execute_command("SELECT", 0)


def dataset(r, dbs=(0, 3)):
    """{(db, key): (type, value, has_ttl)} of the databases `dbs`."""
    return {k: (t, v, ttl > 0) for k, (t, v, ttl) in snapshot(r, dbs).items()}


def load_copy(servers, tmp_path, src, name):
    """Starts a fresh server on a copy of the dump `src`; returns (server, raw conn)."""
    d = tmp_path / name
    d.mkdir()
    shutil.copy(src, str(d / "dump.rdb"))
    srv = servers(str(d))
    return srv, RawConn(srv.port)


def make_dump_unwritable(workdir):
    """dump.rdb becomes a non-empty directory: the rename over it fails, even as root."""
    path = dump_path(workdir)
    if os.path.isfile(path):
        os.unlink(path)
    os.mkdir(path)
    with open(os.path.join(path, "keep"), "w") as f:
        f.write("x")


def fix_dump(workdir):
    shutil.rmtree(dump_path(workdir))


# ----------------------------------------------------------------------------- BGSAVE itself

def test_info_persistence_fields_and_initial_values(servers, workdir):
    srv = servers(workdir)
    c = RawConn(srv.port)
    text = bulk_text(c.call("INFO", "persistence")).decode()
    lines = [l for l in text.split("\r\n") if l and not l.startswith("#")]
    names = [l.split(":", 1)[0] for l in lines]
    expected = [n for n, _ in PERSISTENCE_FIELDS]
    assert [n for n in names if n in expected] == expected, names
    i = parse_info(text)
    for name, shape in PERSISTENCE_FIELDS:
        assert re.fullmatch(shape, i[name]), (name, i[name])
    assert i["rdb_bgsave_in_progress"] == "0"
    assert i["rdb_last_bgsave_status"] == "ok"
    assert i["rdb_last_bgsave_time_sec"] == "-1"
    assert i["rdb_current_bgsave_time_sec"] == "-1"
    assert i["rdb_saves"] == "0"
    assert i["current_fork_perc"] == "0.00"
    assert i["current_save_keys_processed"] == "0" and i["current_save_keys_total"] == "0"
    assert i["rdb_changes_since_last_save"] == "0"
    assert abs(int(i["rdb_last_save_time"]) - time.time()) < 30  # starts as the start time
    stats = info(c, "stats")
    assert stats["total_forks"] == "0" and stats["latest_fork_usec"] == "0"
    # The settings these tests rely on.
    assert c.call("CONFIG", "GET", "rdb-key-save-delay") == (
        b"*2\r\n$18\r\nrdb-key-save-delay\r\n$1\r\n0\r\n")
    assert c.call("CONFIG", "GET", "stop-writes-on-bgsave-error") == (
        b"*2\r\n$27\r\nstop-writes-on-bgsave-error\r\n$3\r\nyes\r\n")
    assert c.error("CONFIG", "SET", "rdb-key-save-delay", "abc") == (
        "ERR CONFIG SET failed (possibly related to argument 'rdb-key-save-delay') - argument "
        "couldn't be parsed into an integer")
    assert c.error("CONFIG", "SET", "stop-writes-on-bgsave-error", "maybe") == (
        "ERR CONFIG SET failed (possibly related to argument 'stop-writes-on-bgsave-error') - "
        "argument must be 'yes' or 'no'")
    assert c.error("CONFIG", "SET", "save", "1") == (
        "ERR CONFIG SET failed (possibly related to argument 'save') - Invalid save parameters")
    assert c.call("BGSAVE", "bogus") == b"-ERR syntax error\r\n"
    assert c.call("BGSAVE", "SCHEDULE", "x") == b"-ERR syntax error\r\n"


def test_bgsave_replies_and_info_while_it_runs(servers, workdir):
    srv = servers(workdir)
    c = RawConn(srv.port)
    r = client(srv)
    nkeys = 2500
    fill_keys(r, nkeys)
    before = int(c.call("LASTSAVE")[1:-2])
    assert c.call("CONFIG", "SET", "rdb-key-save-delay", "1000") == b"+OK\r\n"  # >= 2.5 s

    t0 = time.monotonic()
    assert c.call("BGSAVE") == STARTED
    running = info(c)
    assert running["rdb_bgsave_in_progress"] == "1"
    assert running["rdb_saves"] == "1"
    assert int(running["rdb_current_bgsave_time_sec"]) >= 0
    assert running["current_save_keys_total"] == str(nkeys)
    assert 0 <= int(running["current_save_keys_processed"]) <= nkeys
    assert 0.0 <= float(running["current_fork_perc"]) <= 100.0
    assert running["rdb_changes_since_last_save"] == str(nkeys)  # not reset until it ends
    stats = info(c, "stats")
    assert stats["total_forks"] == "1"
    assert int(stats["latest_fork_usec"]) > 0

    # Everything that would start another save is refused while this one runs.
    assert c.call("BGSAVE") == IN_PROGRESS
    assert c.call("BGSAVE", "SCHEDULE") == IN_PROGRESS
    assert c.call("SAVE") == IN_PROGRESS
    assert c.call("MULTI") == b"+OK\r\n" and c.call("BGSAVE") == b"+QUEUED\r\n"
    assert c.call("EXEC") == b"*1\r\n" + IN_PROGRESS
    # ... but the server keeps serving.
    assert c.call("GET", "k:7") == b"$7\r\nvalue:7\r\n"
    assert c.call("PING") == b"+PONG\r\n"
    assert int(info(c)["rdb_saves"]) == 1
    wait_for(lambda: temp_files(workdir), 5, "the save's temp-*.rdb file")
    assert not os.path.exists(dump_path(workdir))

    done = wait_bgsave_done(c)
    elapsed = time.monotonic() - t0
    assert elapsed >= 2.5, "rdb-key-save-delay 1000 us x %d keys took %.2f s" % (nkeys, elapsed)
    assert done["rdb_last_bgsave_status"] == "ok"
    assert int(done["rdb_last_bgsave_time_sec"]) >= 2
    assert done["rdb_current_bgsave_time_sec"] == "-1"
    assert done["current_save_keys_total"] == "0" and done["current_save_keys_processed"] == "0"
    assert done["current_fork_perc"] == "0.00"
    assert done["rdb_changes_since_last_save"] == "0"
    assert done["rdb_saves"] == "1"
    assert re.fullmatch(r"\d+", done["rdb_last_cow_size"])
    lastsave = int(c.call("LASTSAVE")[1:-2])
    assert lastsave > before
    assert done["rdb_last_save_time"] == str(lastsave)
    assert os.path.isfile(dump_path(workdir))
    assert temp_files(workdir) == []
    assert info(c, "stats")["total_forks"] == "1"
    # A new save can start at once.
    c.call("CONFIG", "SET", "rdb-key-save-delay", "0")
    assert c.call("BGSAVE") == STARTED
    wait_bgsave_done(c)
    assert info(c)["rdb_saves"] == "2" and info(c, "stats")["total_forks"] == "2"


def test_bgsave_schedule_and_bgsave_inside_multi(servers, workdir):
    srv = servers(workdir)
    c = RawConn(srv.port)
    c.call("SET", "k", "v")
    # With nothing running, SCHEDULE just starts the save.
    assert c.call("BGSAVE", "SCHEDULE") == STARTED
    wait_bgsave_done(c)
    assert info(c)["rdb_saves"] == "1"
    # Inside a transaction the save cannot fork at once: it is scheduled and starts soon after.
    c.call("SET", "k2", "v2")
    assert c.call("MULTI") == b"+OK\r\n"
    assert c.call("BGSAVE") == b"+QUEUED\r\n"
    assert c.call("EXEC") == b"*1\r\n" + SCHEDULED
    wait_for(lambda: info(c)["rdb_saves"] == "2", 10, "the scheduled save to start")
    done = wait_bgsave_done(c)
    assert done["rdb_last_bgsave_status"] == "ok" and done["rdb_changes_since_last_save"] == "0"
    assert info(c, "stats")["total_forks"] == "2"


def test_bgsave_schedule_behind_an_aof_rewrite(servers, workdir):
    """Needs BGREWRITEAOF (the rewrite honours rdb-key-save-delay through its RDB preamble)."""
    srv = servers(workdir, ["--appendonly", "yes"])
    c = RawConn(srv.port)
    fill_keys(client(srv), 2000)
    c.call("CONFIG", "SET", "rdb-key-save-delay", "1000")
    assert c.call("BGREWRITEAOF") == b"+Background append only file rewriting started\r\n"
    assert c.call("BGSAVE") == (
        b"-ERR Another child process is active (AOF?): can't BGSAVE right now. "
        b"Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.\r\n")
    assert c.call("BGSAVE", "SCHEDULE") == SCHEDULED
    assert c.call("BGSAVE", "SCHEDULE") == SCHEDULED
    assert info(c)["rdb_bgsave_in_progress"] == "0"
    c.call("CONFIG", "SET", "rdb-key-save-delay", "0")
    # When the rewrite ends, the scheduled save runs by itself.
    wait_for(lambda: info(c)["rdb_saves"] == "1", 60, "the scheduled save to start")
    done = wait_bgsave_done(c)
    assert done["rdb_last_bgsave_status"] == "ok"
    assert os.path.isfile(dump_path(workdir))


def test_dump_of_every_type_loads_back(servers, workdir, tmp_path):
    srv = servers(workdir)
    c = RawConn(srv.port)
    r = client(srv)
    fill_types(r)
    t_set = time.monotonic()
    r.set("short-lived", "x", px=3000)
    t_expire = time.monotonic() + 3.0  # expired by then
    expected = dataset(r)
    nkeys = len(expected)  # includes short-lived
    assert c.call("BGSAVE") == STARTED
    done = wait_bgsave_done(c)
    assert done["rdb_last_bgsave_status"] == "ok"
    assert time.monotonic() < t_set + 3.0, "the save took too long for this test"
    src = dump_path(workdir)
    with open(src, "rb") as f:
        assert f.read(9) == b"REDIS0010"
    # Load it once the short-lived key has expired: it is dropped and counted.
    wait_for(lambda: time.monotonic() > t_expire + 0.1, 10, "the key to expire")
    again, c2 = load_copy(servers, tmp_path, src, "reload")
    del expected[(0, b"short-lived")]
    assert dataset(client(again)) == expected
    loaded = info(c2)
    assert loaded["rdb_last_load_keys_loaded"] == str(nkeys - 1)
    assert loaded["rdb_last_load_keys_expired"] == "1"
    assert loaded["rdb_changes_since_last_save"] == "0"


def test_writes_during_bgsave_are_served_but_the_dump_is_as_of_the_fork(servers, workdir,
                                                                       tmp_path):
    srv = servers(workdir)
    c = RawConn(srv.port)
    r = client(srv)
    n = 2000
    fill_keys(r, n)
    r.rpush("list", "a")  # one element per command: Redis counts pushed elements as changes
    r.rpush("list", "b")
    r.hset("hash", "f", "old")
    fill_keys(r, 50, prefix="other:", db=1)
    r.execute_command("SELECT", 0)
    before = dataset(r, dbs=(0, 1))
    changes_before = int(info(c)["rdb_changes_since_last_save"])
    assert changes_before == n + 2 + 1 + 50

    c.call("CONFIG", "SET", "rdb-key-save-delay", "1000")  # >= 2 s
    assert c.call("BGSAVE") == STARTED
    c.call("CONFIG", "SET", "rdb-key-save-delay", "0")  # the running save keeps its own
    p = r.pipeline(transaction=False)
    for i in range(100):
        p.set("k:%d" % i, "new:%d" % i)           # 100 overwritten
        p.delete("k:%d" % (100 + i))              # 100 deleted
        p.set("fresh:%d" % i, "x")                # 100 added
    p.rpush("list", "c")
    p.hset("hash", "f", "new")
    p.execute()
    assert int(info(c)["rdb_changes_since_last_save"]) == changes_before + 302
    r.execute_command("SELECT", 1)
    assert r.flushdb() is True  # FLUSHDB does not stop the save (FLUSHALL would)
    r.execute_command("SELECT", 0)
    # The writes were served at once.
    assert r.get("k:5") == b"new:5" and r.exists("k:150") == 0 and r.get("fresh:9") == b"x"
    assert r.lrange("list", 0, -1) == [b"a", b"b", b"c"] and r.hget("hash", "f") == b"new"
    i = info(c)
    assert i["rdb_bgsave_in_progress"] == "1", "the writes must happen while the save runs"
    # (Redis counts FLUSHDB as one change per key removed.)
    during = int(i["rdb_changes_since_last_save"]) - changes_before
    assert during > 302

    done = wait_bgsave_done(c)
    assert done["rdb_last_bgsave_status"] == "ok"
    # Only the changes made while the save ran are left to save.
    assert done["rdb_changes_since_last_save"] == str(during)
    after = dataset(r, dbs=(0, 1))

    again, c2 = load_copy(servers, tmp_path, dump_path(workdir), "reload")
    assert dataset(client(again), dbs=(0, 1)) == before
    assert dataset(r, dbs=(0, 1)) == after  # the live server kept its own data


# ----------------------------------------------------------------------------- save points

def test_save_points_trigger_background_saves(servers, workdir):
    srv = servers(workdir, ["--save", "3600 1 1 100"])
    c = RawConn(srv.port)
    r = client(srv)
    start = int(c.call("LASTSAVE")[1:-2])
    for i in range(5):
        r.set("few:%d" % i, i)
    # 5 changes meet neither point (1 change in an hour, 100 changes in a second).
    time.sleep(2.2)
    i = info(c)
    assert i["rdb_saves"] == "0" and not os.path.exists(dump_path(workdir)), i
    assert i["rdb_changes_since_last_save"] == "5"
    fill_keys(r, 100, prefix="many:")
    wait_for(lambda: os.path.exists(dump_path(workdir)), 15, "the automatic save")
    done = wait_bgsave_done(c)
    assert done["rdb_last_bgsave_status"] == "ok" and done["rdb_saves"] == "1"
    assert done["rdb_changes_since_last_save"] == "0"
    assert int(done["rdb_last_save_time"]) > start
    assert info(c, "stats")["total_forks"] == "1"

    # CONFIG SET save replaces the points at run time.
    assert c.call("CONFIG", "SET", "save", "1 1") == b"+OK\r\n"
    assert c.call("CONFIG", "GET", "save") == b"*2\r\n$4\r\nsave\r\n$3\r\n1 1\r\n"
    r.set("one-more", "1")
    wait_for(lambda: info(c)["rdb_saves"] == "2", 15, "the second automatic save")
    done = wait_bgsave_done(c)
    assert done["rdb_last_bgsave_status"] == "ok" and done["rdb_changes_since_last_save"] == "0"
    assert c.call("CONFIG", "SET", "save", "") == b"+OK\r\n"
    srv.proc.kill()  # nothing saved at exit: the file is what the automatic saves wrote
    srv.proc.wait()
    again = servers(workdir)
    ra = client(again)
    assert ra.get("one-more") == b"1" and ra.get("many:99") == b"value:99"
    assert ra.dbsize() == 5 + 100 + 1


def test_server_started_with_a_save_point_saves_by_itself(servers, workdir):
    srv = servers(workdir, ["--save", "1 1"])
    c = RawConn(srv.port)
    c.call("SET", "k", "v")
    wait_for(lambda: os.path.exists(dump_path(workdir)), 15, "the automatic save")
    done = wait_bgsave_done(c)
    assert done["rdb_last_bgsave_status"] == "ok" and int(done["rdb_saves"]) >= 1


# ----------------------------------------------------------------------------- failures, MISCONF

def test_failed_bgsave_sets_misconf_until_a_save_succeeds(servers, workdir):
    srv = servers(workdir, ["--save", "3600 1"])
    c = RawConn(srv.port)
    c.call("SET", "a", "1")
    c.call("RPUSH", "l", "x")
    lastsave = c.call("LASTSAVE")
    make_dump_unwritable(workdir)
    assert c.call("BGSAVE") == STARTED
    failed = wait_bgsave_done(c)
    assert failed["rdb_last_bgsave_status"] == "err"
    assert failed["rdb_saves"] == "1"
    assert failed["rdb_changes_since_last_save"] == "2"
    assert c.call("LASTSAVE") == lastsave
    assert temp_files(workdir) == []
    assert srv.alive()

    misconf = b"-" + MISCONF.encode() + b"\r\n"
    for cmd in (["SET", "b", "2"], ["DEL", "a"], ["INCR", "n"], ["RPUSH", "l", "y"],
                ["EXPIRE", "a", "100"], ["PERSIST", "a"], ["SETNX", "z", "1"],
                ["DEL", "missing"], ["RENAME", "a", "b"], ["FLUSHDB"], ["FLUSHALL"],
                ["SWAPDB", "0", "1"], ["MOVE", "a", "2"], ["PING"]):
        assert c.call(*cmd) == misconf, cmd
    # Reads and non-write commands go on.
    assert c.call("GET", "a") == b"$1\r\n1\r\n"
    assert c.call("LRANGE", "l", "0", "-1") == b"*1\r\n$1\r\nx\r\n"
    assert c.call("DBSIZE") == b":2\r\n"
    assert c.call("EXISTS", "a") == b":1\r\n"
    assert c.call("TOUCH", "a") == b":1\r\n"
    assert c.call("PUBLISH", "ch", "m") == b":0\r\n"
    assert c.call("SELECT", "1") == b"+OK\r\n" and c.call("SELECT", "0") == b"+OK\r\n"
    assert c.call("CONFIG", "SET", "maxmemory", "0") == b"+OK\r\n"
    # A write queued in MULTI is refused when queued, and EXEC then aborts.
    assert c.call("MULTI") == b"+OK\r\n"
    assert c.call("GET", "a") == b"+QUEUED\r\n"
    assert c.call("SET", "x", "1") == misconf
    assert c.call("EXEC") == b"-EXECABORT Transaction discarded because of previous errors.\r\n"
    assert c.call("MULTI") == b"+OK\r\n" and c.call("GET", "a") == b"+QUEUED\r\n"
    assert c.call("EXEC") == b"*1\r\n$1\r\n1\r\n"
    # A failing SAVE is a bare -ERR and leaves the status as it is.
    assert c.call("SAVE") == b"-ERR\r\n"
    assert info(c)["rdb_last_bgsave_status"] == "err"

    # stop-writes-on-bgsave-error no lifts the refusal; yes brings it back.
    assert c.call("CONFIG", "SET", "stop-writes-on-bgsave-error", "no") == b"+OK\r\n"
    assert c.call("SET", "b", "2") == b"+OK\r\n"
    assert c.call("PING") == b"+PONG\r\n"
    assert c.call("CONFIG", "SET", "stop-writes-on-bgsave-error", "yes") == b"+OK\r\n"
    assert c.call("SET", "b", "3") == misconf
    # Without save points there is nothing to protect: writes are accepted.
    assert c.call("CONFIG", "SET", "save", "") == b"+OK\r\n"
    assert c.call("SET", "b", "3") == b"+OK\r\n"
    assert c.call("CONFIG", "SET", "save", "3600 1") == b"+OK\r\n"
    assert c.call("SET", "b", "4") == misconf
    assert info(c)["rdb_last_bgsave_status"] == "err"

    # Fixing the cause is not enough by itself; a successful BGSAVE lifts the refusal.
    fix_dump(workdir)
    assert c.call("SET", "b", "4") == misconf
    assert c.call("BGSAVE") == STARTED
    ok = wait_bgsave_done(c)
    assert ok["rdb_last_bgsave_status"] == "ok" and ok["rdb_saves"] == "3"  # SAVE counted too
    assert c.call("SET", "b", "5") == b"+OK\r\n"
    assert c.call("PING") == b"+PONG\r\n"
    assert os.path.isfile(dump_path(workdir))

    # A successful SAVE lifts it as well.
    make_dump_unwritable(workdir)
    assert c.call("BGSAVE") == STARTED
    assert wait_bgsave_done(c)["rdb_last_bgsave_status"] == "err"
    assert c.call("SET", "b", "6") == misconf
    fix_dump(workdir)
    assert c.call("SAVE") == b"+OK\r\n"
    assert info(c)["rdb_last_bgsave_status"] == "ok"
    assert c.call("SET", "b", "6") == b"+OK\r\n"
    assert srv.alive()


def test_save_process_killed_by_a_signal_is_a_failure(servers, workdir):
    """Killed from outside (not by the server itself, as FLUSHALL does), the save failed: status
    err, its temp file removed by the server, MISCONF. Assumes the save runs in a forked
    process, as Redis's does."""
    srv = servers(workdir, ["--save", "3600 1"])
    c = RawConn(srv.port)
    start_long_bgsave(srv, c, nkeys=1000)
    wait_for(lambda: temp_files(workdir), 5, "the save's temp file")
    kids = []
    for path in glob.glob("/proc/%d/task/*/children" % srv.proc.pid):
        with open(path) as f:
            kids += [int(x) for x in f.read().split()]
    assert len(kids) == 1, "expected one save process, found %r" % kids
    os.kill(kids[0], signal.SIGKILL)
    failed = wait_bgsave_done(c, timeout=10)
    assert failed["rdb_last_bgsave_status"] == "err"
    wait_for(lambda: temp_files(workdir) == [], 5, "the temp file to be removed")
    assert not os.path.exists(dump_path(workdir))
    assert c.call("SET", "a", "1") == b"-" + MISCONF.encode() + b"\r\n"
    assert c.call("GET", "k:1") == b"$7\r\nvalue:1\r\n"
    assert srv.alive()


def test_failed_bgsave_without_save_points_refuses_nothing(servers, workdir):
    srv = servers(workdir)
    c = RawConn(srv.port)
    c.call("SET", "a", "1")
    make_dump_unwritable(workdir)
    assert c.call("BGSAVE") == STARTED
    assert wait_bgsave_done(c)["rdb_last_bgsave_status"] == "err"
    assert c.call("SET", "a", "2") == b"+OK\r\n"
    assert c.call("PING") == b"+PONG\r\n"


def test_failed_automatic_save_is_retried_and_lifts_misconf(servers, workdir):
    srv = servers(workdir, ["--save", "1 1"])
    c = RawConn(srv.port)
    make_dump_unwritable(workdir)
    c.call("SET", "a", "1")
    wait_for(lambda: info(c)["rdb_last_bgsave_status"] == "err", 15, "the automatic save to fail")
    wait_bgsave_done(c)
    assert c.call("SET", "b", "1") == b"-" + MISCONF.encode() + b"\r\n"
    fix_dump(workdir)
    # The server retries on its own (Redis: about 5 s after the failed attempt).
    wait_for(lambda: info(c)["rdb_last_bgsave_status"] == "ok", 20, "the retried save")
    assert c.call("SET", "b", "1") == b"+OK\r\n"
    assert os.path.isfile(dump_path(workdir))
    assert int(info(c)["rdb_saves"]) >= 2


# ----------------------------------------------------------------------------- SHUTDOWN, FLUSHALL

def start_long_bgsave(srv, c, nkeys=3000):
    """Starts a save that would take >= 30 s (10 ms per key)."""
    fill_keys(client(srv), nkeys)
    c.call("CONFIG", "SET", "rdb-key-save-delay", "10000")
    assert c.call("BGSAVE") == STARTED
    c.call("CONFIG", "SET", "rdb-key-save-delay", "0")
    assert info(c)["rdb_bgsave_in_progress"] == "1"


def wait_exit(srv, timeout):
    wait_for(lambda: srv.proc.poll() is not None, timeout, "the server to exit")


def test_shutdown_during_bgsave_stops_it_and_saves_the_final_dump(servers, workdir):
    srv = servers(workdir, ["--save", "3600 1"])
    c = RawConn(srv.port)
    start_long_bgsave(srv, c)
    c.call("SET", "late", "1")
    wait_for(lambda: temp_files(workdir), 5, "the save's temp file")
    c.send(b"SHUTDOWN\r\n")
    assert c.read_all_until_closed(timeout=10) == b""
    wait_exit(srv, 10)  # far less than the 30 s the save would need: it was stopped
    assert srv.proc.returncode == 0
    wait_for(lambda: temp_files(workdir) == [], 5, "the temp file to go")
    again = servers(workdir)
    ra = client(again)
    assert ra.dbsize() == 3001 and ra.get("late") == b"1"


def test_shutdown_nosave_during_bgsave_writes_nothing(servers, workdir):
    srv = servers(workdir, ["--save", "3600 1"])
    c = RawConn(srv.port)
    start_long_bgsave(srv, c)
    c.send(b"SHUTDOWN NOSAVE\r\n")
    assert c.read_all_until_closed(timeout=10) == b""
    wait_exit(srv, 10)
    wait_for(lambda: temp_files(workdir) == [], 5, "the temp file to go")
    assert not os.path.exists(dump_path(workdir))


def test_sigterm_during_bgsave_saves_the_final_dump(servers, workdir):
    srv = servers(workdir, ["--save", "3600 1"])
    c = RawConn(srv.port)
    start_long_bgsave(srv, c, nkeys=1000)
    c.call("DEL", "k:0")
    srv.proc.send_signal(signal.SIGTERM)
    wait_exit(srv, 10)
    wait_for(lambda: temp_files(workdir) == [], 5, "the temp file to go")
    ra = client(servers(workdir))
    assert ra.dbsize() == 999 and ra.exists("k:0") == 0


def test_flushall_during_bgsave_stops_it(servers, workdir, tmp_path):
    srv = servers(workdir)
    c = RawConn(srv.port)
    start_long_bgsave(srv, c)
    assert c.call("FLUSHALL") == b"+OK\r\n"
    done = wait_bgsave_done(c, timeout=10)  # not the 30 s the save would need
    assert done["rdb_last_bgsave_status"] == "ok"  # stopped on purpose: not a failure
    wait_for(lambda: temp_files(workdir) == [], 5, "the temp file to go")
    assert not os.path.exists(dump_path(workdir))  # no save points: FLUSHALL writes nothing
    # A new save starts at once and holds the emptied data.
    c.call("SET", "after", "1")
    assert c.call("BGSAVE") == STARTED
    assert wait_bgsave_done(c)["rdb_last_bgsave_status"] == "ok"
    again, c2 = load_copy(servers, tmp_path, dump_path(workdir), "reload")
    assert c2.call("DBSIZE") == b":1\r\n"


def test_flushall_during_bgsave_with_save_points_writes_the_empty_dump(servers, workdir):
    srv = servers(workdir, ["--save", "3600 1"])
    c = RawConn(srv.port)
    start_long_bgsave(srv, c)
    assert c.call("FLUSHALL") == b"+OK\r\n"
    assert os.path.isfile(dump_path(workdir))  # written by FLUSHALL itself
    wait_bgsave_done(c, timeout=10)
    wait_for(lambda: temp_files(workdir) == [], 5, "the temp file to go")
    srv.proc.kill()
    srv.proc.wait()
    assert client(servers(workdir)).dbsize() == 0


# ----------------------------------------------------------------------------- a full disk

def test_bgsave_on_a_full_disk_refuses_writes_and_recovers(servers, small_fs):
    """A real ENOSPC in the child: the save fails, no temp file is left to fill the disk,
    writes and PING get MISCONF while reads go on, and once the data fits again a save lifts
    it. The server never stops."""
    srv = servers(small_fs, ["--save", "3600 1"])
    c = RawConn(srv.port)
    r = redis.Redis(port=srv.port)
    r.set("small", "v")
    r.set("big", os.urandom(1 << 20))  # incompressible, twice the file system
    assert c.call("BGSAVE") == STARTED
    wait_bgsave_done(c)
    assert info(c)["rdb_last_bgsave_status"] == "err"
    assert not glob.glob(os.path.join(small_fs, "temp-*.rdb"))
    assert c.error("SET", "x", "1") == MISCONF
    assert c.error("PING") == MISCONF
    assert r.get("small") == b"v"
    # Make room (writes are refused, so lift the refusal first), then save again.
    r.config_set("stop-writes-on-bgsave-error", "no")
    assert r.delete("big") == 1
    r.config_set("stop-writes-on-bgsave-error", "yes")
    assert c.call("BGSAVE") == STARTED
    wait_bgsave_done(c)
    assert info(c)["rdb_last_bgsave_status"] == "ok"
    assert c.call("SET", "x", "1") == b"+OK\r\n"
    assert os.path.exists(os.path.join(small_fs, "dump.rdb"))
    assert srv.proc.poll() is None
