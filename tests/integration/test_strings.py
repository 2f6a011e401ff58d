"""String commands, connection basics (PING/ECHO/SELECT), exact error texts."""
import time

import pytest
import redis


def test_ping_echo(r, conn):
    assert r.ping() is True
    assert conn.call("PING") == b"+PONG\r\n"
    assert conn.call("PING", "hello world") == b"$11\r\nhello world\r\n"
    assert conn.call("ECHO", "") == b"$0\r\n\r\n"
    assert r.echo(b"a\x00b") == b"a\x00b"
    assert conn.error("PING", "a", "b") == "ERR wrong number of arguments for 'ping' command"
    assert conn.error("ECHO") == "ERR wrong number of arguments for 'echo' command"


def test_unknown_command_and_arity(conn):
    assert conn.error("NOSUCHCMD") == "ERR unknown command 'NOSUCHCMD', with args beginning with: "
    assert conn.error("nosuchcmd", "a", "b") == \
        "ERR unknown command 'nosuchcmd', with args beginning with: 'a' 'b' "
    assert conn.error("GET") == "ERR wrong number of arguments for 'get' command"
    assert conn.error("set", "k") == "ERR wrong number of arguments for 'set' command"


def test_select(conn):
    assert conn.call("SET", "k", "db0") == b"+OK\r\n"
    assert conn.call("SELECT", "1") == b"+OK\r\n"
    assert conn.call("GET", "k") == b"$-1\r\n"
    assert conn.call("SET", "k", "db1") == b"+OK\r\n"
    assert conn.call("SELECT", "15") == b"+OK\r\n"
    assert conn.call("DBSIZE") == b":0\r\n"
    assert conn.call("SELECT", "0") == b"+OK\r\n"
    assert conn.call("GET", "k") == b"$3\r\ndb0\r\n"
    assert conn.error("SELECT", "16") == "ERR DB index is out of range"
    assert conn.error("SELECT", "-1") == "ERR DB index is out of range"
    assert conn.error("SELECT", "abc") == "ERR value is not an integer or out of range"


def test_set_get_basic(r, conn):
    assert r.set("k", "v") is True
    assert r.get("k") == b"v"
    assert r.get("missing") is None
    assert conn.call("GET", "missing") == b"$-1\r\n"
    assert conn.call("SET", "k", "") == b"+OK\r\n"
    assert conn.call("GET", "k") == b"$0\r\n\r\n"


def test_set_expire_options(r):
    r.set("ex", "v", ex=100)
    assert 99 <= r.ttl("ex") <= 100
    r.set("px", "v", px=100_000)
    assert 99_000 < r.pttl("px") <= 100_000
    now = int(time.time())
    r.set("exat", "v", exat=now + 200)
    assert 198 <= r.ttl("exat") <= 200
    assert r.expiretime("exat") == now + 200
    r.set("pxat", "v", pxat=(now + 300) * 1000 + 123)
    assert r.execute_command("PEXPIRETIME", "pxat") == (now + 300) * 1000 + 123
    # plain SET discards the TTL, KEEPTTL keeps it
    r.set("ex", "v2")
    assert r.ttl("ex") == -1
    r.set("px", "v2", keepttl=True)
    assert 98_000 < r.pttl("px") <= 100_000
    assert r.get("px") == b"v2"


def test_set_nx_xx_get(r, conn):
    assert r.set("k", "1", nx=True) is True
    assert r.set("k", "2", nx=True) is None
    assert r.get("k") == b"1"
    assert r.set("other", "1", xx=True) is None
    assert r.exists("other") == 0
    assert r.set("k", "3", xx=True) is True
    assert r.get("k") == b"3"
    # GET returns the old value (or nil); combined with NX/XX in 7.0
    assert conn.call("SET", "k", "4", "GET") == b"$1\r\n3\r\n"
    assert conn.call("SET", "new", "x", "GET") == b"$-1\r\n"
    assert conn.call("GET", "new") == b"$1\r\nx\r\n"
    assert conn.call("SET", "k", "5", "NX", "GET") == b"$1\r\n4\r\n"
    assert conn.call("GET", "k") == b"$1\r\n4\r\n"
    assert conn.call("SET", "nk", "5", "NX", "GET") == b"$-1\r\n"
    assert conn.call("GET", "nk") == b"$1\r\n5\r\n"
    assert conn.call("SET", "k", "6", "XX", "GET") == b"$1\r\n4\r\n"
    assert conn.call("SET", "nope", "6", "XX", "GET") == b"$-1\r\n"
    assert conn.call("EXISTS", "nope") == b":0\r\n"


