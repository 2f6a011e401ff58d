"""Blocking list commands with several real clients: timeouts, FIFO order, wake-ups by other
clients' writes (push, LMOVE, RENAME, MOVE, SWAPDB), disconnects while blocked, CLIENT UNBLOCK,
pipelined commands behind a blocked one, and the event loop staying responsive. Runs against
redis-server too (CARDINAL_BIN=/usr/bin/redis-server), which is how the expectations were
checked."""
import time

import pytest
import redis

from conftest import encode_command, wait_until


def blocked_count(r):
    return r.info("clients")["blocked_clients"]


def block(raw_conn, r, *command, resp3=False, db=0):
    """Open a client, send a blocking command and wait until the server reports it blocked."""
    before = blocked_count(r)
    c = raw_conn(resp3=resp3)
    if db:
        assert c.call("SELECT", db) == b"+OK\r\n"
    c.send(encode_command(*command))
    assert wait_until(lambda: blocked_count(r) == before + 1, timeout=5), "client never blocked"
    return c


def pair(key, value):
    k, v = key.encode(), value.encode()
    return b"*2\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n" % (len(k), k, len(v), v)


def test_served_at_once_when_data_exists(r, conn):
    r.rpush("q", "a", "b")
    assert conn.call("BLPOP", "missing", "q", "0") == pair("q", "a")
    assert conn.call("BRPOP", "q", "0") == pair("q", "b")
    assert r.exists("q") == 0


def test_fractional_timeout_returns_null_array(conn, raw_conn):
    start = time.monotonic()
    assert conn.call("BLPOP", "nothing", "0.2") == b"*-1\r\n"
    elapsed = time.monotonic() - start
    assert 0.15 <= elapsed < 2.0
    c3 = raw_conn(resp3=True)
    assert c3.call("BRPOP", "nothing", "0.1") == b"_\r\n"
    assert c3.call("BLMOVE", "nothing", "dst", "LEFT", "RIGHT", "0.1") == b"_\r\n"
    assert c3.call("BLMPOP", "0.1", "1", "nothing", "LEFT") == b"_\r\n"
    assert conn.call("BRPOPLPUSH", "nothing", "dst", "0.1") == b"*-1\r\n"


def test_timeout_errors(conn):
    assert conn.error("BLPOP", "k", "abc") == "ERR timeout is not a float or out of range"
    assert conn.error("BLPOP", "k", "-1") == "ERR timeout is negative"
    assert conn.error("BLPOP", "k", "inf") == "ERR timeout is negative"
    assert conn.error("BLPOP", "k", "nan") == "ERR timeout is not a float or out of range"
    assert conn.error("BLMPOP", "1", "0", "k", "LEFT") == "ERR numkeys should be greater than 0"
    assert conn.error("BLMPOP", "x", "1", "k", "LEFT") == \
        "ERR timeout is not a float or out of range"
    assert conn.error("BLMOVE", "a", "b", "UP", "LEFT", "0") == "ERR syntax error"


def test_wrong_type_fails_at_once(r, conn):
    r.set("s", "x")
    assert conn.error("BLPOP", "missing", "s", "0").startswith("WRONGTYPE")
    r.rpush("l", "v")
    assert conn.error("BLMOVE", "l", "s", "LEFT", "LEFT", "0").startswith("WRONGTYPE")
    assert r.lrange("l", 0, -1) == [b"v"]


def test_fifo_order_and_one_push_serving_several(r, raw_conn):
    clients = [block(raw_conn, r, "BLPOP", "q", "0") for _ in range(3)]
    r.rpush("q", "1", "2")
    assert clients[0].read_reply() == pair("q", "1")
    assert clients[1].read_reply() == pair("q", "2")
    assert clients[2].read_available(0.2) == b""
    assert blocked_count(r) == 1
    r.lpush("q", "3")
    assert clients[2].read_reply() == pair("q", "3")
    assert r.exists("q") == 0
    assert blocked_count(r) == 0


def test_woken_by_push_on_any_of_its_keys(r, raw_conn):
    c = block(raw_conn, r, "BRPOP", "a", "b", "c", "5")
    r.rpush("c", "x", "y")
    assert c.read_reply() == pair("c", "y")
    assert r.lrange("c", 0, -1) == [b"x"]


