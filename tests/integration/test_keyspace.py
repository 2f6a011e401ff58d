"""Generic keyspace commands: DEL/EXISTS/TYPE/RENAME/KEYS/SCAN/MOVE/SWAPDB/COPY/FLUSH*."""
import pytest


def test_del_unlink_exists(r, conn):
    r.mset({"a": 1, "b": 2, "c": 3})
    assert r.exists("a", "a", "missing", "b") == 3  # repeated keys count twice
    assert conn.call("DEL", "a", "a", "missing") == b":1\r\n"
    assert conn.call("UNLINK", "b", "c", "missing") == b":2\r\n"
    assert r.exists("a", "b", "c") == 0
    assert conn.error("DEL") == "ERR wrong number of arguments for 'del' command"
    assert conn.error("EXISTS") == "ERR wrong number of arguments for 'exists' command"


def test_type(r, conn):
    r.set("s", "v")
    assert conn.call("TYPE", "s") == b"+string\r\n"
    assert conn.call("TYPE", "missing") == b"+none\r\n"


def test_rename(r, conn):
    r.set("a", "1")
    r.set("b", "2")
    r.expire("a", 100)
    assert r.rename("a", "c") is True
    assert r.get("c") == b"1" and r.exists("a") == 0
    assert 99 <= r.ttl("c") <= 100  # TTL travels with the value
    assert r.rename("c", "b") is True  # overwrites
    assert r.get("b") == b"1"
    assert conn.call("RENAME", "b", "b") == b"+OK\r\n"
    assert conn.error("RENAME", "missing", "x") == "ERR no such key"
    assert conn.error("RENAMENX", "missing", "x") == "ERR no such key"
    r.set("d", "4")
    assert r.renamenx("b", "d") is False
    assert r.renamenx("b", "e") is True
    assert r.get("e") == b"1" and r.get("d") == b"4"
    assert conn.call("RENAMENX", "e", "e") == b":0\r\n"


def test_keys_patterns(r):
    for k in ("hello", "hallo", "hxllo", "hllo", "heeeello", "h*llo", "other", "a[b"):
        r.set(k, 1)
    assert sorted(r.keys("*")) == sorted(k.encode() for k in
                                         ("hello", "hallo", "hxllo", "hllo", "heeeello", "h*llo",
                                          "other", "a[b"))
    assert sorted(r.keys("h?llo")) == [b"h*llo", b"hallo", b"hello", b"hxllo"]
    assert sorted(r.keys("h*llo")) == [b"h*llo", b"hallo", b"heeeello", b"hello", b"hllo",
                                       b"hxllo"]
    assert sorted(r.keys("h[ae]llo")) == [b"hallo", b"hello"]
    assert sorted(r.keys("h[^e]llo")) == [b"h*llo", b"hallo", b"hxllo"]
    assert sorted(r.keys("h[a-f]llo")) == [b"hallo", b"hello"]
    assert r.keys("h\\*llo") == [b"h*llo"]
    assert r.keys("a\\[b") == [b"a[b"]
    assert r.keys("nomatch*") == []


def test_scan_full_iteration(r):
    keys = {("key:%d" % i).encode() for i in range(1000)}
    r.mset({k: "v" for k in keys})
    seen = []
    cursor = 0
    rounds = 0
    while True:
        cursor, batch = r.scan(cursor, count=37)
        seen.extend(batch)
        rounds += 1
        assert rounds < 5000
        if cursor == 0:
            break
    assert set(seen) == keys  # every key at least once, nothing foreign
    assert len(seen) >= 1000
    assert rounds > 1


def test_scan_match_count_type(r, conn):
    for i in range(100):
        r.set("user:%d" % i, i)
        r.set("item:%d" % i, i)
    found = set(r.scan_iter(match="user:*", count=10))
    assert found == {("user:%d" % i).encode() for i in range(100)}
    assert set(r.scan_iter(match="item:1?")) == {("item:1%d" % i).encode() for i in range(10)}
    assert len(set(r.scan_iter(_type="string"))) == 200
    assert set(r.scan_iter(_type="list")) == set()
    # reply shape: two elements, cursor as a bulk string
    reply = conn.call("SCAN", "0", "COUNT", "1000")
    assert reply.startswith(b"*2\r\n$1\r\n0\r\n*200\r\n")
    assert conn.error("SCAN", "abc") == "ERR invalid cursor"
    assert conn.error("SCAN", "0", "COUNT", "0") == "ERR syntax error"
    assert conn.error("SCAN", "0", "FOO", "x") == "ERR syntax error"


def test_scan_empty_db(conn):
    assert conn.call("SCAN", "0") == b"*2\r\n$1\r\n0\r\n*0\r\n"


