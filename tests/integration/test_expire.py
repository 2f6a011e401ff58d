"""Key expiry: EXPIRE family with NX/XX/GT/LT, TTL queries, lazy and active expiry."""
import time

from conftest import bulk_text, parse_info, wait_until

# DEBUG is refused by Redis 7.0 unless enabled
SERVER_ARGS = ["--enable-debug-command", "yes"]


def test_ttl_pttl_missing_and_persistent(r, conn):
    assert conn.call("TTL", "missing") == b":-2\r\n"
    assert conn.call("PTTL", "missing") == b":-2\r\n"
    assert conn.call("EXPIRETIME", "missing") == b":-2\r\n"
    assert conn.call("PEXPIRETIME", "missing") == b":-2\r\n"
    r.set("k", "v")
    assert conn.call("TTL", "k") == b":-1\r\n"
    assert conn.call("PTTL", "k") == b":-1\r\n"
    assert conn.call("EXPIRETIME", "k") == b":-1\r\n"
    assert conn.call("PEXPIRETIME", "k") == b":-1\r\n"


def test_expire_pexpire_expireat(r, conn):
    r.set("k", "v")
    assert conn.call("EXPIRE", "k", "100") == b":1\r\n"
    assert 99 <= r.ttl("k") <= 100
    assert conn.call("PEXPIRE", "k", "200000") == b":1\r\n"
    assert 199_000 < r.pttl("k") <= 200_000
    assert conn.call("EXPIREAT", "k", "4000000000") == b":1\r\n"
    assert conn.call("EXPIRETIME", "k") == b":4000000000\r\n"
    assert conn.call("PEXPIRETIME", "k") == b":4000000000000\r\n"
    assert conn.call("PEXPIREAT", "k", "4000000000123") == b":1\r\n"
    assert conn.call("PEXPIRETIME", "k") == b":4000000000123\r\n"
    assert conn.call("EXPIRETIME", "k") == b":4000000000\r\n"
    assert conn.call("EXPIRE", "missing", "10") == b":0\r\n"
    assert conn.call("PEXPIREAT", "missing", "4000000000000") == b":0\r\n"


def test_expire_in_the_past_deletes(r, conn):
    r.mset({"a": 1, "b": 2, "c": 3})
    assert conn.call("EXPIRE", "a", "-1") == b":1\r\n"
    assert conn.call("PEXPIRE", "b", "0") == b":1\r\n"
    assert conn.call("EXPIREAT", "c", "1") == b":1\r\n"
    assert r.exists("a", "b", "c") == 0
    assert r.dbsize() == 0


def test_expire_flags(r, conn):
    r.set("k", "v")
    # no TTL yet: GT fails (no TTL counts as infinite), LT and NX succeed, XX fails
    assert conn.call("EXPIRE", "k", "100", "XX") == b":0\r\n"
    assert conn.call("EXPIRE", "k", "100", "GT") == b":0\r\n"
    assert conn.call("EXPIRE", "k", "100", "LT") == b":1\r\n"
    assert conn.call("EXPIRE", "k", "300", "NX") == b":0\r\n"
    assert conn.call("EXPIRE", "k", "50", "GT") == b":0\r\n"
    assert conn.call("EXPIRE", "k", "200", "GT") == b":1\r\n"
    assert 199 <= r.ttl("k") <= 200
    assert conn.call("EXPIRE", "k", "300", "LT") == b":0\r\n"
    assert conn.call("EXPIRE", "k", "150", "LT") == b":1\r\n"
    assert conn.call("EXPIRE", "k", "400", "XX") == b":1\r\n"
    assert 399 <= r.ttl("k") <= 400
    r.set("n", "v")
    assert conn.call("EXPIRE", "n", "100", "NX") == b":1\r\n"
    assert conn.call("PEXPIRE", "n", "500000", "GT") == b":1\r\n"
    assert conn.call("EXPIREAT", "n", "4000000000", "XX") == b":1\r\n"
    assert conn.call("PEXPIREAT", "n", "4000000001000", "LT") == b":0\r\n"
    assert conn.error("EXPIRE", "k", "10", "NX", "XX") == \
        "ERR NX and XX, GT or LT options at the same time are not compatible"
    assert conn.error("EXPIRE", "k", "10", "NX", "GT") == \
        "ERR NX and XX, GT or LT options at the same time are not compatible"
    assert conn.error("EXPIRE", "k", "10", "GT", "LT") == \
        "ERR GT and LT options at the same time are not compatible"
    assert conn.error("EXPIRE", "k", "10", "FOO") == "ERR Unsupported option FOO"
    assert conn.error("EXPIRE", "k", "abc") == "ERR value is not an integer or out of range"
    assert conn.error("EXPIRE", "k", "9223372036854775807") == \
        "ERR invalid expire time in 'expire' command"
    assert conn.error("PEXPIRE", "k", "9223372036854775807") == \
        "ERR invalid expire time in 'pexpire' command"


