"""Protocol robustness: malformed input, partial frames, huge lengths, inline commands,
pipelining, connection limits.  After every test a client that connected before the test
must still get PONG, and the server process must still be running."""
import random
import socket
import threading
import time

import pytest

from conftest import (ConnectionClosed, RawConn, bulk_text, encode_command, parse_info,
                      wait_until)


@pytest.fixture(autouse=True)
def bystander(server):
    c = RawConn(server.port)
    assert c.call("PING") == b"+PONG\r\n"
    yield c
    try:
        assert c.call("PING") == b"+PONG\r\n", "a connected client stopped being served"
    finally:
        c.close()
    assert server.alive(), "server process died"


def expect_error_and_close(server, data, error):
    c = RawConn(server.port)
    try:
        c.send(data)
        assert c.read_all_until_closed() == error
    finally:
        c.close()


# ----------------------------------------------------------------------------- malformed RESP

@pytest.mark.parametrize("data", [
    b"*abc\r\n",
    b"*1 \r\n",
    b"*+1\r\n",
    b"*01\r\n",
    b"*2147483648\r\n",
    b"*3000000000\r\n",
])
def test_invalid_multibulk_length(server, data):
    expect_error_and_close(server, data, b"-ERR Protocol error: invalid multibulk length\r\n")


@pytest.mark.parametrize("data", [
    b"*1\r\n$-5\r\n",
    b"*1\r\n$-1\r\n",
    b"*1\r\n$abc\r\n",
    b"*1\r\n$4 \r\nPING\r\n",
    b"*1\r\n$1073741824\r\n",
    b"*1\r\n$536870913\r\n",
    b"*2\r\n$3\r\nGET\r\n$-1\r\n",
])
def test_invalid_bulk_length(server, data):
    expect_error_and_close(server, data, b"-ERR Protocol error: invalid bulk length\r\n")


@pytest.mark.parametrize("data, got", [
    (b"*1\r\nx\r\n", b"x"),
    (b"*2\r\n$3\r\nGET\r\n:1\r\n", b":"),
    (b"*1\r\n+PING\r\n", b"+"),
])
def test_expected_dollar(server, data, got):
    expect_error_and_close(server, data,
                           b"-ERR Protocol error: expected '$', got '%s'\r\n" % got)


def test_too_big_counts_without_newline(server):
    expect_error_and_close(server, b"*" + b"1" * 70000,
                           b"-ERR Protocol error: too big mbulk count string\r\n")
    expect_error_and_close(server, b"*1\r\n$" + b"1" * 70000,
                           b"-ERR Protocol error: too big bulk count string\r\n")
    expect_error_and_close(server, b"A" * 70000,
                           b"-ERR Protocol error: too big inline request\r\n")


def test_replies_before_protocol_error_are_delivered(server):
    expect_error_and_close(
        server, b"*1\r\n$4\r\nPING\r\nECHO hi\r\n*1\r\nx\r\n",
        b"+PONG\r\n$2\r\nhi\r\n-ERR Protocol error: expected '$', got 'x'\r\n")


def test_empty_and_null_multibulk_are_ignored(raw_conn):
    c = raw_conn()
    # a count <= 0 is skipped silently, not only -1
    c.send(b"*0\r\n*-1\r\n*-2\r\n*0\r\n*1\r\n$4\r\nPING\r\n")
    assert c.read_reply() == b"+PONG\r\n"
    assert c.read_available(0.1) == b"" and not c.eof


def test_empty_command_name(raw_conn):
    c = raw_conn()
    assert c.call("") == b"-ERR unknown command '', with args beginning with: \r\n"
    assert c.inline(b"\xff\xfe") == \
        b"-ERR unknown command '\xff\xfe', with args beginning with: \r\n"


def test_random_garbage(server):
    rng = random.Random(20240607)
    for round_ in range(20):
        c = RawConn(server.port)
        try:
            for _ in range(8):
                c.send(bytes(rng.getrandbits(8) for _ in range(rng.randint(1, 4096))))
        except OSError:
            pass  # the server may close the connection early: fine
        c.read_available(0.02)
        c.close()
        assert server.alive(), "died on garbage round %d" % round_


# ----------------------------------------------------------------------------- partial frames

def test_half_command_then_disconnect(server, r):
    for data in (b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nab",
                 b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n",
                 b"*3\r\n$3\r\nSE",
                 b"*3\r\n",
                 b"*2147483647\r\n",             # must not preallocate 2^31 arguments
                 b"*1048576\r\n$536870912\r\nab",
                 b"*",
                 b"SET k inline-without-newline"):
        c = RawConn(server.port)
        c.send(data)
        time.sleep(0.02)
        c.close()
    time.sleep(0.1)
    assert r.exists("k") == 0
    assert r.ping() is True