def test_randomkey(r, conn):
    assert conn.call("RANDOMKEY") == b"$-1\r\n"
    r.mset({"a": 1, "b": 2, "c": 3})
    for _ in range(20):
        assert r.randomkey() in (b"a", b"b", b"c")


def test_move(r, conn):
    r.set("k", "v")
    assert conn.call("MOVE", "k", "1") == b":1\r\n"
    assert r.exists("k") == 0
    assert conn.call("MOVE", "k", "1") == b":0\r\n"  # no such key
    r.set("k", "again")
    assert conn.call("MOVE", "k", "1") == b":0\r\n"  # exists in target
    assert r.get("k") == b"again"
    assert conn.error("MOVE", "k", "0") == "ERR source and destination objects are the same"
    assert conn.error("MOVE", "k", "16") == "ERR DB index is out of range"
    assert conn.call("SELECT", "1") == b"+OK\r\n"
    assert conn.call("GET", "k") == b"$1\r\nv\r\n"


def test_swapdb(r, conn):
    r.set("k", "zero")
    conn.call("SELECT", "1")
    conn.call("SET", "k", "one")
    conn.call("SET", "only1", "x")
    assert conn.call("SWAPDB", "0", "1") == b"+OK\r\n"
    assert conn.call("GET", "k") == b"$4\r\nzero\r\n"  # conn is still on db 1
    assert r.get("k") == b"one"
    assert r.dbsize() == 2
    assert conn.call("SWAPDB", "0", "0") == b"+OK\r\n"
    assert conn.error("SWAPDB", "0", "16") == "ERR DB index is out of range"


def test_swapdb_index_errors(conn):
    assert conn.error("SWAPDB", "x", "0") == "ERR invalid first DB index"
    assert conn.error("SWAPDB", "0", "x") == "ERR invalid second DB index"


def test_copy(r, conn):
    r.set("src", "v")
    r.expire("src", 1000)
    assert conn.call("COPY", "src", "dst") == b":1\r\n"
    assert r.get("dst") == b"v"
    assert 990 < r.ttl("dst") <= 1000
    assert conn.call("COPY", "src", "dst") == b":0\r\n"
    r.set("src", "w")
    assert conn.call("COPY", "src", "dst", "REPLACE") == b":1\r\n"
    assert r.get("dst") == b"w" and r.ttl("dst") == -1
    assert conn.call("COPY", "missing", "x") == b":0\r\n"
    assert conn.call("COPY", "src", "dst", "DB", "2") == b":1\r\n"
    assert conn.call("COPY", "src", "dst", "DB", "2") == b":0\r\n"
    conn.call("SELECT", "2")
    assert conn.call("GET", "dst") == b"$1\r\nw\r\n"
    conn.call("SELECT", "0")
    # copies are independent
    r.append("dst", "x")
    assert r.get("src") == b"w"
    assert conn.error("COPY", "src", "src") == "ERR source and destination objects are the same"
    assert conn.error("COPY", "src", "x", "DB", "99") == "ERR DB index is out of range"
    assert conn.error("COPY", "src", "x", "FOO") == "ERR syntax error"


def test_touch(r, conn):
    r.mset({"a": 1, "b": 2})
    assert conn.call("TOUCH", "a", "b", "missing", "a") == b":3\r\n"


def test_flushdb_flushall_dbsize(r, conn):
    r.mset({"a": 1, "b": 2})
    conn.call("SELECT", "3")
    conn.call("SET", "x", "1")
    assert conn.call("DBSIZE") == b":1\r\n"
    assert r.dbsize() == 2
    assert conn.call("FLUSHDB") == b"+OK\r\n"
    assert conn.call("DBSIZE") == b":0\r\n"
    assert r.dbsize() == 2
    conn.call("SET", "x", "1")
    assert conn.call("FLUSHALL", "SYNC") == b"+OK\r\n"
    assert r.dbsize() == 0 and conn.call("DBSIZE") == b":0\r\n"
    r.mset({"a": 1, "b": 2})
    assert conn.call("FLUSHALL", "ASYNC") == b"+OK\r\n"
    assert r.dbsize() == 0
    r.set("a", 1)
    assert conn.call("FLUSHDB", "ASYNC") == b"+OK\r\n"
    assert conn.call("FLUSHDB", "SYNC") == b"+OK\r\n"
    assert conn.error("FLUSHALL", "FOO") == "ERR syntax error"
    assert conn.error("FLUSHDB", "FOO") == "ERR syntax error"


@pytest.mark.parametrize("n", [5000])
def test_many_keys_dbsize(r, n):
    pipe = r.pipeline(transaction=False)
    for i in range(n):
        pipe.set("k%d" % i, i)
    pipe.execute()
    assert r.dbsize() == n
    assert len(r.keys("k*")) == n
