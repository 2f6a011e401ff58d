"""Graceful shutdown on SIGTERM / SIGINT: exit code 0 within a few seconds."""
import signal
import time

import pytest

from conftest import RawConn


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_signal_shutdown(start_server, sig):
    srv = start_server()
    client = RawConn(srv.port)
    assert client.call("SET", "k", "v") == b"+OK\r\n"
    started = time.monotonic()
    srv.proc.send_signal(sig)
    assert srv.proc.wait(timeout=5) == 0
    assert time.monotonic() - started < 5
    # connected clients are dropped
    assert client.read_all_until_closed(timeout=2) == b""
    client.close()


def test_signal_shutdown_with_busy_clients(start_server):
    srv = start_server()
    clients = [RawConn(srv.port) for _ in range(5)]
    for c in clients:
        c.send(b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$10\r\npartial")  # half a command each
    time.sleep(0.1)
    srv.proc.send_signal(signal.SIGTERM)
    assert srv.proc.wait(timeout=5) == 0
    for c in clients:
        c.close()