def test_huge_bulk_length_rejected_without_allocation(server, r):
    used_before = r.info("memory")["used_memory"]
    expect_error_and_close(server, b"*1\r\n$1073741824\r\n",
                           b"-ERR Protocol error: invalid bulk length\r\n")
    assert r.info("memory")["used_memory"] < used_before + 64 * 1024 * 1024


def test_max_bulk_length_announced_then_disconnect(server, r, bystander):
    """$536870912 is exactly proto-max-bulk-len: accepted as a header.  Send 1 MB of it,
    check the server still serves others, then vanish."""
    c = RawConn(server.port)
    c.send(b"*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n$536870912\r\n")
    c.send(b"z" * (1024 * 1024))
    assert bystander.call("PING") == b"+PONG\r\n"
    assert c.read_available(0.1) == b"" and not c.eof  # still waiting for the rest
    c.close()
    assert r.exists("big") == 0
    assert wait_until(lambda: r.info("memory")["used_memory"] < 200 * 1024 * 1024, timeout=3)


# ----------------------------------------------------------------------------- inline commands

def test_inline_basic(conn):
    c = conn
    assert c.inline(b"PING") == b"+PONG\r\n"
    assert c.inline(b"ping") == b"+PONG\r\n"
    assert c.inline(b"   PING   ") == b"+PONG\r\n"
    assert c.inline(b"SET\tk\tv") == b"+OK\r\n"
    assert c.inline(b"GET k") == b"$1\r\nv\r\n"
    assert c.inline(b'"PING"') == b"+PONG\r\n"
    assert c.inline(b"'ping'") == b"+PONG\r\n"


def test_inline_quoting(conn):
    c = conn
    cases = [
        (b'SET k "a b"', b"a b"),
        (b"SET k 'it\\'s'", b"it's"),
        (b'SET k "\\x41\\x4a"', b"AJ"),
        (b'SET k "\\x4"', b"x4"),            # incomplete hex escape: backslash dropped
        (b'SET k "\\XAB"', b"XAB"),          # only lowercase \x introduces hex
        (b'SET k "a\\nb\\t\\\\c"', b"a\nb\t\\c"),
        (b'SET k "\\r\\a\\b"', b"\r\x07\x08"),
        (b'SET k "\\q"', b"q"),              # unknown escape: the character itself
        (b'SET k "a\\"b"', b'a"b'),
        (b"SET k 'a\\\\b'", b"a\\\\b"),      # single quotes only unescape \'
        (b"SET k 'a\\nb'", b"a\\nb"),
        (b"SET k 'a' ", b"a"),
        (b'SET k ""', b""),
        (b"SET k v\r", b"v"),                # a stray CR is whitespace
    ]
    for line, value in cases:
        assert c.inline(line) == b"+OK\r\n", line
        assert c.call("GET", "k") == b"$%d\r\n%s\r\n" % (len(value), value), line


@pytest.mark.parametrize("line", [
    b'SET k "abc',
    b"SET k 'abc",
    b'SET k "a"b',
    b"SET k 'a'b",
    b'"SET" k "x"extra',
])
def test_inline_unbalanced_quotes(server, line):
    expect_error_and_close(server, line + b"\r\n",
                           b"-ERR Protocol error: unbalanced quotes in request\r\n")


def test_inline_empty_lines_and_bare_newlines(conn):
    c = conn
    c.send(b"\r\n\r\n\n   \r\nPING\r\n")
    assert c.read_reply() == b"+PONG\r\n"
    c.send(b"SET k v\nGET k\nPING\n")
    assert c.read_reply() == b"+OK\r\n"
    assert c.read_reply() == b"$1\r\nv\r\n"
    assert c.read_reply() == b"+PONG\r\n"
    c.send(b"\n\n")
    assert c.read_available(0.1) == b"" and not c.eof


def test_inline_and_multibulk_mixed(conn):
    c = conn
    c.send(b"SET a 1\r\n" + encode_command("INCR", "a") + b"INCR a\n" + encode_command("GET", "a"))
    assert [c.read_reply() for _ in range(4)] == [b"+OK\r\n", b":2\r\n", b":3\r\n",
                                                    b"$1\r\n3\r\n"]


# ----------------------------------------------------------------------------- pipelining, split

