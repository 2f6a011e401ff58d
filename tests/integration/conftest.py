"""Shared fixtures for the cardinal integration tests.

The server under test is $CARDINAL_BIN.  Pointing it at /usr/bin/redis-server runs the same
suite against the reference implementation (that is how the expectations were validated):

    CARDINAL_BIN=/usr/bin/redis-server /usr/bin/python3 -m pytest -q tests/integration

Fixtures
  server        one server per test module; a module may set SERVER_ARGS = [...] for extra flags
  r             redis-py client (RESP2) on `server`, database flushed before every test
  conn          RawConn on `server` (exact reply bytes), flushed before every test
  raw_conn      factory: raw_conn(port=None, resp3=False) -> RawConn, closed at teardown
  start_server  factory: start_server(extra_args=(), config_file=None) -> Server, stopped at teardown
"""
import os
import re
import shutil
import socket
import subprocess
import sys
import time

import pytest
import redis

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from servers import Server, cardinal_bin, free_port  # noqa: E402,F401
import aof_util  # noqa: E402

IS_REDIS = os.path.basename(os.environ.get("CARDINAL_BIN", "")).startswith("redis-server")
skip_if_redis = pytest.mark.skipif(IS_REDIS, reason="not applicable to redis-server 7.0")


# ----------------------------------------------------------------------------- raw RESP client

def encode_command(*args):
    """Encode one command as a RESP array of bulk strings."""
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        if isinstance(a, str):
            a = a.encode()
        elif isinstance(a, int):
            a = str(a).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


class ConnectionClosed(Exception):
    pass


class RawConn:
    """A socket that speaks RESP by hand and returns replies as the exact bytes on the wire."""

    AGGREGATE = {b"*": 1, b"~": 1, b">": 1, b"%": 2, b"|": 2}
    BLOB = (b"$", b"!", b"=")

    def __init__(self, port, timeout=10.0, host="127.0.0.1"):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""
        self.eof = False  # set by read_available() when the server closed the connection

    # -- low level
    def send(self, data):
        self.sock.sendall(data)

    def _fill(self):
        data = self.sock.recv(1 << 16)
        if not data:
            raise ConnectionClosed()
        self.buf += data

    def _take_line(self):
        while True:
            i = self.buf.find(b"\r\n")
            if i >= 0:
                line, self.buf = self.buf[:i + 2], self.buf[i + 2:]
                return line
            self._fill()

    def _take(self, n):
        while len(self.buf) < n:
            self._fill()
        data, self.buf = self.buf[:n], self.buf[n:]
        return data

    def read_reply(self):
        """Read one complete reply (RESP2 or RESP3); return its raw bytes."""
        line = self._take_line()
        kind = line[:1]
        if kind in self.BLOB:
            n = int(line[1:-2])
            return line if n < 0 else line + self._take(n + 2)
        if kind in self.AGGREGATE:
            n = int(line[1:-2])
            out = [line]
            for _ in range(max(n, 0) * self.AGGREGATE[kind]):
                out.append(self.read_reply())
            if kind == b"|":  # attribute: the real reply follows
                out.append(self.read_reply())
            return b"".join(out)
        return line

    # -- high level
    def call(self, *args):
        self.send(encode_command(*args))
        return self.read_reply()

    def inline(self, line):
        self.send(line + b"\r\n")
        return self.read_reply()

    def error(self, *args):
        """Run a command that must fail; return the error text without '-' and CRLF."""
        reply = self.call(*args)
        assert reply.startswith(b"-"), reply
        return reply[1:-2].decode()

    def read_all_until_closed(self, timeout=5.0):
        """Return every byte (buffered + new) until the server closes the connection.
        Fails the test if the connection is still open after `timeout` seconds."""
        data, self.buf = self.buf, b""
        self.sock.settimeout(timeout)
        deadline = time.monotonic() + timeout
        while True:
            try:
                chunk = self.sock.recv(1 << 16)
            except socket.timeout:
                raise AssertionError("server did not close the connection; got %r" % data[:200])
            except ConnectionResetError:
                return data
            if not chunk:
                return data
            data += chunk
            if time.monotonic() > deadline:
                raise AssertionError("server did not close the connection")

    def read_available(self, wait=0.3):
        """Whatever arrives within `wait` seconds (b'' if nothing); sets self.eof if the
        server closed the connection meanwhile."""
        data, self.buf = self.buf, b""
        self.sock.settimeout(wait)
        try:
            while True:
                chunk = self.sock.recv(1 << 16)
                if not chunk:
                    self.eof = True
                    break
                data += chunk
        except socket.timeout:
            pass
        except ConnectionResetError:
            self.eof = True
        finally:
            self.sock.settimeout(10.0)
        return data

    def hello3(self):
        reply = self.call("HELLO", "3")
        assert reply.startswith(b"%7\r\n"), reply
        return reply

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