def test_disconnect_while_blocked_is_cleaned_up(r, raw_conn):
    c = block(raw_conn, r, "BLPOP", "q", "0")
    c.close()
    assert wait_until(lambda: blocked_count(r) == 0, timeout=5)
    r.rpush("q", "kept")
    assert r.lrange("q", 0, -1) == [b"kept"]
    assert "flags=b" not in r.execute_command("CLIENT", "LIST").decode()


def test_blmove_and_brpoplpush_serve_into_destination(r, raw_conn):
    c = block(raw_conn, r, "BLMOVE", "src", "dst", "RIGHT", "LEFT", "0")
    d = block(raw_conn, r, "BRPOPLPUSH", "src", "dst", "0")
    r.rpush("src", "a", "b")
    assert c.read_reply() == b"$1\r\nb\r\n"
    assert d.read_reply() == b"$1\r\na\r\n"
    assert r.lrange("dst", 0, -1) == [b"a", b"b"]
    assert r.exists("src") == 0


def test_served_into_wrong_typed_destination_gets_wrongtype(r, raw_conn):
    r.set("dst", "string")
    c = block(raw_conn, r, "BLMOVE", "src", "dst", "LEFT", "LEFT", "0")
    r.rpush("src", "v")
    assert c.read_reply().startswith(b"-WRONGTYPE")
    assert r.lrange("src", 0, -1) == [b"v"]
    assert blocked_count(r) == 0


def test_blmpop_served_with_count(r, raw_conn):
    c = block(raw_conn, r, "BLMPOP", "0", "2", "a", "b", "RIGHT", "COUNT", "2")
    r.rpush("b", "1", "2", "3")
    assert c.read_reply() == b"*2\r\n$1\r\nb\r\n*2\r\n$1\r\n3\r\n$1\r\n2\r\n"


def test_lmove_from_another_client_wakes_waiter(r, raw_conn):
    c = block(raw_conn, r, "BLPOP", "dst", "0")
    r.rpush("src", "m")
    assert r.lmove("src", "dst", "LEFT", "RIGHT") == b"m"
    assert c.read_reply() == pair("dst", "m")
    assert r.exists("dst") == 0


def test_rename_onto_waited_key_wakes(r, raw_conn):
    c = block(raw_conn, r, "BLPOP", "target", "0")
    r.rpush("tmp", "v")
    r.rename("tmp", "target")
    assert c.read_reply() == pair("target", "v")


def test_move_into_waited_database_wakes(r, raw_conn):
    c = block(raw_conn, r, "BLPOP", "k", "0", db=1)
    r.rpush("k", "v")
    assert r.move("k", 1)
    assert c.read_reply() == pair("k", "v")


def test_swapdb_brings_list_to_waiter(r, raw_conn):
    c = block(raw_conn, r, "BLPOP", "k", "0", db=1)
    r.rpush("k", "v")
    r.swapdb(0, 1)
    assert c.read_reply() == pair("k", "v")
    r.swapdb(0, 1)


def test_wrong_type_value_keeps_client_blocked(r, raw_conn):
    c = block(raw_conn, r, "BLPOP", "k", "0")
    r.set("k", "string")
    assert c.read_available(0.2) == b""
    assert blocked_count(r) == 1
    r.delete("k")
    r.rpush("k", "v")
    assert c.read_reply() == pair("k", "v")


def test_pipelined_commands_wait_behind_blocked_one(r, raw_conn):
    c = raw_conn()
    c.send(encode_command("BLPOP", "q", "0") + encode_command("PING") +
           encode_command("RPUSH", "other", "x"))
    assert wait_until(lambda: blocked_count(r) == 1, timeout=5)
    assert c.read_available(0.2) == b""
    assert r.exists("other") == 0  # not run yet
    r.rpush("q", "v")
    assert c.read_reply() == pair("q", "v")
    assert c.read_reply() == b"+PONG\r\n"
    assert c.read_reply() == b":1\r\n"


