"""MULTI/EXEC/DISCARD as client libraries use them: redis-py pipelines (MULTI/EXEC by
default), queuing errors (EXECABORT), runtime errors that do not roll back, blocking commands
that answer at once inside EXEC, and clients blocked on a key served only after the whole
transaction. WATCH is not implemented yet. Runs against redis-server too
(CARDINAL_BIN=/usr/bin/redis-server)."""
import pytest
import redis

from conftest import encode_command, wait_until


def test_redis_py_pipeline_is_a_transaction(r):
    with r.pipeline() as p:  # transaction=True by default: MULTI ... EXEC
        p.set("a", "1").incr("a").lpush("l", "x", "y").lrange("l", 0, -1).get("missing")
        assert p.execute() == [True, 2, 2, [b"y", b"x"], None]
    with r.pipeline(transaction=False) as p:
        p.get("a").llen("l")
        assert p.execute() == [b"2", 2]


def test_runtime_errors_do_not_roll_back(r):
    r.set("s", "text")
    with r.pipeline() as p:
        p.set("k", "v").lpush("s", "x").incr("k").get("k")
        results = p.execute(raise_on_error=False)
    assert results[0] is True and results[3] == b"v"
    assert isinstance(results[1], redis.ResponseError) and "WRONGTYPE" in str(results[1])
    assert isinstance(results[2], redis.ResponseError) and "not an integer" in str(results[2])
    assert r.get("k") == b"v"


def test_queuing_errors_abort_with_execabort(conn):
    assert conn.call("MULTI") == b"+OK\r\n"
    assert conn.call("SET", "x", "1") == b"+QUEUED\r\n"
    assert conn.call("NOSUCH", "x").startswith(b"-ERR unknown command 'NOSUCH'")
    assert conn.call("GET") == b"-ERR wrong number of arguments for 'get' command\r\n"
    assert conn.call("EXEC") == b"-EXECABORT Transaction discarded because of previous errors.\r\n"
    assert conn.call("GET", "x") == b"$-1\r\n"
    assert conn.call("EXEC") == b"-ERR EXEC without MULTI\r\n"
    assert conn.call("DISCARD") == b"-ERR DISCARD without MULTI\r\n"
    # A refused EXEC discards the transaction and says why.
    conn.call("MULTI")
    conn.call("SET", "x", "1")
    assert conn.call("EXEC", "now") == (b"-EXECABORT Transaction discarded because of: "
                                        b"wrong number of arguments for 'exec' command\r\n")
    assert conn.call("EXEC") == b"-ERR EXEC without MULTI\r\n"


def test_nested_multi_and_discard_and_reset(conn):
    assert conn.call("MULTI") == b"+OK\r\n"
    assert conn.call("MULTI") == b"-ERR MULTI calls can not be nested\r\n"  # does not abort
    assert conn.call("SET", "y", "1") == b"+QUEUED\r\n"
    assert conn.call("EXEC") == b"*1\r\n+OK\r\n"
    conn.call("MULTI")
    conn.call("SET", "y", "2")
    assert conn.call("DISCARD") == b"+OK\r\n"
    assert conn.call("GET", "y") == b"$1\r\n1\r\n"
    conn.call("MULTI")
    conn.call("SET", "y", "3")
    assert conn.call("RESET") == b"+RESET\r\n"
    assert conn.call("EXEC") == b"-ERR EXEC without MULTI\r\n"
    assert conn.call("GET", "y") == b"$1\r\n1\r\n"
    conn.call("MULTI")
    assert conn.call("SHUTDOWN") == b"-ERR Command not allowed inside a transaction\r\n"
    assert conn.call("EXEC").startswith(b"-EXECABORT")


def test_client_list_shows_the_transaction(r, conn):
    conn.call("CLIENT", "SETNAME", "tx")
    conn.call("MULTI")
    conn.call("SET", "a", "1")
    conn.call("GET", "a")
    line = [c for c in r.client_list() if c["name"] == "tx"][0]
    assert "x" in line["flags"] and line["multi"] == "2"
    conn.call("DISCARD")
    line = [c for c in r.client_list() if c["name"] == "tx"][0]
    assert "x" not in line["flags"] and line["multi"] == "-1"


def test_blocking_commands_answer_at_once_inside_exec(conn):
    conn.call("MULTI")
    for cmd in (("BLPOP", "q", "0"), ("BRPOPLPUSH", "q", "r", "0"), ("BZPOPMIN", "z", "0"),
                ("BLMPOP", "0", "1", "q", "LEFT")):
        assert conn.call(*cmd) == b"+QUEUED\r\n"
    assert conn.call("EXEC") == b"*4\r\n*-1\r\n$-1\r\n*-1\r\n*-1\r\n"
    conn.call("MULTI")
    conn.call("RPUSH", "q", "a")
    conn.call("BLPOP", "q", "0")
    assert conn.call("EXEC") == b"*2\r\n:1\r\n*2\r\n$1\r\nq\r\n$1\r\na\r\n"


def test_waiters_are_served_after_the_whole_transaction(r, conn, raw_conn):
    waiter = raw_conn()
    waiter.send(encode_command("BLPOP", "jobs", "0"))
    assert wait_until(lambda: r.info("clients")["blocked_clients"] == 1, timeout=5)
    conn.call("MULTI")
    conn.call("RPUSH", "jobs", "first")
    conn.call("RPUSH", "jobs", "second")
    conn.call("LLEN", "jobs")
    # Inside EXEC both pushes land before the waiter is served: LLEN sees 2.
    assert conn.call("EXEC") == b"*3\r\n:1\r\n:2\r\n:2\r\n"
    assert waiter.read_reply() == b"*2\r\n$4\r\njobs\r\n$5\r\nfirst\r\n"
    assert r.lrange("jobs", 0, -1) == [b"second"]


def test_resp3_exec(raw_conn):
    c = raw_conn(resp3=True)
    c.call("MULTI")
    c.call("SET", "k", "v")
    c.call("HGETALL", "nohash")
    assert c.call("EXEC") == b"*2\r\n+OK\r\n%0\r\n"