def test_set_option_errors(conn):
    assert conn.error("SET", "k", "v", "NX", "XX") == "ERR syntax error"
    assert conn.error("SET", "k", "v", "EX", "10", "PX", "100") == "ERR syntax error"
    assert conn.error("SET", "k", "v", "KEEPTTL", "EX", "10") == "ERR syntax error"
    assert conn.error("SET", "k", "v", "EX") == "ERR syntax error"
    assert conn.error("SET", "k", "v", "BOGUS") == "ERR syntax error"
    assert conn.error("SET", "k", "v", "EX", "0") == "ERR invalid expire time in 'set' command"
    assert conn.error("SET", "k", "v", "EX", "-1") == "ERR invalid expire time in 'set' command"
    assert conn.error("SET", "k", "v", "PX", "0") == "ERR invalid expire time in 'set' command"
    assert conn.error("SET", "k", "v", "EX", "9223372036854775807") == \
        "ERR invalid expire time in 'set' command"
    assert conn.error("SET", "k", "v", "EX", "abc") == "ERR value is not an integer or out of range"
    assert conn.error("SET", "k", "v", "EX", "1.5") == "ERR value is not an integer or out of range"
    assert conn.call("EXISTS", "k") == b":0\r\n"


def test_setnx_setex_psetex(r, conn):
    assert r.setnx("k", "1") is True
    assert r.setnx("k", "2") is False
    assert r.get("k") == b"1"
    assert conn.call("SETEX", "s", "100", "v") == b"+OK\r\n"
    assert 99 <= r.ttl("s") <= 100
    assert conn.call("PSETEX", "p", "100000", "v") == b"+OK\r\n"
    assert 99_000 < r.pttl("p") <= 100_000
    assert conn.error("SETEX", "s", "0", "v") == "ERR invalid expire time in 'setex' command"
    assert conn.error("PSETEX", "p", "-1", "v") == "ERR invalid expire time in 'psetex' command"
    assert conn.error("SETEX", "s", "x", "v") == "ERR value is not an integer or out of range"


def test_mget_mset_msetnx(r, conn):
    assert r.mset({"a": "1", "b": "2"}) is True
    assert r.mget("a", "missing", "b") == [b"1", None, b"2"]
    assert conn.call("MGET", "a", "missing") == b"*2\r\n$1\r\n1\r\n$-1\r\n"
    assert r.msetnx({"a": "x", "c": "3"}) is False
    assert r.get("a") == b"1" and r.exists("c") == 0  # all or nothing
    assert r.msetnx({"c": "3", "d": "4"}) is True
    assert r.mget("c", "d") == [b"3", b"4"]
    # last value wins for repeated keys
    r.mset({"a": "1"})
    assert conn.call("MSET", "z", "1", "z", "2") == b"+OK\r\n"
    assert r.get("z") == b"2"
    assert conn.error("MSET", "a") == "ERR wrong number of arguments for 'mset' command"
    assert conn.error("MSET", "a", "1", "b") == "ERR wrong number of arguments for 'mset' command"
    assert conn.error("MSETNX", "a") == "ERR wrong number of arguments for 'msetnx' command"