# ----------------------------------------------------------------------------- fixtures

def stop_and_clean(srv, expect_alive=True):
    """Stop a server and delete its work directory.  If it died on its own, fail with the
    tail of its log (a crash would otherwise only show up as connection errors)."""
    died = expect_alive and srv.proc is not None and srv.proc.poll() is not None
    srv.stop()
    log = srv.read_log()
    shutil.rmtree(srv.workdir, ignore_errors=True)
    if died:
        pytest.fail("server exited unexpectedly with %s; log tail:\n%s"
                    % (srv.proc.returncode, log[-4000:]))


@pytest.fixture(scope="module")
def server(request):
    extra = list(getattr(request.module, "SERVER_ARGS", ()))
    srv = Server(cardinal_bin(), extra).start()
    yield srv
    stop_and_clean(srv)


@pytest.fixture
def r(server):
    client = redis.Redis(host="127.0.0.1", port=server.port, socket_timeout=20)
    client.flushall()
    yield client
    client.close()


@pytest.fixture
def raw_conn(server):
    conns = []

    def make(port=None, resp3=False):
        c = RawConn(port or server.port)
        conns.append(c)
        if resp3:
            c.hello3()
        return c

    yield make
    for c in conns:
        c.close()


@pytest.fixture
def conn(server, raw_conn):
    c = raw_conn()
    assert c.call("FLUSHALL") == b"+OK\r\n"
    return c


@pytest.fixture
def start_server():
    started = []

    def make(extra_args=(), config_file=None):
        srv = Server(cardinal_bin(), list(extra_args), config_file=config_file)
        started.append(srv)
        return srv.start()

    yield make
    for srv in started:
        stop_and_clean(srv, expect_alive=False)  # some tests shut their server down


# ----------------------------------------------------------------------------- helpers

def wait_until(predicate, timeout=5.0, interval=0.02):
    """Poll `predicate` until it is truthy; return its last value."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(interval)


def parse_info(text):
    """INFO text -> {field: value-string}, ignoring section headers."""
    if isinstance(text, bytes):
        text = text.decode()
    out = {}
    for line in text.split("\r\n"):
        if line and not line.startswith("#") and ":" in line:
            k, v = line.split(":", 1)
            out[k] = v
    return out


def bulk_text(reply):
    """Payload of a raw bulk ($) or verbatim (=) reply."""
    m = re.match(rb"^[$=](\d+)\r\n", reply)
    assert m, reply
    body = reply[m.end():m.end() + int(m.group(1))]
    return body[4:] if reply[:1] == b"=" else body


# ----------------------------------------------------------------------------- data directories

@pytest.fixture
def workdir(tmp_path):
    """A fresh data directory for the test's servers."""
    return str(tmp_path)


@pytest.fixture
def servers():
    """servers(workdir, extra=(), binary=None) -> a Server whose `dir` is workdir, returned once
    it has loaded its data (aof_util.start); every one is stopped at teardown, whether it is
    still running or not."""
    started = []

    def make(workdir, extra=(), binary=None):
        srv = aof_util.start(binary or cardinal_bin(), workdir, list(extra), timeout=60)
        started.append(srv)
        return srv

    yield make
    for srv in started:
        stop_and_clean(srv, expect_alive=False)


@pytest.fixture
def small_fs(tmp_path):
    """A 512 KiB tmpfs (needs root with CAP_SYS_ADMIN, else the test is skipped)."""
    mnt = tmp_path / "fs"
    mnt.mkdir()
    res = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", str(mnt)],
                         capture_output=True, text=True)
    if res.returncode != 0:
        pytest.skip("cannot mount a tmpfs here: " + res.stderr.strip())
    yield str(mnt)
    subprocess.run(["umount", "-l", str(mnt)], capture_output=True)
