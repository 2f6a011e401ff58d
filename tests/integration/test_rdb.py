"""RDB snapshots both ways between cardinal and Debian's redis-server 7.0.

(a) cardinal is filled with data of every type and size class (compact and large encodings,
    TTLs, several databases, binary keys and values, integers of every width, long compressible
    strings), SAVEs; redis-check-rdb must accept the file, and redis-server started on it must
    hold exactly the same keys, types, values, encodings and TTLs (within a few seconds).
(b) The same data goes into redis-server (list-compress-depth 1, so quicklist nodes are LZF
    compressed, plus listpacks, intsets, compressed strings), which SAVEs; cardinal started on
    that file must hold the same.
Also: SAVE/LASTSAVE, DEBUG RELOAD, and a corrupt or truncated dump stopping the server at
startup with a clear message. When CARDINAL_BIN is redis-server, the suite checks itself
(redis against redis).
"""
import os
import random
import shutil
import struct
import subprocess
import time

import pytest
import redis

import aof_util
from conftest import IS_REDIS, Server, cardinal_bin

REDIS_BIN = os.environ.get("REDIS_SERVER_BIN", "/usr/bin/redis-server")
CHECK_RDB = "/usr/bin/redis-check-rdb"
DBS = (0, 1, 5, 15)
TTL_SLACK_MS = 10000


def client(srv):
    return redis.Redis(host="127.0.0.1", port=srv.port, socket_timeout=60)


def fill(r, seed=1):
    """Every type in every encoding and size class, across several databases."""
    rng = random.Random(seed)

    def rbytes(n, alphabet=256):
        return bytes(rng.randrange(alphabet) for _ in range(n))

    for db in DBS:
        r.execute_command("SELECT", db)
        p = r.pipeline(transaction=False)
        pre = b"db%d:" % db
        # strings: integers of each width, text that looks numeric but is not canonical,
        # binary, empty, long compressible and long incompressible
        ints = ["0", "-1", "127", "-128", "128", "32767", "-32769", "2147483647", "-2147483648",
                "2147483648", "9223372036854775807", "-9223372036854775808", "10000"]
        for i, v in enumerate(ints):
            p.set(pre + b"int:%d" % i, v)
        for i, v in enumerate(["007", "+1", " 1", "1.5", "1e3", "-0", "0x10", "",
                               "12345678901234567890"]):
            p.set(pre + b"text:%d" % i, v)
        p.set(pre + b"bin\x00key\xff\r\n", rbytes(300))
        p.set(pre + b"emb", b"x" * 44)
        p.set(pre + b"raw45", b"y" * 45)
        p.set(pre + b"comp21", b"abcdefgh" * 3)
        p.set(pre + b"compressible", b"hello world " * 20000)
        p.set(pre + b"incompressible", rbytes(50000))
        p.append(pre + b"appended", b"z" * 10)
        # lists: small, medium, large, with big elements and integers
        p.rpush(pre + b"list:small", b"a", b"1", b"-5", b"\x00\xff", b"300000")
        p.rpush(pre + b"list:medium", *[rbytes(rng.randrange(1, 40)) for _ in range(300)])
        big = [str(rng.randrange(-10 ** 12, 10 ** 12)).encode() if i % 3 else rbytes(50, 16)
               for i in range(12000)]
        for i in range(0, len(big), 1000):
            p.rpush(pre + b"list:large", *big[i:i + 1000])
        p.rpush(pre + b"list:bigelems", b"q" * 9000, rbytes(20000), b"short", b"w" * 70000)
        # sets: intsets (16, 32, 64-bit members), past the intset limit, strings, binary
        p.sadd(pre + b"set:int16", 1, 2, 3, -7, 1000)
        p.sadd(pre + b"set:int32", 1, 70000, -70000)
        p.sadd(pre + b"set:int64", 1, 5000000000, -9223372036854775808)
        p.sadd(pre + b"set:intbig", *range(0, 600 * 7, 7))
        p.sadd(pre + b"set:str", b"a", b"b", b"c", b"\x00", b"12a")
        p.sadd(pre + b"set:strbig", *[rbytes(12) for _ in range(2000)])
        # hashes: listpack, past the entry limit, past the value limit, binary
        p.hset(pre + b"hash:small", mapping={b"f1": b"v1", b"n": b"123", b"neg": b"-5000",
                                              b"\x00f": b"\xff" * 3, b"empty": b""})
        p.hset(pre + b"hash:big", mapping={b"field:%d" % i: rbytes(rng.randrange(0, 30))
                                           for i in range(1500)})
        p.hset(pre + b"hash:longval", mapping={b"a": b"v" * 65, b"b": b"1"})
        # sorted sets: listpack, skiplist, long members, infinities, integer scores
        p.zadd(pre + b"zset:small", {b"a": 1.5, b"b": -2, b"c": 3, b"\x00m": 0, b"i": 1e10})
        p.zadd(pre + b"zset:inf", {b"lo": float("-inf"), b"hi": float("inf"), b"mid": 0.1})
        p.zadd(pre + b"zset:big", {rbytes(rng.randrange(1, 20)): rng.uniform(-1e6, 1e6)
                                   for _ in range(1000)})
        p.zadd(pre + b"zset:longmember", {b"m" * 65: 1, b"n": 2})
        # TTLs on some keys of each kind
        for k in (b"int:3", b"text:0", b"compressible", b"list:small", b"set:int16",
                  b"hash:big", b"zset:small"):
            p.pexpire(pre + k, rng.randrange(60000, 10 ** 9))
        p.execute()
    r.execute_command("SELECT", 0)