def test_getset_getdel_getex(r, conn):
    assert r.getset("k", "1") is None
    assert r.getset("k", "2") == b"1"
    r.expire("k", 100)
    assert r.getset("k", "3") == b"2"
    assert r.ttl("k") == -1  # GETSET discards the TTL
    assert r.getdel("k") == b"3"
    assert r.exists("k") == 0
    assert r.getdel("k") is None

    r.set("g", "v")
    assert r.getex("g") == b"v"
    assert r.ttl("g") == -1
    assert r.getex("g", ex=100) == b"v"
    assert 99 <= r.ttl("g") <= 100
    assert r.getex("g", px=50_000) == b"v"
    assert 49_000 < r.pttl("g") <= 50_000
    now = int(time.time())
    assert r.getex("g", exat=now + 500) == b"v"
    assert r.expiretime("g") == now + 500
    assert r.getex("g", pxat=(now + 600) * 1000) == b"v"
    assert r.execute_command("PEXPIRETIME", "g") == (now + 600) * 1000
    assert r.getex("g", persist=True) == b"v"
    assert r.ttl("g") == -1
    assert r.getex("missing", ex=10) is None
    assert conn.error("GETEX", "g", "EX", "0") == "ERR invalid expire time in 'getex' command"
    assert conn.error("GETEX", "g", "EX", "10", "PX", "100") == "ERR syntax error"
    assert conn.error("GETEX", "g", "PERSIST", "EX", "10") == "ERR syntax error"
    assert conn.error("GETEX", "g", "FOO") == "ERR syntax error"


def test_append_strlen(r):
    assert r.append("k", "hello") == 5
    assert r.append("k", " world") == 11
    assert r.get("k") == b"hello world"
    assert r.strlen("k") == 11
    assert r.strlen("missing") == 0
    r.set("n", 12)
    assert r.append("n", "3") == 3
    assert r.get("n") == b"123"


def test_getrange_setrange(r, conn):
    r.set("k", "Hello, cardinal")
    assert r.getrange("k", 0, 4) == b"Hello"
    assert r.getrange("k", -8, -1) == b"cardinal"
    assert r.getrange("k", 0, -1) == b"Hello, cardinal"
    assert r.getrange("k", 7, 1000) == b"cardinal"
    assert r.getrange("k", -1000, 4) == b"Hello"
    assert r.getrange("k", 5, 2) == b""
    assert r.getrange("k", 100, 200) == b""
    assert r.getrange("missing", 0, -1) == b""
    assert conn.error("GETRANGE", "k", "a", "b") == "ERR value is not an integer or out of range"

    assert r.setrange("k", 7, "CARD") == 15
    assert r.get("k") == b"Hello, CARDinal"
    assert r.setrange("pad", 3, "ab") == 5
    assert r.get("pad") == b"\x00\x00\x00ab"
    assert r.setrange("k", 20, "!") == 21
    assert r.get("k") == b"Hello, CARDinal\x00\x00\x00\x00\x00!"
    # an empty value neither creates nor grows the key
    assert r.setrange("missing", 5, "") == 0
    assert r.exists("missing") == 0
    assert r.setrange("pad", 100, "") == 5
    assert conn.error("SETRANGE", "k", "-1", "x") == "ERR offset is out of range"
    assert conn.error("SETRANGE", "k", "536870912", "x") == \
        "ERR string exceeds maximum allowed size (proto-max-bulk-len)"


def test_incr_decr(r, conn):
    assert r.incr("c") == 1
    assert r.incr("c", 10) == 11
    assert r.decr("c") == 10
    assert r.decr("c", 20) == -10
    assert conn.call("INCRBY", "c", "-5") == b":-15\r\n"
    assert conn.call("DECRBY", "c", "-15") == b":0\r\n"
    r.set("c", "  5")
    assert conn.error("INCR", "c") == "ERR value is not an integer or out of range"
    for bad in ("abc", "1.5", "+1", "01", "-0", "1 ", "", "99999999999999999999"):
        r.set("c", bad)
        assert conn.error("INCR", "c") == "ERR value is not an integer or out of range", bad
    assert conn.error("INCRBY", "x", "abc") == "ERR value is not an integer or out of range"
    assert conn.error("INCRBY", "x", "9223372036854775808") == \
        "ERR value is not an integer or out of range"