def test_pipeline_10000_in_one_write(conn):
    c = conn
    n = 10_000
    parts = []
    for i in range(n):
        if i % 2 == 0:
            parts.append(encode_command("INCR", "counter"))
        else:
            parts.append(encode_command("ECHO", "msg-%d" % i))
    c.send(b"".join(parts))
    for i in range(n):
        reply = c.read_reply()
        if i % 2 == 0:
            assert reply == b":%d\r\n" % (i // 2 + 1), i
        else:
            msg = b"msg-%d" % i
            assert reply == b"$%d\r\n%s\r\n" % (len(msg), msg), i
    assert c.call("GET", "counter") == b"$4\r\n5000\r\n"


def test_pipeline_inline_10000(conn):
    c = conn
    c.send(b"".join(b"SET key:%d %d\r\n" % (i, i) for i in range(10_000)))
    for _ in range(10_000):
        assert c.read_reply() == b"+OK\r\n"
    assert c.call("DBSIZE") == b":10000\r\n"


def test_split_frame_byte_by_byte(conn):
    c = conn
    frame = encode_command("SET", "split", "v\r\nx") + encode_command("GET", "split") + \
        b"ECHO inline\r\n"
    for i in range(len(frame)):
        c.send(frame[i:i + 1])
        time.sleep(0.002)
    assert c.read_reply() == b"+OK\r\n"
    assert c.read_reply() == b"$4\r\nv\r\nx\r\n"
    assert c.read_reply() == b"$6\r\ninline\r\n"


def test_split_frame_random_chunks(conn):
    rng = random.Random(7)
    c = conn
    frames = b"".join(encode_command("SET", "k%d" % i, "x" * rng.randint(0, 300))
                      for i in range(200))
    pos = 0
    while pos < len(frames):
        step = rng.randint(1, 50)
        c.send(frames[pos:pos + step])
        pos += step
    for _ in range(200):
        assert c.read_reply() == b"+OK\r\n"
    assert c.call("DBSIZE") == b":200\r\n"


def test_many_concurrent_clients(server, r):
    errors = []

    def worker(n):
        try:
            c = RawConn(server.port)
            for i in range(200):
                assert c.call("INCR", "shared").startswith(b":")
            c.close()
        except Exception as e:  # noqa: BLE001
            errors.append(e)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == []
    assert r.get("shared") == b"2000"


# ----------------------------------------------------------------------------- connection limits

def test_maxclients(start_server):
    srv = start_server(["--maxclients", "2"])
    time.sleep(0.2)  # let the server notice the start-up probe connection went away
    a, b = RawConn(srv.port), RawConn(srv.port)
    try:
        assert a.call("PING") == b"+PONG\r\n"
        assert b.call("PING") == b"+PONG\r\n"
        third = RawConn(srv.port)
        assert third.read_all_until_closed() == b"-ERR max number of clients reached\r\n"
        third.close()
        assert a.call("PING") == b"+PONG\r\n"
        a.close()

        def fresh_ping():
            c = RawConn(srv.port)
            try:
                c.send(b"PING\r\n")
                return c.read_reply() == b"+PONG\r\n"
            except (ConnectionClosed, OSError):
                return False
            finally:
                c.close()

        assert wait_until(fresh_ping, timeout=3)
        assert srv.alive()
    finally:
        a.close()
        b.close()


def test_maxclients_refusals_count_as_rejected_not_received(start_server):
    srv = start_server(["--maxclients", "1"])
    time.sleep(0.2)  # let the server notice the start-up probe connection went away
    a = RawConn(srv.port)
    try:
        def stats():
            info = bulk_text(a.call("INFO", "stats"))
            return {k: int(v) for k, v in parse_info(info).items()
                    if k in ("total_connections_received", "rejected_connections")}
        before = stats()
        for _ in range(2):
            extra = RawConn(srv.port)
            assert extra.read_all_until_closed() == b"-ERR max number of clients reached\r\n"
            extra.close()
        after = stats()
        assert after["rejected_connections"] - before["rejected_connections"] == 2
        assert after["total_connections_received"] == before["total_connections_received"]
    finally:
        a.close()


def test_idle_timeout(start_server):
    srv = start_server(["--timeout", "1"])
    idle = RawConn(srv.port)
    busy = RawConn(srv.port)
    assert idle.call("PING") == b"+PONG\r\n"
    assert busy.call("PING") == b"+PONG\r\n"
    start = time.monotonic()
    closed_after = None
    idle.sock.settimeout(0.25)
    while time.monotonic() - start < 4:
        assert busy.call("PING") == b"+PONG\r\n"  # activity keeps this one alive
        try:
            data = idle.sock.recv(100)
            if data == b"":
                closed_after = time.monotonic() - start
                break
        except socket.timeout:
            pass
        except ConnectionResetError:
            closed_after = time.monotonic() - start
            break
    assert closed_after is not None, "idle client was not disconnected"
    assert 0.9 <= closed_after <= 3.5
    assert busy.call("PING") == b"+PONG\r\n"
    assert parse_info(bulk_text(busy.call("INFO", "clients")))["connected_clients"] == "1"
    idle.close()
    busy.close()
