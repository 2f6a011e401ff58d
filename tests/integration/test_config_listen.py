"""CONFIG SET port and bind take effect at once, as in Redis 7.0: new listeners, the old ones
closed, connected clients kept; an address that cannot be bound leaves everything as it was
with Redis's error text. Also `--bind "a b"` as one argument. Passes on redis-server 7.0.15
too (CARDINAL_BIN=/usr/bin/redis-server)."""
import socket

import pytest

from conftest import RawConn, free_port


def refuses(port):
    with socket.socket() as s:
        s.settimeout(2)
        return s.connect_ex(("127.0.0.1", port)) != 0


def test_config_set_port_moves_the_listener(start_server):
    srv = start_server()
    kept = RawConn(srv.port)
    new_port = free_port()
    assert kept.call("CONFIG", "SET", "port", str(new_port)) == b"+OK\r\n"
    fresh = RawConn(new_port)
    assert fresh.call("PING") == b"+PONG\r\n"
    assert refuses(srv.port)
    assert kept.call("PING") == b"+PONG\r\n", "a connected client stays connected"
    assert fresh.call("CONFIG", "GET", "port") == \
        b"*2\r\n$4\r\nport\r\n$%d\r\n%d\r\n" % (len(str(new_port)), new_port)
    info = fresh.call("INFO", "server")
    assert b"tcp_port:%d\r\n" % new_port in info
    # And back again.
    assert fresh.call("CONFIG", "SET", "port", str(srv.port)) == b"+OK\r\n"
    assert RawConn(srv.port).call("PING") == b"+PONG\r\n"


def test_config_set_port_in_use_keeps_the_old_one(start_server):
    srv = start_server()
    other = start_server()
    c = RawConn(srv.port)
    assert c.call("CONFIG", "SET", "port", str(other.port)) == (
        b"-ERR CONFIG SET failed (possibly related to argument 'port') - Unable to listen on "
        b"this port. Check server logs.\r\n")
    assert c.call("CONFIG", "GET", "port") == \
        b"*2\r\n$4\r\nport\r\n$%d\r\n%d\r\n" % (len(str(srv.port)), srv.port)
    assert RawConn(srv.port).call("PING") == b"+PONG\r\n"


def test_config_set_bind(start_server):
    srv = start_server()
    c = RawConn(srv.port)
    assert c.call("CONFIG", "SET", "bind", "127.0.0.1 192.0.2.123") == (
        b"-ERR CONFIG SET failed (possibly related to argument 'bind') - Failed to bind to "
        b"specified addresses.\r\n")
    assert c.call("CONFIG", "GET", "bind") == b"*2\r\n$4\r\nbind\r\n$9\r\n127.0.0.1\r\n"
    assert RawConn(srv.port).call("PING") == b"+PONG\r\n"
    # The same address again (the old listener must close first), then an optional extra.
    assert c.call("CONFIG", "SET", "bind", "127.0.0.1 -::1") == b"+OK\r\n"
    assert RawConn(srv.port).call("PING") == b"+PONG\r\n"
    assert c.call("CONFIG", "GET", "bind") == b"*2\r\n$4\r\nbind\r\n$14\r\n127.0.0.1 -::1\r\n"
    assert c.call("PING") == b"+PONG\r\n"


def test_bind_given_as_one_argument_is_split(start_server):
    srv = start_server(["--bind", "127.0.0.1 -::1"])
    c = RawConn(srv.port)
    assert c.call("CONFIG", "GET", "bind") == b"*2\r\n$4\r\nbind\r\n$14\r\n127.0.0.1 -::1\r\n"
