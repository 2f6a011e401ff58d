"""WATCH/UNWATCH: optimistic transactions. A watched key changed by anyone (a write that really
changes it, expiry, FLUSHDB/FLUSHALL, SWAPDB, RENAME, MOVE) makes EXEC reply null and run
nothing; writes that change nothing do not; EXEC, DISCARD, UNWATCH and RESET forget the
watches. Also redis-py's WATCH retry idiom under a concurrent writer. Passes on redis-server
7.0.15 too (CARDINAL_BIN=/usr/bin/redis-server)."""
import threading
import time

import pytest
import redis

from conftest import RawConn

SERVER_ARGS = ["--enable-debug-command", "yes"]


def exec_after(conn, other, watched, action, queued=(("SET", "probe", "1"),)):
    """WATCH `watched` on conn, run `action(other)`, then MULTI/queued/EXEC on conn; returns
    EXEC's raw reply."""
    assert conn.call("WATCH", *watched) == b"+OK\r\n"
    action(other)
    assert conn.call("MULTI") == b"+OK\r\n"
    for q in queued:
        assert conn.call(*q) == b"+QUEUED\r\n"
    return conn.call("EXEC")


@pytest.fixture
def two(conn, raw_conn):
    return conn, raw_conn()


NULL = b"*-1\r\n"


@pytest.mark.parametrize("action", [
    lambda o: o.call("SET", "w", "2"),
    lambda o: o.call("APPEND", "w", "x"),
    lambda o: o.call("DEL", "w"),
    lambda o: o.call("EXPIRE", "w", "100"),
    lambda o: o.call("PEXPIRE", "w", "-1"),
    lambda o: o.call("RENAME", "w", "w2"),
    lambda o: o.call("RENAME", "other", "w"),
    lambda o: o.call("MOVE", "w", "1"),
    lambda o: o.call("COPY", "other", "w", "REPLACE"),
    lambda o: o.call("FLUSHDB"),
    lambda o: o.call("FLUSHALL"),
    lambda o: o.call("SWAPDB", "0", "1"),
    lambda o: o.call("INCRBYFLOAT", "n", "0"),
    lambda o: o.call("GETDEL", "w"),
    lambda o: o.call("SETRANGE", "w", "0", "z"),
], ids=["set", "append", "del", "expire", "pexpire-past", "rename-from", "rename-to", "move",
        "copy", "flushdb", "flushall", "swapdb", "incrbyfloat", "getdel", "setrange"])
def test_a_change_by_another_client_aborts_exec(two, action):
    conn, other = two
    conn.call("SET", "w", "1")
    conn.call("SET", "other", "o")
    conn.call("SET", "n", "1")
    reply = exec_after(conn, other, ["w", "n"], action)
    assert reply == NULL
    assert conn.call("EXISTS", "probe") == b":0\r\n", "the queued SET must not have run"


@pytest.mark.parametrize("setup,action", [
    ([("SADD", "w", "a")], ("SADD", "w", "a")),
    ([("SADD", "w", "a")], ("SREM", "w", "zz")),
    ([], ("DEL", "w")),
    ([], ("EXPIRE", "w", "10")),
    ([("SET", "w", "1")], ("PERSIST", "w")),
    ([("SET", "w", "1")], ("SETRANGE", "w", "0", "")),
    ([("HSET", "w", "f", "v")], ("HDEL", "w", "zz")),
    ([("HSET", "w", "f", "v")], ("HSETNX", "w", "f", "x")),
    ([("RPUSH", "w", "a")], ("LREM", "w", "0", "zz")),
    ([("RPUSH", "w", "a")], ("LINSERT", "w", "BEFORE", "zz", "x")),
    ([("RPUSH", "w", "a")], ("RPUSHX", "nolist", "x")),
    ([("ZADD", "w", "1", "m")], ("ZADD", "w", "1", "m")),
    ([("ZADD", "w", "1", "m")], ("ZINCRBY", "w", "0", "m")),
    ([("ZADD", "w", "1", "m")], ("ZREM", "w", "zz")),
    ([("ZADD", "w", "1", "m")], ("ZREMRANGEBYSCORE", "w", "5", "6")),
    ([("SET", "w", "1")], ("SET", "other", "1")),
    ([], ("FLUSHDB",)),
    ([("SET", "w", "1")], ("FLUSHDB", )),  # in database 1: the watched key lives in 0
], ids=["sadd-present", "srem-absent", "del-absent", "expire-absent", "persist-no-ttl",
        "setrange-empty", "hdel-absent", "hsetnx-present", "lrem-none", "linsert-no-pivot",
        "rpushx-absent", "zadd-same", "zincrby-0", "zrem-absent", "zremrange-empty",
        "other-key", "flushdb-without-the-key", "flushdb-other-db"])
