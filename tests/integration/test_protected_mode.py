"""protected-mode: with no password for the default user, only loopback and unix socket clients
get in; others get one -DENIED line and are disconnected, whatever `bind` says (Redis 7.0).

A client from another host is emulated by binding the server to one of this machine's own
non-loopback addresses as well as 127.0.0.1 and connecting from that address: the peer is then
not a loopback address, exactly as for a remote client. Passes on redis-server 7.0.15 too.
"""
import os
import socket
import subprocess
import tempfile

import pytest

from conftest import RawConn, parse_info


def own_address(family):
    """A non-loopback address of this machine in `family` that a socket can bind, or None."""
    try:
        out = subprocess.run(["hostname", "-I"], capture_output=True, text=True,
                             timeout=5).stdout.split()
    except (OSError, subprocess.SubprocessError):
        return None
    for addr in out:
        if (":" in addr) != (family == socket.AF_INET6) or addr.startswith("127.") or \
                addr == "::1" or addr.lower().startswith("fe80:"):
            continue
        try:
            with socket.socket(family, socket.SOCK_STREAM) as s:
                s.bind((addr, 0))
            return addr
        except OSError:
            continue
    return None


ADDR = own_address(socket.AF_INET)
ADDR6 = own_address(socket.AF_INET6)
pytestmark = pytest.mark.skipif(
    ADDR is None, reason="this machine has no non-loopback IPv4 address to emulate a remote client")


def connect_from(host, port, source=None):
    """A TCP connection to host:port, from the address `source` when one is given."""
    return socket.create_connection((host, port), timeout=5,
                                    source_address=(source, 0) if source else None)


def ping(host, port, source=None):
    """The first reply line a fresh connection gets to PING, or what it got before closing."""
    with connect_from(host, port, source) as s:
        s.sendall(b"PING\r\n")
        s.settimeout(5)
        data = b""
        while not data.endswith(b"\r\n"):
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
        return data


def assert_denied(reply):
    assert reply.startswith(b"-DENIED "), reply[:200]
    assert reply.endswith(b"\r\n") and reply.count(b"\r\n") == 1, reply  # exactly one line
    text = reply.decode()
    assert "protected mode" in text
    assert "password" in text


def start(start_server, *args):
    return start_server(["--bind", "127.0.0.1", ADDR, *args])


def stats(port):
    c = RawConn(port)
    try:
        info = c.call("INFO", "stats")
    finally:
        c.close()
    return parse_info(info.split(b"\r\n", 1)[1])


def test_remote_client_is_denied_and_disconnected(start_server):
    srv = start(start_server)  # protected-mode yes is the default, and no password is set
    before = stats(srv.port)
    remote = RawConn(srv.port, host=ADDR)
    # the refusal comes at once, before the client sends anything
    reply = remote.read_all_until_closed()
    remote.close()
    assert_denied(reply)
    assert_denied(ping(ADDR, srv.port))
    after = stats(srv.port)
    # refused clients count as rejected, not as received (the INFO connection itself is one)
    assert int(after["rejected_connections"]) - int(before["rejected_connections"]) == 2
    assert int(after["total_connections_received"]) - \
        int(before["total_connections_received"]) == 1


def test_denied_client_runs_no_command(start_server):
    srv = start(start_server)
    remote = RawConn(srv.port, host=ADDR)
    remote.send(b"SET protected:k 1\r\n")
    assert_denied(remote.read_all_until_closed())
    remote.close()
    c = RawConn(srv.port)
    assert c.call("EXISTS", "protected:k") == b":0\r\n"
    c.close()


def test_denied_client_uses_up_a_client_id(start_server):
    srv = start(start_server)
    c = RawConn(srv.port)
    first = int(c.call("CLIENT", "ID")[1:-2])
    assert_denied(ping(ADDR, srv.port))
    d = RawConn(srv.port)
    assert int(d.call("CLIENT", "ID")[1:-2]) == first + 2
    c.close()
    d.close()


def test_loopback_clients_get_in(start_server):
    srv = start(start_server)
    assert ping("127.0.0.1", srv.port) == b"+PONG\r\n"


def test_only_127_0_0_1_counts_as_loopback(start_server):
    # Redis 7.0 compares the peer with 127.0.0.1 and ::1 exactly: 127.0.0.2 is refused
    srv = start(start_server)
    assert_denied(ping("127.0.0.1", srv.port, source="127.0.0.2"))


def test_unix_socket_clients_get_in(start_server):
    path = os.path.join(tempfile.mkdtemp(prefix="cardinal-pm-"), "s.sock")
    srv = start(start_server, "--unixsocket", path)
    assert_denied(ping(ADDR, srv.port))
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(5)
        s.connect(path)
        s.sendall(b"PING\r\n")
        assert s.recv(64) == b"+PONG\r\n"


def test_protected_mode_no_lets_remote_clients_in(start_server):
    srv = start(start_server, "--protected-mode", "no")
    assert ping(ADDR, srv.port) == b"+PONG\r\n"


def test_password_lets_remote_clients_in(start_server):
    srv = start(start_server, "--requirepass", "secret")
    assert ping(ADDR, srv.port) == b"-NOAUTH Authentication required.\r\n"
    with connect_from(ADDR, srv.port) as s:
        s.settimeout(5)
        s.sendall(b"AUTH secret\r\nPING\r\n")
        data = b""
        while data.count(b"\r\n") < 2:
            chunk = s.recv(4096)
            assert chunk, data
            data += chunk
        assert data == b"+OK\r\n+PONG\r\n"


def test_config_set_applies_to_the_next_connections(start_server):
    srv = start(start_server)
    c = RawConn(srv.port)
    assert_denied(ping(ADDR, srv.port))
    assert c.call("CONFIG", "SET", "protected-mode", "no") == b"+OK\r\n"
    assert ping(ADDR, srv.port) == b"+PONG\r\n"
    assert c.call("CONFIG", "SET", "protected-mode", "yes") == b"+OK\r\n"
    assert_denied(ping(ADDR, srv.port))
    assert c.call("CONFIG", "SET", "requirepass", "pw") == b"+OK\r\n"
    assert ping(ADDR, srv.port) == b"-NOAUTH Authentication required.\r\n"
    c.close()


@pytest.mark.skipif(ADDR6 is None, reason="this machine has no non-loopback IPv6 address")
def test_ipv6_only_loopback_gets_in(start_server):
    # is ::1 usable at all (refused is fine: nothing listens on port 1)
    try:
        socket.create_connection(("::1", 1), timeout=1).close()
    except ConnectionRefusedError:
        pass
    except OSError:
        pytest.skip("no IPv6 loopback")
    srv = start(start_server, "::1", ADDR6)
    assert ping("::1", srv.port) == b"+PONG\r\n"
    assert_denied(ping(ADDR6, srv.port))