def test_client_unblock(r, raw_conn):
    c = raw_conn()
    cid = int(c.call("CLIENT", "ID")[1:-2])
    c.send(encode_command("BLPOP", "q", "0"))
    assert wait_until(lambda: blocked_count(r) == 1, timeout=5)
    info = [l for l in r.execute_command("CLIENT", "LIST").decode().splitlines()
            if l.startswith("id=%d " % cid)]
    assert "flags=b" in info[0] and "cmd=blpop" in info[0]
    assert r.execute_command("CLIENT", "UNBLOCK", cid) == 1
    assert c.read_reply() == b"*-1\r\n"
    assert r.execute_command("CLIENT", "UNBLOCK", cid) == 0
    c.send(encode_command("BRPOP", "q", "0"))
    assert wait_until(lambda: blocked_count(r) == 1, timeout=5)
    assert r.execute_command("CLIENT", "UNBLOCK", cid, "ERROR") == 1
    assert c.read_reply() == b"-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n"
    with pytest.raises(redis.ResponseError, match="reason should be TIMEOUT or ERROR"):
        r.execute_command("CLIENT", "UNBLOCK", cid, "LATER")
    assert c.call("PING") == b"+PONG\r\n"


def test_blocked_forever_client_does_not_stall_others(r, raw_conn):
    waiters = [block(raw_conn, r, "BLPOP", "never%d" % i, "0") for i in range(5)]
    start = time.monotonic()
    for _ in range(200):
        assert r.ping()
    assert time.monotonic() - start < 5
    assert blocked_count(r) == 5
    for w in waiters:
        w.close()
    assert wait_until(lambda: blocked_count(r) == 0, timeout=5)


def test_idle_timeout_spares_blocked_clients(r, raw_conn):
    r.config_set("timeout", "1")
    try:
        c = block(raw_conn, r, "BLPOP", "q", "2.5")
        assert c.read_reply() == b"*-1\r\n"  # its own timeout, not the idle one
    finally:
        r.config_set("timeout", "0")


def test_resp3_served_reply_is_an_array(r, raw_conn):
    c = block(raw_conn, r, "BLPOP", "q", "0", resp3=True)
    r.rpush("q", "v")
    assert c.read_reply() == pair("q", "v")


# ----------------------------------------------------------------------------- sorted sets

def test_bzpopmin_bzpopmax_served_at_once_and_after_blocking(r, raw_conn, conn):
    r.zadd("z", {"a": 1, "b": 2})
    assert conn.call("BZPOPMIN", "nothing", "z", "0") == b"*3\r\n$1\r\nz\r\n$1\r\na\r\n$1\r\n1\r\n"
    c = block(raw_conn, r, "BZPOPMAX", "y", "0")
    d = block(raw_conn, r, "BZPOPMAX", "y", "0")
    r.zadd("y", {"m": 5, "n": 7.5})
    assert c.read_reply() == b"*3\r\n$1\r\ny\r\n$1\r\nn\r\n$3\r\n7.5\r\n"
    assert d.read_reply() == b"*3\r\n$1\r\ny\r\n$1\r\nm\r\n$1\r\n5\r\n"
    assert r.exists("y") == 0


def test_bzpop_timeout_and_resp3_shape(r, raw_conn):
    c = raw_conn(resp3=True)
    assert c.call("BZPOPMIN", "z", "0.05") == b"_\r\n"
    assert c.call("BZMPOP", "0.05", "1", "z", "MIN") == b"_\r\n"
    r.zadd("z", {"a": 1.5})
    assert c.call("BZPOPMIN", "z", "0") == b"*3\r\n$1\r\nz\r\n$1\r\na\r\n,1.5\r\n"


def test_bzmpop_served_with_count(r, raw_conn):
    c = block(raw_conn, r, "BZMPOP", "0", "2", "z1", "z2", "MAX", "COUNT", "2")
    r.zadd("z2", {"a": 1, "b": 2, "c": 3})
    assert c.read_reply() == (b"*2\r\n$2\r\nz2\r\n*2\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n"
                              b"*2\r\n$1\r\nb\r\n$1\r\n2\r\n")
    assert r.zrange("z2", 0, -1) == [b"a"]


def test_zset_waiter_ignores_a_list_on_its_key(r, raw_conn):
    z = block(raw_conn, r, "BZPOPMIN", "k", "0")
    l = block(raw_conn, r, "BLPOP", "k", "0")
    r.rpush("k", "v")  # the list waiter behind the zset waiter is served
    assert l.read_reply() == pair("k", "v")
    assert z.read_available(0.2) == b""
    r.zadd("k", {"m": 1})
    assert z.read_reply() == b"*3\r\n$1\r\nk\r\n$1\r\nm\r\n$1\r\n1\r\n"


def test_zunionstore_onto_waited_key_wakes(r, raw_conn):
    c = block(raw_conn, r, "BZPOPMIN", "dst", "0")
    r.zadd("src", {"x": 3})
    assert r.zunionstore("dst", ["src"]) == 1
    assert c.read_reply() == b"*3\r\n$3\r\ndst\r\n$1\r\nx\r\n$1\r\n3\r\n"