def test_writes_that_change_nothing_keep_the_watch(two, setup, action):
    conn, other = two
    for command in setup:
        conn.call(*command)
    if setup and action == ("FLUSHDB",):
        other.call("SELECT", "1")
    reply = exec_after(conn, other, ["w"], lambda o: o.call(*action))
    assert reply == b"*1\r\n+OK\r\n"


def test_own_change_before_multi_aborts_but_queued_writes_do_not(conn):
    conn.call("SET", "w", "1")
    assert conn.call("WATCH", "w") == b"+OK\r\n"
    conn.call("SET", "w", "2")
    conn.call("MULTI")
    conn.call("SET", "w", "3")
    assert conn.call("EXEC") == NULL
    assert conn.call("GET", "w") == b"$1\r\n2\r\n"
    # The transaction's own writes to the watched key are fine.
    conn.call("WATCH", "w")
    conn.call("MULTI")
    conn.call("SET", "w", "4")
    assert conn.call("EXEC") == b"*1\r\n+OK\r\n"


def test_exec_null_is_resp3_null(raw_conn):
    c = raw_conn(resp3=True)
    other = raw_conn()
    c.call("WATCH", "w")
    other.call("SET", "w", "x")
    c.call("MULTI")
    c.call("PING")
    assert c.call("EXEC") == b"_\r\n"


def test_expiry_of_a_watched_key_aborts(conn):
    conn.call("SET", "w", "1", "PX", "50")
    conn.call("WATCH", "w")
    time.sleep(0.2)  # expired; maybe deleted by the cron, maybe still there: both abort
    conn.call("MULTI")
    conn.call("PING")
    assert conn.call("EXEC") == NULL


def test_expired_but_not_deleted_key_aborts(conn):
    conn.call("DEBUG", "SET-ACTIVE-EXPIRE", "0")
    try:
        conn.call("SET", "w", "1", "PX", "50")
        conn.call("WATCH", "w")
        time.sleep(0.15)
        conn.call("MULTI")
        conn.call("PING")
        assert conn.call("EXEC") == NULL
    finally:
        conn.call("DEBUG", "SET-ACTIVE-EXPIRE", "1")


def test_key_already_dead_when_watched(conn, raw_conn):
    """A key already expired at WATCH is absent: its deletion is no change; a new value is."""
    other = raw_conn()
    conn.call("DEBUG", "SET-ACTIVE-EXPIRE", "0")
    try:
        conn.call("SET", "w", "1", "PX", "10")
        time.sleep(0.05)
        conn.call("WATCH", "w")
        other.call("GET", "w")  # lazily deleted now
        conn.call("MULTI")
        conn.call("PING")
        assert conn.call("EXEC") == b"*1\r\n+PONG\r\n"
        conn.call("SET", "w", "1", "PX", "10")
        time.sleep(0.05)
        conn.call("WATCH", "w")
        other.call("SET", "w", "new")
        conn.call("MULTI")
        conn.call("PING")
        assert conn.call("EXEC") == NULL
    finally:
        conn.call("DEBUG", "SET-ACTIVE-EXPIRE", "1")


def test_swapdb_bringing_in_a_key_aborts(two):
    conn, other = two
    other.call("SELECT", "1")
    other.call("SET", "w", "from-db1")
    reply = exec_after(conn, other, ["w"], lambda o: o.call("SWAPDB", "0", "1"))
    assert reply == NULL


