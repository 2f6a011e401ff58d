"""Runtime behaviour beyond single commands: unix sockets, `port 0`, the query buffer limit,
CONFIG SET taking effect on live traffic, Debian's stock redis.conf, and redis-cli's
interactive hints (which come from COMMAND DOCS)."""
import os
import shutil
import socket
import subprocess
import tempfile
import time

import pytest
import redis

from conftest import IS_REDIS, RawConn, cardinal_bin, encode_command, free_port, wait_until


def wait_for_unix_socket(path, proc, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, "server exited early"
        if os.path.exists(path):
            try:
                with socket.socket(socket.AF_UNIX) as s:
                    s.connect(path)
                    return
            except OSError:
                pass
        time.sleep(0.05)
    raise AssertionError("unix socket never accepted")


def test_unix_socket_only_with_port_zero():
    workdir = tempfile.mkdtemp(prefix="cardinal-unix-")
    path = os.path.join(workdir, "cardinal.sock")
    proc = subprocess.Popen([cardinal_bin(), "--port", "0", "--unixsocket", path,
                             "--unixsocketperm", "700", "--save", "", "--dir", workdir],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=workdir)
    try:
        wait_for_unix_socket(path, proc)
        assert oct(os.stat(path).st_mode & 0o777) == "0o700"
        r = redis.Redis(unix_socket_path=path)
        assert r.set("k", "v") is True
        assert r.get("k") == b"v"
        assert r.config_get("port") == {"port": "0"}
        info = r.client_info()
        assert info["addr"].startswith(path)
        r.close()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)
    assert proc.returncode == 0


def test_query_buffer_limit_drops_only_that_client(start_server):
    srv = start_server(["--client-query-buffer-limit", "1mb"])
    bystander = redis.Redis(port=srv.port)
    assert bystander.ping() is True
    hog = RawConn(srv.port)
    # A single bulk of 2 MB exceeds the 1 MB query buffer limit before it completes.
    hog.send(b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$2097152\r\n")
    try:
        hog.send(b"x" * (2 * 1024 * 1024))
    except OSError:
        pass  # the server may already have closed the socket
    hog.read_all_until_closed(timeout=10)
    assert bystander.ping() is True
    assert bystander.exists("k") == 0
    bystander.close()


def test_config_set_requirepass_applies_to_new_connections(start_server):
    srv = start_server()
    admin = redis.Redis(port=srv.port)
    assert admin.config_set("requirepass", "s3cret") is True
    try:
        fresh = RawConn(srv.port)
        assert fresh.call("GET", "k") == b"-NOAUTH Authentication required.\r\n"
        assert fresh.call("AUTH", "s3cret") == b"+OK\r\n"
        assert fresh.call("PING") == b"+PONG\r\n"
        fresh.close()
        assert admin.ping() is True  # already-authenticated clients stay authenticated
    finally:
        admin.config_set("requirepass", "")
        admin.close()


def test_config_set_maxclients_and_timeout_apply_live(start_server):
    srv = start_server()
    admin = redis.Redis(port=srv.port)
    admin.ping()
    assert admin.config_set("maxclients", "1") is True
    extra = RawConn(srv.port)
    assert extra.read_all_until_closed(timeout=5) == b"-ERR max number of clients reached\r\n"
    assert admin.config_set("maxclients", "100") is True
    assert admin.config_set("timeout", "1") is True
    idle = RawConn(srv.port)
    assert idle.call("PING") == b"+PONG\r\n"
    assert idle.read_all_until_closed(timeout=6) == b""
    admin.close()


def test_debian_stock_redis_conf_loads(start_server):
    if not os.path.exists("/etc/redis/redis.conf"):
        pytest.skip("redis-server's config is not installed")
    # The stock file daemonizes and logs to /var/log; the command line overrides that, as a
    # user moving from redis-server would.
    srv = start_server(["--daemonize", "no", "--logfile", "", "--pidfile", ""],
                       config_file="/etc/redis/redis.conf")
    r = redis.Redis(port=srv.port)
    assert r.ping() is True
    # The harness's --bind overrides the file's "127.0.0.1 -::1", as later directives do.
    assert r.config_get("bind") == {"bind": "127.0.0.1"}
    assert r.config_get("databases") == {"databases": "16"}
    r.close()


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is needed to drive redis-cli")
def test_redis_cli_shows_argument_hints(server):
    session = "cardinal-hints-%d" % os.getpid()
    subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x", "200", "-y", "10",
                    "redis-cli -p %d" % server.port], check=True)
    try:
        def screen():
            return subprocess.run(["tmux", "capture-pane", "-t", session, "-p"],
                                  capture_output=True, text=True).stdout
        assert wait_until(lambda: "127.0.0.1:%d>" % server.port in screen(), timeout=10)
        subprocess.run(["tmux", "send-keys", "-t", session, "SET k "], check=True)
        expected = "SET k value [NX|XX] [GET] [EX seconds|PX milliseconds"
        assert wait_until(lambda: expected in screen(), timeout=5), screen()
        subprocess.run(["tmux", "send-keys", "-t", session, "C-u", "EXPIRE k 10 "], check=True)
        assert wait_until(lambda: "EXPIRE k 10 [NX|XX|GT|LT]" in screen(), timeout=5), screen()
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session])