def snapshot(r, dbs=DBS):
    """{(db, key): (type, encoding, value, pttl)} for every key of the databases `dbs`."""
    return aof_util.snapshot(r, dbs, encodings=True)


def assert_same(expected, actual):
    assert set(actual) == set(expected), (
        "keys missing: %r, extra: %r" % (sorted(set(expected) - set(actual))[:10],
                                          sorted(set(actual) - set(expected))[:10]))
    for k, (t, enc, v, ttl) in expected.items():
        t2, enc2, v2, ttl2 = actual[k]
        assert (t2, v2) == (t, v), k
        assert enc2 == enc, (k, enc, enc2)
        if ttl < 0:
            assert ttl2 == ttl, k
        else:
            assert abs(ttl2 - ttl) < TTL_SLACK_MS, (k, ttl, ttl2)


def start_on_dump(binary, dump_path, extra=()):
    srv = Server(binary, list(extra))
    shutil.copy(dump_path, os.path.join(srv.workdir, "dump.rdb"))
    return srv.start(timeout=60)


def stop(srv):
    srv.stop()
    shutil.rmtree(srv.workdir, ignore_errors=True)


def check_rdb(path):
    out = subprocess.run([CHECK_RDB, path], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "RDB looks OK" in out.stdout, out.stdout
    return out.stdout


@pytest.fixture
def servers():
    started = []

    def make(binary, extra=(), dump=None):
        srv = Server(binary, list(extra))
        if dump:
            shutil.copy(dump, os.path.join(srv.workdir, "dump.rdb"))
        started.append(srv)
        return srv.start(timeout=60)

    yield make
    for srv in started:
        stop(srv)


def test_cardinal_dump_loads_into_redis(servers):
    c = servers(cardinal_bin())
    rc = client(c)
    fill(rc, seed=1)
    before = rc.lastsave()
    time.sleep(1.1)
    assert rc.save() is True
    assert rc.lastsave() > before
    expected = snapshot(rc)
    dump = os.path.join(c.workdir, "dump.rdb")
    report = check_rdb(dump)
    assert "[info] %d keys read" % len(expected) in report
    with open(dump, "rb") as f:
        head = f.read(9)
    assert head == b"REDIS0010"
    r = servers(REDIS_BIN, dump=dump)
    assert_same(expected, snapshot(client(r)))


def test_redis_dump_loads_into_cardinal(servers):
    r = servers(REDIS_BIN, ["--list-compress-depth", "1"])
    rr = client(r)
    fill(rr, seed=2)
    # The compact encodings under test are really there.
    rr.execute_command("SELECT", 1)
    assert rr.object("encoding", b"db1:hash:small") == b"listpack"
    assert rr.object("encoding", b"db1:zset:small") == b"listpack"
    assert rr.object("encoding", b"db1:set:int64") == b"intset"
    assert rr.object("encoding", b"db1:list:large") == b"quicklist"
    rr.execute_command("SELECT", 0)
    assert rr.save() is True
    expected = snapshot(rr)
    dump = os.path.join(r.workdir, "dump.rdb")
    check_rdb(dump)
    c = servers(cardinal_bin(), dump=dump)
    assert "keys loaded: %d" % len(expected) in c.read_log() or IS_REDIS
    assert_same(expected, snapshot(client(c)))


def test_round_trip_through_both(servers):
    """cardinal -> redis -> cardinal: redis re-encodes cardinal's plain types compactly, and
    cardinal reads them back unchanged."""
    c = servers(cardinal_bin())
    rc = client(c)
    fill(rc, seed=3)
    rc.save()
    expected = snapshot(rc)
    r = servers(REDIS_BIN, ["--list-compress-depth", "2"], dump=os.path.join(c.workdir, "dump.rdb"))
    client(r).save()
    c2 = servers(cardinal_bin(), dump=os.path.join(r.workdir, "dump.rdb"))
    assert_same(expected, snapshot(client(c2)))


def test_debug_reload_keeps_everything(servers):
    c = servers(cardinal_bin(), ["--enable-debug-command", "yes"])
    rc = client(c)
    fill(rc, seed=4)
    expected = snapshot(rc)
    assert rc.execute_command("DEBUG", "RELOAD") == b"OK"
    assert_same(expected, snapshot(rc))
    with pytest.raises(redis.ResponseError, match="only supports the MERGE, NOFLUSH and NOSAVE"):
        rc.execute_command("DEBUG", "RELOAD", "BOGUS")
    # NOSAVE reloads the file as it was: a key set since then disappears.
    rc.set("later", "1")
    assert rc.execute_command("DEBUG", "RELOAD", "NOSAVE") == b"OK"
    assert rc.exists("later") == 0
    # NOFLUSH MERGE keeps keys that are not in the file and overwrites those that are.
    rc.set("later", "1")
    rc.set(b"db0:int:0", "changed")
    assert rc.execute_command("DEBUG", "RELOAD", "NOSAVE", "NOFLUSH", "MERGE") == b"OK"
    assert rc.get("later") == b"1"
    assert rc.get(b"db0:int:0") == b"0"


def test_save_refused_in_multi(servers):
    c = servers(cardinal_bin())
    rc = client(c)
    p = rc.pipeline(transaction=True)
    p.save()
    with pytest.raises(redis.ResponseError, match="not allowed"):
        p.execute()


@pytest.mark.parametrize("damage", ["truncate", "flip", "garbage"])
def test_bad_dump_stops_startup(damage):
    src = Server(cardinal_bin())
    src.start()
    rc = client(src)
    rc.set("k", "v" * 100)
    rc.rpush("l", *range(100))
    rc.save()
    src.stop()
    with open(os.path.join(src.workdir, "dump.rdb"), "rb") as f:
        data = bytearray(f.read())
    shutil.rmtree(src.workdir, ignore_errors=True)
    if damage == "truncate":
        data = data[:len(data) // 2]
    elif damage == "flip":
        data[len(data) // 2] ^= 0x10  # the checksum catches it
    else:
        data = b"not an rdb file at all"
    srv = Server(cardinal_bin())
    try:
        with open(os.path.join(srv.workdir, "dump.rdb"), "wb") as f:
            f.write(data)
        with pytest.raises(RuntimeError, match="exited with 1"):
            srv.start()
        log = srv.read_log()
        if not IS_REDIS:
            assert "Fatal error loading the DB" in log, log
            expect = {"truncate": "end of file", "flip": "checksum",
                      "garbage": "wrong signature"}[damage]
            assert expect in log, log
    finally:
        stop(srv)


# ----------------------------------------------------------------------------- older encodings
# Redis 7.0 no longer writes ziplists, zipmaps or text scores, but loads them from older dumps.
# These files are built here from the format description; redis-server (with deep payload
# sanitization) must accept each one, and cardinal must then hold exactly what redis holds.

def rdb_len(n):
    if n < 64:
        return bytes([n])
    if n < 16384:
        return bytes([0x40 | (n >> 8), n & 0xFF])
    return b"\x80" + struct.pack(">I", n)


def rdb_str(s):
    return rdb_len(len(s)) + s


def zl_encode(v):
    if isinstance(v, int):
        if 0 <= v <= 12:
            return bytes([0xF1 + v])
        if -128 <= v <= 127:
            return b"\xfe" + struct.pack("<b", v)
        if -2 ** 15 <= v < 2 ** 15:
            return b"\xc0" + struct.pack("<h", v)
        if -2 ** 23 <= v < 2 ** 23:
            return b"\xf0" + v.to_bytes(3, "little", signed=True)
        if -2 ** 31 <= v < 2 ** 31:
            return b"\xd0" + struct.pack("<i", v)
        return b"\xe0" + struct.pack("<q", v)
    n = len(v)
    if n < 64:
        return bytes([n]) + v
    if n < 16384:
        return bytes([0x40 | (n >> 8), n & 0xFF]) + v
    return b"\x80" + struct.pack(">I", n) + v


def ziplist(values):
    body, prev, tail = b"", 0, 10
    for v in values:
        tail = 10 + len(body)
        entry = (bytes([prev]) if prev < 254 else b"\xfe" + struct.pack("<I", prev)) + zl_encode(v)
        body += entry
        prev = len(entry)
    total = 10 + len(body) + 1
    return struct.pack("<IIH", total, tail, len(values)) + body + b"\xff"


def zipmap(pairs):
    def zlen(n):
        return bytes([n]) if n < 254 else b"\xfe" + struct.pack("<I", n)
    out = bytes([min(len(pairs), 254)])
    for k, v in pairs:
        out += zlen(len(k)) + k + zlen(len(v)) + b"\x00" + v
    return out + b"\xff"


def intset(values, width):
    fmt = {2: "<h", 4: "<i", 8: "<q"}[width]
    return struct.pack("<II", width, len(values)) + b"".join(
        struct.pack(fmt, v) for v in sorted(values))


def old_rdb():
    far = int(time.time()) + 100000
    keys = [
        (10, b"list-ziplist", rdb_str(ziplist([b"a", 0, 12, 13, -1, 300, -70000, 2 ** 40,
                                               b"x" * 100, b"y" * 20000]))),
        (14, b"list-quicklist", rdb_len(2) + rdb_str(ziplist([b"n1", 5, b"n1b"]))
         + rdb_str(ziplist([-(2 ** 63), b"last"]))),
        (13, b"hash-ziplist", rdb_str(ziplist([b"f1", b"v1", b"n", 42, b"big", 2 ** 33]))),
        (12, b"zset-ziplist", rdb_str(ziplist([b"m3", b"-inf", b"m1", b"1.5", b"m2", 2,
                                               b"m4", b"3e10"]))),
        (9, b"hash-zipmap", rdb_str(zipmap([(b"k1", b"v1"), (b"k2", b"\x00\xff"),
                                            (b"long", b"z" * 300)]))),
        (11, b"intset16", rdb_str(intset([1, -2, 30000], 2))),
        (11, b"intset32", rdb_str(intset([1, 70000, -70000], 4))),
        (11, b"intset64", rdb_str(intset([1, 2 ** 40, -(2 ** 62)], 8))),
        (3, b"zset-text", rdb_len(3) + rdb_str(b"a") + b"\x031.5" + rdb_str(b"b") + b"\xfe"
         + rdb_str(b"c") + b"\xff"),
        (0, b"lzf", bytes.fromhex("c31540420361626361e01d02052d68656c6c6fe00705016c6f")),
    ]
    out = b"REDIS0009" + b"\xfa" + rdb_str(b"redis-ver") + rdb_str(b"6.2.0")
    out += b"\xfe\x00"
    for i, (t, k, payload) in enumerate(keys):
        if i % 3 == 0:
            out += b"\xfd" + struct.pack("<I", far)  # EXPIRETIME in seconds
        if i % 3 == 1:
            out += b"\xf8" + rdb_len(1000)  # IDLE
        if i % 3 == 2:
            out += b"\xf9\x05"  # FREQ
        out += bytes([t]) + rdb_str(k) + payload
    out += b"\xfe\x03" + b"\x00" + rdb_str(b"db3") + rdb_str(b"v")
    return out + b"\xff" + b"\x00" * 8, len(keys) + 1


def test_older_encodings_load_like_redis(servers, tmp_path):
    data, nkeys = old_rdb()
    path = tmp_path / "old.rdb"
    path.write_bytes(data)
    r = servers(REDIS_BIN, ["--sanitize-dump-payload", "yes"], dump=str(path))
    expected = snapshot(client(r), range(16))
    assert len(expected) == nkeys, expected.keys()
    c = servers(cardinal_bin(), dump=str(path))
    assert_same(expected, snapshot(client(c), range(16)))



def test_stream_in_dump_is_a_clear_startup_error(servers):
    """cardinal has no streams: a Redis dump holding one stops startup and names the type."""
    r = servers(REDIS_BIN)
    rr = client(r)
    rr.set("before", "1")
    rr.xadd("events", {"f": "v"})
    rr.save()
    srv = Server(cardinal_bin())
    try:
        shutil.copy(os.path.join(r.workdir, "dump.rdb"), os.path.join(srv.workdir, "dump.rdb"))
        if IS_REDIS:
            srv.start()
            return
        with pytest.raises(RuntimeError, match="exited with 1"):
            srv.start()
        log = srv.read_log()
        assert "unsupported value type 19 (stream) for key 'events'" in log, log
    finally:
        stop(srv)


def test_changes_since_last_save_and_rdb_options(start_server):
    """INFO rdb_changes_since_last_save counts writes that changed something and SAVE resets
    it; rdbcompression no writes long strings raw; rdbchecksum no writes a zero trailer that
    loading accepts."""
    import redis as redis_py

    srv = start_server()
    r = redis_py.Redis(host="127.0.0.1", port=srv.port)

    def changes():
        return int(r.info("persistence")["rdb_changes_since_last_save"])

    assert changes() == 0
    r.set("a", "1")
    r.sadd("s", "x")
    r.sadd("s", "x")  # no change
    r.delete("nope")  # no change
    assert changes() == 2
    assert r.save()
    assert changes() == 0
    value = "z" * 1000
    r.set("big", value)
    r.config_set("rdbcompression", "no")
    r.save()
    with open(os.path.join(srv.workdir, "dump.rdb"), "rb") as f:
        raw = f.read()
    assert value.encode() in raw
    r.config_set("rdbcompression", "yes")
    r.save()
    with open(os.path.join(srv.workdir, "dump.rdb"), "rb") as f:
        compressed = f.read()
    assert value.encode() not in compressed and len(compressed) < len(raw)
    assert compressed[-8:] != b"\0" * 8
    with pytest.raises(redis_py.ResponseError):
        r.config_set("rdbchecksum", "no")  # immutable, as in Redis
    r.close()

    unchecked = start_server(["--rdbchecksum", "no"])
    u = redis_py.Redis(host="127.0.0.1", port=unchecked.port)
    u.set("k", "v")
    u.save()
    with open(os.path.join(unchecked.workdir, "dump.rdb"), "rb") as f:
        assert f.read()[-8:] == b"\0" * 8
    u.close()
