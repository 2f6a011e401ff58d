"""Saving at shutdown and FLUSHALL, as Redis 7.0 does: with save points configured, SHUTDOWN
(and SIGTERM) write the dump before exiting, so a restart finds the data; SHUTDOWN NOSAVE does
not; SHUTDOWN SAVE does even without save points; a save that fails keeps the server running
(unless FORCE); FLUSHALL with save points empties the dump too. Passes on redis-server 7.0.15
(CARDINAL_BIN=/usr/bin/redis-server)."""
import os
import signal
import time

import redis

from conftest import RawConn, Server, cardinal_bin, stop_and_clean

SAVE_POINTS = ["--save", "3600 1"]


def start(workdir, extra=(), port=None):
    # Server() passes --save '' --dir <its own tmp>; later arguments win, so these override.
    srv = Server(cardinal_bin(), ["--dir", workdir] + list(extra), port=port)
    return srv.start()


def wait_exit(srv, timeout=10):
    """Waits for a server that is shutting down by itself, then removes its own temp dir."""
    deadline = time.monotonic() + timeout
    while srv.proc.poll() is None:
        assert time.monotonic() < deadline, "server did not exit"
        time.sleep(0.02)
    stop_and_clean(srv, expect_alive=False)


def test_shutdown_saves_with_save_points_and_restart_has_the_data(workdir):
    srv = start(workdir, SAVE_POINTS)
    r = redis.Redis(host="127.0.0.1", port=srv.port)
    r.set("kept", "v")
    r.rpush("list", "a", "b")
    RawConn(srv.port).send(b"SHUTDOWN\r\n")
    wait_exit(srv)
    assert os.path.exists(os.path.join(workdir, "dump.rdb"))
    again = start(workdir, SAVE_POINTS)
    r = redis.Redis(host="127.0.0.1", port=again.port)
    assert r.get("kept") == b"v" and r.lrange("list", 0, -1) == [b"a", b"b"]
    r.close()
    stop_and_clean(again)


def test_nosave_and_no_save_points_write_nothing_but_save_forces(workdir):
    srv = start(workdir, SAVE_POINTS)
    r = redis.Redis(host="127.0.0.1", port=srv.port)
    r.set("k", "v")
    RawConn(srv.port).send(b"SHUTDOWN NOSAVE\r\n")
    wait_exit(srv)
    assert not os.path.exists(os.path.join(workdir, "dump.rdb"))

    srv = start(workdir)  # no save points
    c = RawConn(srv.port)
    c.call("SET", "k", "v")
    c.send(b"SHUTDOWN\r\n")
    wait_exit(srv)
    assert not os.path.exists(os.path.join(workdir, "dump.rdb"))

    srv = start(workdir)
    c = RawConn(srv.port)
    c.call("SET", "k", "forced")
    c.send(b"SHUTDOWN SAVE\r\n")
    wait_exit(srv)
    assert os.path.exists(os.path.join(workdir, "dump.rdb"))
    again = start(workdir)
    assert RawConn(again.port).call("GET", "k") == b"$6\r\nforced\r\n"
    stop_and_clean(again)


def test_sigterm_saves_with_save_points(workdir):
    srv = start(workdir, SAVE_POINTS)
    RawConn(srv.port).call("SET", "by-signal", "1")
    srv.proc.send_signal(signal.SIGTERM)
    wait_exit(srv)
    again = start(workdir, SAVE_POINTS)
    assert RawConn(again.port).call("GET", "by-signal") == b"$1\r\n1\r\n"
    stop_and_clean(again)


def test_failed_save_keeps_the_server_running_unless_forced(workdir):
    """The dump's path is a directory, so the rename over it fails (even as root, whom a
    read-only directory would not stop): SHUTDOWN answers an error and the server goes on;
    SHUTDOWN FORCE exits anyway."""
    srv = start(workdir, SAVE_POINTS + ["--dbfilename", "dump.rdb"])
    c = RawConn(srv.port)
    c.call("SET", "k", "v")
    os.mkdir(os.path.join(workdir, "dump.rdb"))
    with open(os.path.join(workdir, "dump.rdb", "keep"), "w") as f:
        f.write("x")
    assert c.call("SHUTDOWN") == b"-ERR Errors trying to SHUTDOWN. Check logs.\r\n"
    assert c.call("GET", "k") == b"$1\r\nv\r\n"
    c.send(b"SHUTDOWN FORCE\r\n")
    wait_exit(srv)


def test_flushall_empties_the_dump_when_save_points_exist(workdir):
    srv = start(workdir, SAVE_POINTS)
    r = redis.Redis(host="127.0.0.1", port=srv.port)
    r.set("k", "v")
    r.save()
    r.flushall()
    srv.proc.kill()  # no save at exit: only what FLUSHALL wrote counts
    wait_exit(srv)
    again = start(workdir, SAVE_POINTS)
    assert RawConn(again.port).call("DBSIZE") == b":0\r\n"
    stop_and_clean(again)