def test_unwatch_discard_exec_and_reset_forget_watches(two):
    conn, other = two
    for forget in (["UNWATCH"], ["MULTI", "DISCARD"], ["MULTI", "EXEC"], ["RESET"]):
        conn.call("WATCH", "w")
        for command in forget:
            conn.call(command)
        other.call("SET", "w", "changed")
        conn.call("MULTI")
        conn.call("PING")
        assert conn.call("EXEC") == b"*1\r\n+PONG\r\n", forget


def test_unwatch_clears_a_dirty_watch(two):
    conn, other = two
    conn.call("WATCH", "w")
    other.call("SET", "w", "x")
    assert conn.call("UNWATCH") == b"+OK\r\n"
    conn.call("MULTI")
    conn.call("PING")
    assert conn.call("EXEC") == b"*1\r\n+PONG\r\n"


def test_watch_inside_multi_is_refused_without_aborting(conn):
    conn.call("MULTI")
    assert conn.call("WATCH", "w") == b"-ERR WATCH inside MULTI is not allowed\r\n"
    assert conn.call("UNWATCH") == b"+QUEUED\r\n"
    assert conn.call("EXEC") == b"*1\r\n+OK\r\n"
    assert conn.call("WATCH") == b"-ERR wrong number of arguments for 'watch' command\r\n"


def test_watch_across_databases(two):
    conn, other = two
    conn.call("SELECT", "2")
    conn.call("WATCH", "w")
    other.call("SET", "w", "db0")  # another database: no effect
    conn.call("MULTI")
    conn.call("PING")
    assert conn.call("EXEC") == b"*1\r\n+PONG\r\n"
    conn.call("WATCH", "w")
    other.call("SELECT", "2")
    other.call("LPUSH", "w", "x")
    conn.call("MULTI")
    conn.call("PING")
    assert conn.call("EXEC") == NULL


def test_disconnect_of_a_watching_client_leaves_nothing_behind(server, r):
    for _ in range(20):
        c = RawConn(server.port)
        c.call("WATCH", "w", "x", "y")
        c.close()
    r.set("w", "1")  # must not touch a freed client
    assert r.ping()


def test_blocked_client_woken_inside_watched_transaction(two):
    """A push inside EXEC wakes a waiter after the transaction; the watch decides first."""
    conn, other = two
    conn.call("WATCH", "q")
    conn.call("MULTI")
    conn.call("RPUSH", "q", "a")
    assert conn.call("EXEC") == b"*1\r\n:1\r\n"


def test_redis_py_retry_loop_under_a_concurrent_writer(server):
    """The documented idiom: WATCH, read, MULTI, write, EXEC; retry on WatchError. Two
    threads increment one counter through it while a third client keeps writing to it; no
    increment may be lost, and the interference must have caused retries."""
    r = redis.Redis(host="127.0.0.1", port=server.port)
    r.flushall()
    r.set("counter", 0)
    per_thread, retries, lock = 100, [0], threading.Lock()
    stop = threading.Event()

    def bump_outside():
        w = redis.Redis(host="127.0.0.1", port=server.port)
        while not stop.wait(0.003):  # often enough to collide, rarely enough to let work through
            w.incrby("counter", 1000)
        w.close()

    def worker():
        c = redis.Redis(host="127.0.0.1", port=server.port)
        for _ in range(per_thread):
            with c.pipeline() as pipe:
                while True:
                    try:
                        pipe.watch("counter")
                        value = int(pipe.get("counter"))
                        time.sleep(0.0005)  # widen the window between read and write
                        pipe.multi()
                        pipe.set("counter", value + 1)
                        pipe.execute()
                        break
                    except redis.WatchError:
                        with lock:
                            retries[0] += 1
        c.close()

    outside = threading.Thread(target=bump_outside)
    outside.start()
    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stop.set()
    outside.join()
    total = int(r.get("counter"))
    assert total % 1000 == 2 * per_thread
    assert retries[0] > 0

    # A deterministic retry too: the first attempt is always interfered with.
    r.set("k", 10)
    attempts = []

    def txn(pipe):
        value = int(pipe.get("k"))
        if not attempts:
            r.set("k", 100)  # another client, between WATCH and EXEC
        attempts.append(value)
        pipe.multi()
        pipe.set("k", value * 2)

    r.transaction(txn, "k")
    assert attempts == [10, 100]
    assert int(r.get("k")) == 200
    r.close()
