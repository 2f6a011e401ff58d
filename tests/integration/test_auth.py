"""requirepass: NOAUTH / WRONGPASS texts, AUTH forms, HELLO AUTH, pre-auth protocol limits."""
import re

import pytest
import redis

from conftest import encode_command

SERVER_ARGS = ["--requirepass", "secret"]

NOAUTH = b"-NOAUTH Authentication required.\r\n"
WRONGPASS = b"-WRONGPASS invalid username-password pair or user is disabled.\r\n"


def test_commands_need_auth(raw_conn):
    c = raw_conn()
    assert c.call("GET", "k") == NOAUTH
    assert c.call("PING") == NOAUTH
    assert c.inline(b"SET k v") == NOAUTH
    # command lookup and arity are checked before authentication
    assert c.call("NOSUCHCOMMAND", "a") == \
        b"-ERR unknown command 'NOSUCHCOMMAND', with args beginning with: 'a' \r\n"
    assert c.call("GET") == b"-ERR wrong number of arguments for 'get' command\r\n"


def test_wrong_password(raw_conn):
    c = raw_conn()
    assert c.call("AUTH", "wrong") == WRONGPASS
    assert c.call("AUTH", "default", "wrong") == WRONGPASS
    assert c.call("AUTH", "nosuchuser", "secret") == WRONGPASS
    assert c.call("GET", "k") == NOAUTH
    assert c.call("AUTH", "a", "b", "c") == b"-ERR syntax error\r\n"


def test_auth_password_and_user_forms(raw_conn):
    c = raw_conn()
    assert c.call("AUTH", "secret") == b"+OK\r\n"
    assert c.call("SET", "k", "v") == b"+OK\r\n"
    assert c.call("GET", "k") == b"$1\r\nv\r\n"
    d = raw_conn()
    assert d.call("AUTH", "default", "secret") == b"+OK\r\n"
    assert d.call("GET", "k") == b"$1\r\nv\r\n"
    # a later failed AUTH does not log the connection out
    assert d.call("AUTH", "bad") == WRONGPASS
    assert d.call("PING") == b"+PONG\r\n"


def test_hello_auth(raw_conn):
    c = raw_conn()
    err = c.call("HELLO", "3")
    assert err.startswith(b"-NOAUTH HELLO must be called with the client already authenticated")
    assert c.call("HELLO", "3", "AUTH", "default", "bad") == WRONGPASS
    reply = c.call("HELLO", "3", "AUTH", "default", "secret")
    assert reply.startswith(b"%7\r\n$6\r\nserver\r\n")
    assert b"$5\r\nproto\r\n:3\r\n" in reply
    assert c.call("GET", "missing") == b"_\r\n"
    d = raw_conn()
    reply = d.call("HELLO", "2", "AUTH", "default", "secret", "SETNAME", "named")
    assert reply.startswith(b"*14\r\n")
    assert d.call("CLIENT", "GETNAME") == b"$5\r\nnamed\r\n"


def test_redis_py_auth(server):
    with pytest.raises(redis.AuthenticationError) as exc:
        redis.Redis(port=server.port).ping()
    assert str(exc.value) == "Authentication required."
    with pytest.raises(redis.ResponseError) as exc:
        redis.Redis(port=server.port, password="nope").ping()
    assert str(exc.value) == "WRONGPASS invalid username-password pair or user is disabled."
    client = redis.Redis(port=server.port, password="secret")
    assert client.ping() is True
    client.close()
    client = redis.Redis(port=server.port, username="default", password="secret")
    assert client.ping() is True
    client.close()


@pytest.fixture
def bystander(server, raw_conn):
    """An authenticated client connected before the test; it must still be served after."""
    c = raw_conn()
    assert c.call("AUTH", "secret") == b"+OK\r\n"
    yield c
    assert c.call("PING") == b"+PONG\r\n"
    assert server.alive()


def test_unauthenticated_multibulk_limit(raw_conn, bystander):
    """Before AUTH, Redis 7.0 refuses a multibulk header above 10 elements."""
    ok = raw_conn()
    ok.send(b"*10\r\n")
    assert ok.read_available(0.2) == b"" and not ok.eof  # waiting for the elements
    big = raw_conn()
    big.send(b"*11\r\n")
    assert big.read_all_until_closed() == \
        b"-ERR Protocol error: unauthenticated multibulk length\r\n"
    # an authenticated client may send many arguments
    authed = raw_conn()
    assert authed.call("AUTH", "secret") == b"+OK\r\n"
    args = ["MSET"] + ["k%d" % (i // 2) if i % 2 == 0 else "v" for i in range(40)]
    assert authed.call(*args) == b"+OK\r\n"
    assert authed.call("EXISTS", "k0", "k19") == b":2\r\n"
    assert authed.call("FLUSHALL") == b"+OK\r\n"


def test_unauthenticated_bulk_limit(raw_conn, bystander):
    """Before AUTH, Redis 7.0 refuses a bulk string longer than 16384 bytes."""
    ok = raw_conn()
    ok.send(b"*2\r\n$16384\r\n")
    assert ok.read_available(0.2) == b"" and not ok.eof
    big = raw_conn()
    big.send(b"*2\r\n$16385\r\n")
    assert big.read_all_until_closed() == b"-ERR Protocol error: unauthenticated bulk length\r\n"
    # a 16 KB AUTH argument itself is accepted (and rejected as a wrong password)
    c = raw_conn()
    assert c.call("AUTH", "x" * 16384) == WRONGPASS
    authed = raw_conn()
    assert authed.call("AUTH", "secret") == b"+OK\r\n"
    assert authed.call("SET", "big", "y" * 100_000) == b"+OK\r\n"
    assert authed.call("STRLEN", "big") == b":100000\r\n"
    assert authed.call("DEL", "big") == b":1\r\n"


def test_server_alive_after_auth_errors(server, raw_conn):
    c = raw_conn()
    assert c.call("AUTH", "secret") == b"+OK\r\n"
    assert c.call("PING") == b"+PONG\r\n"
    assert server.alive()
    info = c.call("INFO", "server")
    assert re.search(rb"redis_version:\d+\.\d+\.\d+", info)


def test_quit_without_auth(raw_conn):
    c = raw_conn()
    c.send(encode_command("QUIT"))
    assert c.read_all_until_closed() == b"+OK\r\n"


def test_monitor_shows_auth_and_hello_redacted(raw_conn):
    """MONITOR sees AUTH and HELLO like any command, with their secrets replaced, as in
    Redis 7.0: AUTH's every argument, HELLO's AUTH username and password."""
    monitor = raw_conn()
    monitor.call("AUTH", "secret")
    assert monitor.call("MONITOR") == b"+OK\r\n"
    c = raw_conn()
    c.call("AUTH", "someuser", "pw-one")
    c.call("AUTH", "secret")
    c.call("HELLO", "2", "AUTH", "default", "secret", "SETNAME", "visible")
    c.call("PING")
    lines = b""
    while b'"PING"' not in lines:
        lines += monitor.read_reply()
    assert b"pw-one" not in lines and b"secret" not in lines and b"someuser" not in lines
    assert b'"AUTH" "(redacted)" "(redacted)"' in lines
    assert b'"AUTH" "(redacted)"\r\n' in lines
    assert b'"HELLO" "2" "AUTH" "(redacted)" "(redacted)" "SETNAME" "visible"' in lines
