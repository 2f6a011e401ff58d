"""redis-cli against the server: one-shot commands, -x stdin, and --pipe mass insertion."""
import shutil
import subprocess

import pytest

from conftest import encode_command

REDIS_CLI = shutil.which("redis-cli") or "/usr/bin/redis-cli"

pytestmark = pytest.mark.skipif(not shutil.which("redis-cli"), reason="redis-cli not installed")


def cli(port, *args, stdin=None):
    """Run redis-cli non-interactively (stdout is a pipe, so replies are printed raw)."""
    return subprocess.run([REDIS_CLI, "-p", str(port), *args], input=stdin,
                          capture_output=True, timeout=60)


def test_set_get_incr(server, r):
    p = server.port
    res = cli(p, "SET", "k", "v")
    assert res.returncode == 0 and res.stdout == b"OK\n"
    assert cli(p, "GET", "k").stdout == b"v\n"
    assert cli(p, "INCR", "counter").stdout == b"1\n"
    assert cli(p, "INCRBY", "counter", "41").stdout == b"42\n"
    assert cli(p, "GET", "missing").stdout == b"\n"  # nil prints as an empty line in raw mode
    assert r.get("k") == b"v"
    assert r.get("counter") == b"42"


def test_error_reply_is_printed(server, r):
    r.set("k", "abc")
    res = cli(server.port, "INCR", "k")
    assert b"ERR value is not an integer or out of range" in res.stdout + res.stderr


def test_binary_value_from_stdin(server, r):
    payload = b"a\x00b\xff\r\nc\x01" + bytes(range(256))
    res = cli(server.port, "-x", "SET", "bin", stdin=payload)
    assert res.returncode == 0 and res.stdout == b"OK\n"
    assert r.get("bin") == payload
    assert r.strlen("bin") == len(payload)


def test_pipe_mass_insertion(server, r):
    n = 100_000
    data = b"".join(encode_command("SET", "key:%d" % i, "value:%d" % i) for i in range(n))
    res = cli(server.port, "--pipe", stdin=data)
    out = res.stdout.decode()
    assert res.returncode == 0, out + res.stderr.decode()
    assert "errors: 0, replies: %d" % n in out
    assert r.dbsize() == n
    assert r.get("key:0") == b"value:0"
    assert r.get("key:99999") == b"value:99999"
    assert r.mget("key:12345", "key:54321") == [b"value:12345", b"value:54321"]


def test_pipe_counts_errors(server, r):
    data = encode_command("SET", "a", "1") + encode_command("NOSUCHCOMMAND", "x") + \
        encode_command("GET", "a")
    res = cli(server.port, "--pipe", stdin=data)
    assert "errors: 1, replies: 3" in res.stdout.decode()
    assert res.returncode != 0
    assert r.get("a") == b"1"
