"""Crash safety of RDB-only persistence (save points, no AOF), as Redis 7.0.15 behaves.

- SIGKILL under a pipelined write load: after a restart the data is exactly the last completed
  snapshot, i.e. the state after some prefix of the commands the single writer sent, and that
  prefix is bounded by what was acknowledged before the save started and what had been sent when
  it was answered. The workload (one connection, commands that depend only on their sequence
  number) makes every prefix's state computable here, so the comparison is exact.
- With automatic saves ("save 1 1") the restart finds a consistent prefix at least as recent as a
  save that started after a known point. A save process left running when the server is killed
  may still finish its file (Redis's does: the forked child outlives its parent), so the restart
  waits for such processes to end first.
- Every process killed in the middle of a BGSAVE (as a power cut would): the previous dump is
  intact and loads; the half-written temp-*.rdb is never loaded.
- A torn or bit-flipped dump stops startup: exit status 1 and a fatal loading message in the log,
  rather than serving partial data. A stray temp-*.rdb, even a complete one, is not loaded.

Uses `rdb-key-save-delay` (CONFIG SET, microseconds per key) to keep a save running; cardinal
must support it. Passes on redis-server 7.0.15 (CARDINAL_BIN=/usr/bin/redis-server).
"""
import glob
import os
import random
import re
import shutil
import signal
import threading
import time

import pytest
import redis

from aof_util import wait_for
from conftest import RawConn, Server, bulk_text, cardinal_bin, parse_info, stop_and_clean

# What Redis 7.0 logs when it refuses a dump (cardinal logs "Fatal error loading the DB: ...").
FATAL_LOAD = re.compile(r"Fatal error loading the DB|Terminating server after rdb file reading "
                        r"failure|Short read or OOM loading DB|Wrong RDB checksum")


# ----------------------------------------------------------------------------- helpers

def info(c, section="persistence"):
    return parse_info(bulk_text(c.call("INFO", section)))


def temp_files(workdir):
    return sorted(f for f in os.listdir(workdir) if f.startswith("temp-") and f.endswith(".rdb"))


def child_pids(pid):
    """PIDs of the processes `pid` forked (from any of its threads)."""
    out = []
    for path in glob.glob("/proc/%d/task/*/children" % pid):
        try:
            with open(path) as f:
                out += [int(x) for x in f.read().split()]
        except OSError:
            pass
    return out


