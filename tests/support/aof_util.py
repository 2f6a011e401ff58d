"""Helpers for the persistence tests (test_aof.py, test_crash_aof.py, test_bgsave.py,
test_rdb.py, test_persistence_edges.py, and conftest's `servers` fixture): start a server on a
given data directory, expect a start to fail, read the AOF directory (manifest, RESP command
streams), fill a dataset of every type and read or compare servers' contents. Stdlib + redis-py.
"""
import os
import random
import subprocess
import time

import redis

from servers import Server, free_port

REDIS_BIN = os.environ.get("REDIS_SERVER_BIN", "/usr/bin/redis-server")
CHECK_AOF = "/usr/bin/redis-check-aof"
TTL_SLACK_MS = 10000


# ----------------------------------------------------------------------------- processes

def start(binary, workdir, extra=(), timeout=30.0):
    """A server whose data directory is `workdir` (Server passes --appendonly no --dir <tmp>
    first; later arguments win)."""
    srv = Server(binary, ["--dir", workdir] + list(extra))
    srv.start(timeout=timeout)
    # Server.start returns at the first reply, which may be -LOADING: wait for the data.
    r = client(srv)
    deadline = time.monotonic() + 120
    while True:
        try:
            r.ping()
            break
        except redis.exceptions.BusyLoadingError:
            assert time.monotonic() < deadline, "still loading"
            time.sleep(0.05)
    r.close()
    return srv


def client(srv, timeout=30):
    return redis.Redis(host="127.0.0.1", port=srv.port, socket_timeout=timeout)


def kill9(srv):
    """SIGKILL: nothing is flushed at exit, so only what reached the files counts. Waits for
    INFO aof_buffer_length:0 first: with appendfsync everysec Redis may postpone a write (by up
    to 2 s) while a background fsync is still running, replying to clients meanwhile."""
    if srv.alive():
        r = client(srv)
        wait_for(lambda: info(r).get("aof_buffer_length", "0") == "0", 10,
                 "the AOF buffer to be written")
        r.close()
    srv.proc.kill()
    srv.proc.wait(timeout=10)
    srv.log.close()


def start_must_fail(binary, workdir, extra=(), timeout=10.0):
    """Runs the server and expects it to exit by itself with a nonzero status before it
    answers; returns (status, output). Fails the test if it runs on instead."""
    port = free_port()
    args = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
            "--appendonly", "no", "--dir", workdir] + list(extra)
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=workdir)
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
        raise AssertionError("server did not exit; output:\n%s" % out.decode(errors="replace"))
    text = out.decode(errors="replace")
    assert proc.returncode != 0, "server exited with 0; output:\n" + text
    return proc.returncode, text


def wait_for(predicate, timeout=20.0, what="condition"):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for " + what)
        time.sleep(0.02)


def info(r, section="persistence"):
    return {k: str(v) for k, v in r.info(section).items()}


def wait_rewrite_done(r, rewrites, timeout=20.0):
    """Waits until INFO shows `rewrites` rewrites started and none running or scheduled."""
    def done():
        i = info(r)
        return (int(i["aof_rewrites"]) >= rewrites and i["aof_rewrite_in_progress"] == "0"
                and i["aof_rewrite_scheduled"] == "0") and i
    return wait_for(done, timeout, "the AOF rewrite to finish")


# ----------------------------------------------------------------------------- files

def wait_content(path, expected, timeout=6.0):
    """Waits until the file holds exactly `expected` (see kill9 about postponed writes)."""
    deadline = time.monotonic() + timeout
    while True:
        data = read(path)
        if data == expected:
            return
        if time.monotonic() > deadline:
            assert data == expected
        time.sleep(0.02)


def wait_commands(path, expected, timeout=6.0):
    """Waits until the file's RESP commands are exactly `expected` (lists of bytes)."""
    wait_content(path, b"".join(encode(*c) for c in expected), timeout)


def manifest_text(aofdir, filename="appendonly.aof"):
    with open(os.path.join(aofdir, filename + ".manifest"), "rb") as f:
        return f.read().decode()


def manifest_for(filename, seq, base_ext="rdb", incr=True):
    """The manifest Redis 7.0 writes for one base and one incr file of sequence `seq`."""
    text = "file %s.%d.base.%s seq %d type b\n" % (filename, seq, base_ext, seq)
    if incr:
        text += "file %s.%d.incr.aof seq %d type i\n" % (filename, seq, seq)
    return text


def read(path):
    with open(path, "rb") as f:
        return f.read()


def dir_size(aofdir):
    return sum(os.path.getsize(os.path.join(aofdir, n)) for n in os.listdir(aofdir)
               if not n.endswith(".manifest"))


def parse_commands(data):
    """A RESP command stream (arrays of bulk strings, as AOF files hold) -> list of argument
    lists. Raises ValueError on anything else, including a torn tail."""
    cmds, i = [], 0
    while i < len(data):
        if data[i:i + 1] != b"*":
            raise ValueError("expected '*' at offset %d: %r" % (i, data[i:i + 20]))
        j = data.index(b"\r\n", i)
        n = int(data[i + 1:j])
        i = j + 2
        args = []
        for _ in range(n):
            if data[i:i + 1] != b"$":
                raise ValueError("expected '$' at offset %d" % i)
            j = data.index(b"\r\n", i)
            ln = int(data[i + 1:j])
            i = j + 2
            if data[i + ln:i + ln + 2] != b"\r\n":
                raise ValueError("bad bulk at offset %d" % i)
            args.append(data[i:i + ln])
            i += ln + 2
        cmds.append(args)
    return cmds