def test_persist(r, conn):
    r.set("k", "v", ex=100)
    assert conn.call("PERSIST", "k") == b":1\r\n"
    assert conn.call("TTL", "k") == b":-1\r\n"
    assert conn.call("PERSIST", "k") == b":0\r\n"
    assert conn.call("PERSIST", "missing") == b":0\r\n"


def test_lazy_expiry_in_real_time(r):
    r.set("k", "v", px=100)
    r.set("keep", "v")
    assert r.get("k") == b"v"
    time.sleep(0.3)
    assert r.get("k") is None
    assert r.exists("k") == 0
    assert r.ttl("k") == -2
    assert r.get("keep") == b"v"


def test_active_expiry(r):
    pipe = r.pipeline(transaction=False)
    for i in range(200):
        pipe.set("tmp:%d" % i, i, px=100)
    pipe.execute()
    r.set("stays", "1")
    info = r.info("keyspace")
    assert info["db0"]["keys"] == 201 and info["db0"]["expires"] == 200
    time.sleep(0.5)
    # never touched: only the background cycle can remove them
    assert wait_until(lambda: r.dbsize() == 1, timeout=3.0)
    assert r.info("keyspace")["db0"] == {"keys": 1, "expires": 0, "avg_ttl": 0}
    r.delete("stays")
    assert "db0" not in r.info("keyspace")


def test_info_keyspace_line(r, conn):
    r.set("a", 1)
    r.set("b", 2, ex=1000)
    conn.call("SELECT", "5")
    conn.call("SET", "x", "1")
    conn.call("SELECT", "0")
    text = bulk_text(conn.call("INFO", "keyspace")).decode()
    lines = [ln for ln in text.split("\r\n") if ln]
    assert lines[0] == "# Keyspace"
    info = parse_info(text)
    assert info["db0"].startswith("keys=2,expires=1,avg_ttl=")
    assert int(info["db0"].split("avg_ttl=")[1]) <= 1_000_000
    assert info["db5"] == "keys=1,expires=0,avg_ttl=0"
    assert "db1" not in info


def test_debug_set_active_expire(r, conn):
    assert conn.call("DEBUG", "SET-ACTIVE-EXPIRE", "0") == b"+OK\r\n"
    try:
        pipe = r.pipeline(transaction=False)
        for i in range(10):
            pipe.set("k%d" % i, i, px=50)
        pipe.execute()
        time.sleep(0.4)
        assert r.dbsize() == 10  # logically expired, but nothing removed them
        assert r.get("k0") is None  # touching removes it
        assert r.dbsize() == 9
        assert r.exists("k1", "k2") == 0
        assert r.dbsize() == 7
    finally:
        assert conn.call("DEBUG", "SET-ACTIVE-EXPIRE", "1") == b"+OK\r\n"
    assert wait_until(lambda: r.dbsize() == 0, timeout=3.0)


def test_debug_sleep_zero(conn):
    assert conn.call("DEBUG", "SLEEP", "0") == b"+OK\r\n"
    assert conn.call("PING") == b"+PONG\r\n"