def pid_alive(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def sigkill(srv, also_children):
    kids = child_pids(srv.proc.pid)
    if also_children:
        for pid in kids:
            os.kill(pid, signal.SIGKILL)
    srv.proc.kill()
    srv.proc.wait()
    return kids


# ----------------------------------------------------------------------------- the workload

def op(i):
    """The i-th command of the workload; its effect depends only on i."""
    kind = i % 6
    if kind == 0:
        return ("SET", "s:%d" % i, "v%d" % i)
    if kind == 1:
        return ("RPUSH", "list", i)
    if kind == 2:
        return ("HSET", "h:%d" % (i % 50), "f%d" % i, i)
    if kind == 3:
        return ("INCR", "counter")
    if kind == 4:
        return ("DEL", "s:%d" % (i - 124))  # the string SET 124 commands earlier
    return ("ZADD", "z", i, "m%d" % (i % 100))


def apply(state, i):
    kind = i % 6
    if kind == 0:
        state[b"s:%d" % i] = b"v%d" % i
    elif kind == 1:
        state.setdefault(b"list", []).append(b"%d" % i)
    elif kind == 2:
        state.setdefault(b"h:%d" % (i % 50), {})[b"f%d" % i] = b"%d" % i
    elif kind == 3:
        state[b"counter"] = b"%d" % (int(state.get(b"counter", b"0")) + 1)
    elif kind == 4:
        state.pop(b"s:%d" % (i - 124), None)
    else:
        state.setdefault(b"z", {})[b"m%d" % (i % 100)] = float(i)


def read_state(r):
    out = {}
    for key in r.scan_iter(count=1000):
        t = r.type(key)
        if t == b"string":
            out[key] = r.get(key)
        elif t == b"list":
            out[key] = r.lrange(key, 0, -1)
        elif t == b"hash":
            out[key] = r.hgetall(key)
        elif t == b"zset":
            out[key] = dict(r.zrange(key, 0, -1, withscores=True))
        else:
            raise AssertionError("unexpected type %r for %r" % (t, key))
    return out


def matching_prefix(loaded, lo, hi):
    """The P in [lo, hi] whose prefix state equals `loaded`, or None."""
    state = {}
    for i in range(lo):
        apply(state, i)
    for p in range(lo, hi + 1):
        if state == loaded:
            return p
        apply(state, p)
    return None


class Writer(threading.Thread):
    """Sends op(0), op(1), ... on one connection in pipelined batches. `sent` counts commands
    handed to the socket, `acked` those whose replies came back; both only grow."""

    def __init__(self, port, batch=100, limit=200000):
        super().__init__(daemon=True)
        self.r = redis.Redis(host="127.0.0.1", port=port, socket_timeout=30)
        self.batch, self.limit = batch, limit
        self.sent = self.acked = 0
        self.stopping = False
        self.error = None

    def run(self):
        try:
            while not self.stopping and self.sent < self.limit:
                p = self.r.pipeline(transaction=False)
                for i in range(self.sent, self.sent + self.batch):
                    p.execute_command(*op(i))
                self.sent += self.batch
                for reply in p.execute(raise_on_error=False):
                    assert not isinstance(reply, Exception), reply
                self.acked = self.sent
        except (redis.ConnectionError, redis.TimeoutError, ConnectionError) as e:
            self.error = e  # expected once the server is killed
        except Exception as e:  # noqa: BLE001 - reported by the test
            self.error = e
            raise

    def wait_acked(self, n, timeout=60):
        wait_for(lambda: self.acked >= n or not self.is_alive(), timeout, "%d writes" % n)
        assert self.acked >= n, "writer stopped early: %r" % self.error

    def stop(self):
        self.stopping = True
        self.join(timeout=30)


# ----------------------------------------------------------------------------- SIGKILL

def test_sigkill_after_bgsave_restores_exactly_that_snapshot(servers, workdir):
    srv = servers(workdir, ["--save", "3600 1"])  # no automatic save within the test
    c = RawConn(srv.port)
    w = Writer(srv.port)
    w.start()
    try:
        w.wait_acked(3000)
        lo = w.acked
        assert c.call("BGSAVE") == b"+Background saving started\r\n"
        hi = w.sent
        def done():
            i = info(c)
            return i if i["rdb_bgsave_in_progress"] == "0" else None
        status = wait_for(done, 60, "the save to finish")
        assert status["rdb_last_bgsave_status"] == "ok"
        # Keep writing well past the snapshot, then kill with no chance to save.
        w.wait_acked(hi + 5000)
        assert child_pids(srv.proc.pid) == []
        sigkill(srv, also_children=False)
        killed_at = w.sent
    finally:
        w.stop()
    assert w.error is not None  # the writer saw the connection drop

    again = servers(workdir)
    loaded = read_state(redis.Redis(host="127.0.0.1", port=again.port))
    p = matching_prefix(loaded, lo, hi)
    assert p is not None, ("the restart holds no prefix state between %d and %d (killed at %d)"
                           % (lo, hi, killed_at))
    assert info(RawConn(again.port))["rdb_last_load_keys_loaded"] == str(len(loaded))


def test_sigkill_with_automatic_saves_restores_a_consistent_recent_snapshot(servers, workdir):
    srv = servers(workdir, ["--save", "1 1"])
    c = RawConn(srv.port)
    w = Writer(srv.port, limit=400000)
    w.start()
    try:
        w.wait_acked(2000)
        lo = w.acked
        started = int(info(c)["rdb_saves"])  # read after lo was acknowledged

        def saved_after_lo():
            i = info(c)
            return int(i["rdb_saves"]) > started and i["rdb_bgsave_in_progress"] == "0"
        wait_for(saved_after_lo, 30, "an automatic save started after the first writes")
        assert info(c)["rdb_last_bgsave_status"] == "ok"
        w.wait_acked(min(w.acked + 3000, w.limit))
        kids = sigkill(srv, also_children=False)
        killed_at = w.sent
    finally:
        w.stop()
    # A save still running when the parent died may complete its file; let it end.
    wait_for(lambda: not any(pid_alive(k) for k in kids), 60, "orphaned save processes to end")

    again = servers(workdir)
    loaded = read_state(redis.Redis(host="127.0.0.1", port=again.port))
    p = matching_prefix(loaded, lo, killed_at)
    assert p is not None, "the restart holds no prefix state between %d and %d" % (lo, killed_at)


def test_everything_killed_during_bgsave_keeps_the_previous_dump(servers, workdir):
    srv = servers(workdir, ["--save", "3600 1"])
    c = RawConn(srv.port)
    r = redis.Redis(host="127.0.0.1", port=srv.port)
    rng = random.Random(3)  # incompressible values, so the temp file grows quickly
    p = r.pipeline(transaction=False)
    for i in range(2000):
        p.set("old:%d" % i, rng.randbytes(200))
    p.execute()
    assert r.save() is True
    expected = read_state(r)
    p = r.pipeline(transaction=False)
    for i in range(2000):
        p.set("new:%d" % i, rng.randbytes(200))
    p.execute()
    r.delete("old:0")
    c.call("CONFIG", "SET", "rdb-key-save-delay", "10000")  # the save would take 40 s
    assert c.call("BGSAVE") == b"+Background saving started\r\n"
    # Let the save write part of its file, then kill every process (a power cut).
    wait_for(lambda: any(os.path.getsize(os.path.join(workdir, f)) > 0
                         for f in temp_files(workdir)), 10, "a partly written temp file")
    time.sleep(0.3)
    sigkill(srv, also_children=True)
    assert temp_files(workdir), "the killed save should have left its partial temp file"

    again = servers(workdir)
    ra = redis.Redis(host="127.0.0.1", port=again.port)
    assert read_state(ra) == expected
    assert ra.dbsize() == 2000


# ----------------------------------------------------------------------------- damaged files

@pytest.fixture(scope="module")
def good_dump(tmp_path_factory):
    """A valid dump written by the server under test, and a value stored raw inside it."""
    d = str(tmp_path_factory.mktemp("good"))
    srv = Server(cardinal_bin(), ["--dir", d]).start()
    try:
        r = redis.Redis(host="127.0.0.1", port=srv.port)
        rng = random.Random(5)
        raw = bytes(rng.randrange(256) for _ in range(200))  # incompressible: stored as is
        r.set("raw", raw)
        r.set("text", "hello " * 50)
        r.rpush("list", *range(300))
        r.hset("hash", mapping={"f%d" % i: i for i in range(50)})
        r.sadd("set", *range(40))
        r.zadd("zset", {"m%d" % i: i / 7 for i in range(60)})
        r.set("ttl", "x", ex=100000)
        assert r.save() is True
    finally:
        srv.stop()
    with open(os.path.join(d, "dump.rdb"), "rb") as f:
        data = f.read()
    shutil.rmtree(srv.workdir, ignore_errors=True)
    assert data.count(raw) == 1
    return data, data.index(raw)


def damaged(data, raw_at, case):
    n = len(data)
    kind, where = case.split(":")
    if kind == "cut":
        at = {"0": 0, "5": 5, "9": 9, "20": 20, "third": n // 3, "half": n // 2,
              "before-eof": n - 9, "no-crc": n - 8, "last": n - 1}[where]
        return data[:at]
    at = {"magic": 2, "version": 8, "value": raw_at + 100, "half": n // 2,
          "crc": n - 3}[where]
    out = bytearray(data)
    out[at] ^= 0x04
    return bytes(out)


CASES = ["cut:0", "cut:5", "cut:9", "cut:20", "cut:third", "cut:half", "cut:before-eof",
         "cut:no-crc", "cut:last", "flip:magic", "flip:version", "flip:value", "flip:half",
         "flip:crc"]


@pytest.mark.parametrize("case", CASES)
def test_damaged_dump_stops_startup(good_dump, case):
    data, raw_at = good_dump
    srv = Server(cardinal_bin())
    try:
        with open(os.path.join(srv.workdir, "dump.rdb"), "wb") as f:
            f.write(damaged(data, raw_at, case))
        with pytest.raises(RuntimeError, match="exited with 1"):
            srv.start(timeout=30)
        log = srv.read_log()
        assert FATAL_LOAD.search(log), log[-2000:]
    finally:
        stop_and_clean(srv, expect_alive=False)


def test_undamaged_copy_loads(good_dump):
    """The control for the cases above: the same bytes, untouched, load."""
    data, _ = good_dump
    srv = Server(cardinal_bin())
    try:
        with open(os.path.join(srv.workdir, "dump.rdb"), "wb") as f:
            f.write(data)
        srv.start(timeout=30)
        assert redis.Redis(host="127.0.0.1", port=srv.port).dbsize() == 7
    finally:
        stop_and_clean(srv)


def test_stray_temp_file_is_not_loaded(good_dump, servers, workdir):
    data, _ = good_dump
    # A complete, valid file under a temp name, next to no dump at all: nothing is loaded.
    with open(os.path.join(workdir, "temp-424242.rdb"), "wb") as f:
        f.write(data)
    srv = servers(workdir)
    c = RawConn(srv.port)
    assert c.call("DBSIZE") == b":0\r\n"
    c.call("SET", "real", "1")
    assert c.call("SAVE") == b"+OK\r\n"
    srv.stop()
    # Now with a real dump too: the dump is loaded, the temp file is not.
    again = servers(workdir)
    c = RawConn(again.port)
    assert c.call("DBSIZE") == b":1\r\n"
    assert c.call("GET", "real") == b"$1\r\n1\r\n"