# ----------------------------------------------------------------------------- corner cases

def client_id(c):
    return int(c.call("CLIENT", "ID")[1:-2])


def test_idle_timeout_restarts_after_being_served(r, raw_conn):
    r.config_set("timeout", "1")
    try:
        c = block(raw_conn, r, "BLPOP", "q", "0")
        time.sleep(2.2)  # blocked far longer than the idle limit
        r.rpush("q", "v")
        assert c.read_reply() == pair("q", "v")
        time.sleep(0.3)
        assert c.call("PING") == b"+PONG\r\n"
    finally:
        r.config_set("timeout", "0")


def test_killed_blocked_client_takes_nothing(r, raw_conn):
    c = raw_conn()
    cid = client_id(c)
    c.send(encode_command("BLPOP", "q", "0"))
    assert wait_until(lambda: blocked_count(r) == 1, timeout=5)
    killer = raw_conn()
    killer.send(encode_command("CLIENT", "KILL", "ID", cid) + encode_command("RPUSH", "q", "v") +
                encode_command("LLEN", "q"))
    assert killer.read_reply() == b":1\r\n"
    assert killer.read_reply() == b":1\r\n"
    assert killer.read_reply() == b":1\r\n"
    assert blocked_count(r) == 0


def test_client_reply_skip_and_off_drop_the_deferred_reply(r, raw_conn):
    c = raw_conn()
    c.send(encode_command("CLIENT", "REPLY", "SKIP") + encode_command("BLPOP", "q", "0"))
    assert wait_until(lambda: blocked_count(r) == 1, timeout=5)
    r.rpush("q", "v")
    assert c.call("PING") == b"+PONG\r\n"
    assert r.exists("q") == 0
    c.send(encode_command("CLIENT", "REPLY", "OFF") + encode_command("BLPOP", "q", "0.05"))
    assert c.call("CLIENT", "REPLY", "ON") == b"+OK\r\n"


def test_blmove_cycle_between_two_waiters(r, raw_conn):
    a = block(raw_conn, r, "BLMOVE", "a", "b", "LEFT", "LEFT", "0")
    b = block(raw_conn, r, "BLMOVE", "b", "a", "LEFT", "LEFT", "0")
    r.rpush("a", "v")
    assert a.read_reply() == b"$1\r\nv\r\n"
    assert b.read_reply() == b"$1\r\nv\r\n"
    assert r.lrange("a", 0, -1) == [b"v"] and r.exists("b") == 0
    assert blocked_count(r) == 0


def test_same_key_twice_is_one_wait(r, raw_conn):
    c = block(raw_conn, r, "BLPOP", "k", "k", "0")
    r.rpush("k", "v", "w")
    assert c.read_reply() == pair("k", "v")
    assert blocked_count(r) == 0
    assert r.lrange("k", 0, -1) == [b"w"]


def test_flushall_keeps_waiters_and_copy_wakes_them(r, raw_conn):
    c = block(raw_conn, r, "BLPOP", "k", "0")
    r.flushall()
    assert blocked_count(r) == 1
    r.rpush("src", "v")
    assert r.copy("src", "k")
    assert c.read_reply() == pair("k", "v")


def test_client_unblock_of_a_timed_wait(r, raw_conn):
    c = raw_conn()
    cid = client_id(c)
    c.send(encode_command("BLPOP", "q", "30"))
    assert wait_until(lambda: blocked_count(r) == 1, timeout=5)
    assert r.info("clients")["clients_in_timeout_table"] == 1
    assert r.execute_command("CLIENT", "UNBLOCK", cid, "TIMEOUT") == 1
    assert c.read_reply() == b"*-1\r\n"
    assert r.info("clients")["clients_in_timeout_table"] == 0
    assert c.call("BLPOP", "q", "0.05") == b"*-1\r\n"  # a new wait is not cut short


def test_served_bzmpop_resp3_shape(r, raw_conn):
    c = block(raw_conn, r, "BZMPOP", "0", "1", "z", "MIN", resp3=True)
    r.zadd("z", {"a": 2.5})
    assert c.read_reply() == b"*2\r\n$1\r\nz\r\n*1\r\n*2\r\n$1\r\na\r\n,2.5\r\n"