def test_incr_overflow(r, conn):
    r.set("max", "9223372036854775807")
    assert conn.error("INCR", "max") == "ERR increment or decrement would overflow"
    assert conn.error("INCRBY", "max", "1") == "ERR increment or decrement would overflow"
    assert conn.call("DECRBY", "max", "9223372036854775807") == b":0\r\n"
    r.set("min", "-9223372036854775808")
    assert conn.error("DECR", "min") == "ERR increment or decrement would overflow"
    assert conn.error("INCRBY", "min", "-1") == "ERR increment or decrement would overflow"
    assert conn.error("DECRBY", "min", "1") == "ERR increment or decrement would overflow"
    assert conn.call("INCRBY", "min", "9223372036854775807") == b":-1\r\n"
    assert conn.call("GET", "max") == b"$1\r\n0\r\n"


def test_incrbyfloat(r, conn):
    r.set("f", "10.5")
    assert conn.call("INCRBYFLOAT", "f", "0.1") == b"$4\r\n10.6\r\n"
    assert r.get("f") == b"10.6"
    r.set("f", "5.0e3")
    assert conn.call("INCRBYFLOAT", "f", "2.0e2") == b"$4\r\n5200\r\n"
    assert conn.call("INCRBYFLOAT", "f", "-5200") == b"$1\r\n0\r\n"
    assert conn.call("INCRBYFLOAT", "new", "3") == b"$1\r\n3\r\n"
    assert conn.call("INCRBYFLOAT", "new", "-0.25") == b"$4\r\n2.75\r\n"
    r.set("i", "7")
    assert conn.call("INCRBYFLOAT", "i", "1") == b"$1\r\n8\r\n"
    r.set("s", "abc")
    assert conn.error("INCRBYFLOAT", "s", "1") == "ERR value is not a valid float"
    assert conn.error("INCRBYFLOAT", "i", "abc") == "ERR value is not a valid float"
    assert conn.error("INCRBYFLOAT", "i", "nan") == "ERR value is not a valid float"
    # Redis computes in long double: 1.7e308 + 1.7e308 does not overflow, printed in full
    r.set("big", "1.7e308")
    reply = conn.call("INCRBYFLOAT", "big", "1.7e308")
    assert reply.startswith(b"$309\r\n34000000000000000000"), reply[:40]
    assert conn.error("INCRBYFLOAT", "i", "inf") == "ERR increment would produce NaN or Infinity"
    assert r.get("i") == b"8"


def test_lcs(r, conn):
    r.set("a", "xabcdyyyefgh")
    r.set("b", "abcdzzefghq")
    assert conn.call("LCS", "a", "b") == b"$8\r\nabcdefgh\r\n"
    assert conn.call("LCS", "a", "b", "LEN") == b":8\r\n"
    assert conn.call("LCS", "a", "missing") == b"$0\r\n\r\n"
    assert conn.call("LCS", "missing", "missing2", "LEN") == b":0\r\n"
    idx = r.execute_command("LCS", "a", "b", "IDX")
    assert idx == [b"matches", [[[8, 11], [6, 9]], [[1, 4], [0, 3]]], b"len", 8]
    idx = r.execute_command("LCS", "a", "b", "IDX", "MINMATCHLEN", "5", "WITHMATCHLEN")
    assert idx == [b"matches", [], b"len", 8]
    idx = r.execute_command("LCS", "a", "b", "IDX", "MINMATCHLEN", "4", "WITHMATCHLEN")
    assert idx == [b"matches", [[[8, 11], [6, 9], 4], [[1, 4], [0, 3], 4]], b"len", 8]
    assert conn.error("LCS", "a", "b", "LEN", "IDX") == \
        "ERR If you want both the length and indexes, please just use IDX."
    assert conn.error("LCS", "a") == "ERR wrong number of arguments for 'lcs' command"
    assert conn.error("LCS", "a", "b", "FOO") == "ERR syntax error"


def test_response_error_through_redis_py(r):
    r.set("s", "abc")
    with pytest.raises(redis.ResponseError, match="^value is not an integer or out of range$"):
        r.incr("s")