def encode(*args):
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        a = a.encode() if isinstance(a, str) else (str(a).encode() if isinstance(a, int) else a)
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


def check_aof(manifest_path):
    """redis-check-aof (7.0.15) on a manifest: must report the AOF valid."""
    out = subprocess.run([CHECK_AOF, manifest_path], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "is valid" in out.stdout, out.stdout
    return out.stdout


# ----------------------------------------------------------------------------- datasets

DBS = (0, 3, 15)


def fill(r, seed=1, scale=1):
    """Keys of every type (compact and large encodings), TTLs, binary names and values, in
    several databases; written with commands the AOF must rewrite (EX, EXPIRE, SETEX,
    INCRBYFLOAT, SPOP, GETEX, HINCRBYFLOAT, BLPOP...) as well as plain ones."""
    rng = random.Random(seed)

    def rbytes(n):
        return bytes(rng.randrange(256) for _ in range(n))

    for db in DBS:
        r.execute_command("SELECT", db)
        pre = b"db%d:" % db
        p = r.pipeline(transaction=False)
        p.set(pre + b"str", b"hello")
        p.set(pre + b"int", 12345)
        p.set(pre + b"neg", -9223372036854775808)
        p.set(pre + b"bin\x00key\r\n\xff", rbytes(200))
        p.set(pre + b"empty", b"")
        p.set(pre + b"big", b"abc" * 30000 * scale)
        p.set(pre + b"ex", b"v", ex=5000)
        p.set(pre + b"px", b"v", px=7000000)
        p.setex(pre + b"setex", 6000, b"v")
        p.set(pre + b"exat", b"v", exat=int(time.time()) + 4000)
        p.incrbyfloat(pre + b"float", 1.5)
        p.incrbyfloat(pre + b"float", 0.25)
        p.incr(pre + b"counter")
        p.append(pre + b"appended", b"xyz")
        p.setrange(pre + b"appended", 10, b"!")
        p.rpush(pre + b"list", b"a", b"b", b"c", b"1", b"-2", b"\x00\xff")
        p.lpush(pre + b"list", b"head")
        p.rpush(pre + b"biglist", *[rbytes(rng.randrange(1, 30)) for _ in range(2000 * scale)])
        p.rpush(pre + b"poplist", b"x", b"y", b"z")
        p.lpop(pre + b"poplist")
        p.sadd(pre + b"intset", 1, 2, 3, -70000, 5000000000)
        p.sadd(pre + b"strset", b"a", b"b", b"c", b"d", b"e")
        p.spop(pre + b"strset")
        p.sadd(pre + b"bigset", *[rbytes(10) for _ in range(1000 * scale)])
        p.hset(pre + b"hash", mapping={b"f": b"v", b"n": b"1", b"\x00": b"\xff"})
        p.hincrby(pre + b"hash", b"n", 41)
        p.hincrbyfloat(pre + b"hash", b"fl", 2.5)
        p.hset(pre + b"bighash", mapping={b"f%d" % i: rbytes(rng.randrange(0, 20))
                                          for i in range(1000 * scale)})
        p.zadd(pre + b"zset", {b"a": 1.5, b"b": -2, b"c": 3e10, b"inf": float("inf"),
                               b"-inf": float("-inf")})
        p.zincrby(pre + b"zset", 0.5, b"a")
        p.zadd(pre + b"bigzset", {rbytes(8): rng.uniform(-1e6, 1e6) for _ in range(500 * scale)})
        for k in (b"list", b"intset", b"hash", b"zset", b"biglist"):
            p.expire(pre + k, rng.randrange(1000, 100000))
        p.pexpire(pre + b"str", 90000000)
        p.getex(pre + b"int", ex=8000)
        p.set(pre + b"gone", b"x")
        p.delete(pre + b"gone")
        p.set(pre + b"persisted", b"x", ex=100)
        p.persist(pre + b"persisted")
        p.execute()
        # a blocking pop served at once is logged as a plain pop
        r.blpop([pre + b"poplist"], timeout=1)
    r.execute_command("SELECT", 0)


def snapshot(r, dbs=DBS, encodings=False):
    """{(db, key): (type, value, pttl)} for every key of the databases `dbs`; with `encodings`,
    (type, OBJECT ENCODING, value, pttl)."""
    out = {}
    for db in dbs:
        r.execute_command("SELECT", db)
        for key in r.scan_iter(count=1000):
            t = r.type(key).decode()
            enc = r.object("encoding", key) if encodings else None
            if t == "string":
                v = r.get(key)
            elif t == "list":
                v = r.lrange(key, 0, -1)
            elif t == "set":
                v = sorted(r.smembers(key))
            elif t == "hash":
                v = r.hgetall(key)
            elif t == "zset":
                v = r.zrange(key, 0, -1, withscores=True)
            else:
                raise AssertionError("unexpected type %s" % t)
            out[(db, key)] = (t, enc, v, r.pttl(key)) if encodings else (t, v, r.pttl(key))
    r.execute_command("SELECT", 0)
    return out


def assert_same(expected, actual):
    assert len(expected) > 0
    assert set(actual) == set(expected), (
        "keys missing: %r, extra: %r" % (sorted(set(expected) - set(actual))[:10],
                                          sorted(set(actual) - set(expected))[:10]))
    for k, (t, v, ttl) in expected.items():
        t2, v2, ttl2 = actual[k]
        assert (t2, v2) == (t, v), k
        if ttl < 0:
            assert ttl2 == ttl, (k, ttl, ttl2)
        else:
            assert ttl2 > 0 and abs(ttl2 - ttl) < TTL_SLACK_MS, (k, ttl, ttl2)
