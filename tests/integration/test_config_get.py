"""CONFIG GET against Debian's redis-server 7.0.15: every parameter cardinal knows has Redis's
name and, on a fresh start and after the same CONFIG SETs, Redis's value text."""
import os
import re

import pytest

from conftest import IS_REDIS, RawConn, Server, cardinal_bin, stop_and_clean

REDIS = "/usr/bin/redis-server"
pytestmark = pytest.mark.skipif(not os.path.exists(REDIS), reason="needs Debian's redis-server")

# Values that differ from redis-server's on purpose; docs/CONFIG.md says why.
DIFFERENT_DEFAULTS = {
    "bind": ("127.0.0.1 -::1", "* -::*"),  # cardinal listens on loopback unless told otherwise
}


def config_get_all(conn, pattern="*"):
    values = re.findall(r"\$\d+\r\n([^\r]*)\r\n", conn.call("CONFIG", "GET", pattern).decode())
    return dict(zip(values[0::2], values[1::2]))


def fresh(binary):
    """A server started with nothing but its port, from its own empty directory."""
    srv = Server(binary)
    srv.args = [binary, "--port", str(srv.port)]
    return srv.start()


def both(commands=()):
    """CONFIG GET * from cardinal and from redis-server after the same commands."""
    out = []
    for binary in (cardinal_bin(), REDIS):
        srv = fresh(binary)
        try:
            c = RawConn(srv.port)
            for cmd in commands:
                reply = c.call(*cmd)
                assert reply == b"+OK\r\n", (binary, cmd, reply)
            values = config_get_all(c)
            values["dir"] = values["dir"].replace(srv.workdir, "DIR")
            values["port"] = values["port"].replace(str(srv.port), "PORT")
            out.append(values)
            c.close()
        finally:
            stop_and_clean(srv, expect_alive=False)
    return out


def test_every_name_is_redis_name_and_defaults_match():
    mine, theirs = both()
    assert sorted(set(mine) - set(theirs)) == []
    differing = {name: (mine[name], theirs[name]) for name in mine
                 if mine[name] != theirs[name]}
    assert differing == ({} if IS_REDIS else DIFFERENT_DEFAULTS)


def test_values_match_after_config_set():
    mine, theirs = both([
        ("CONFIG", "SET", "maxmemory", "1gb", "proto-max-bulk-len", "2000k"),
        ("CONFIG", "SET", "client-query-buffer-limit", "2mb", "hz", "100"),
        ("CONFIG", "SET", "client-output-buffer-limit", "normal 1000k 2mb 3 replica 1gb 0 0"),
        ("CONFIG", "SET", "save", "100 5 200 6", "appendfsync", "ALWAYS"),
        ("CONFIG", "SET", "maxmemory-policy", "Allkeys-LRU", "loglevel", "warning"),
        ("CONFIG", "SET", "latency-tracking-info-percentiles", "0.5 99.99 100"),
        ("CONFIG", "SET", "list-max-ziplist-size", "-3", "hash-max-ziplist-value", "10"),
        ("CONFIG", "SET", "slowlog-log-slower-than", "-1", "protected-mode", "no"),
        ("CONFIG", "SET", "lazyfree-lazy-user-flush", "yes", "requirepass", "pw"),
        ("AUTH", "pw"),
    ])
    differing = {name: (mine[name], theirs[name]) for name in mine
                 if mine[name] != theirs[name] and name not in DIFFERENT_DEFAULTS}
    assert differing == {}
    assert mine["maxmemory"] == "1073741824" and mine["save"] == "100 5 200 6"


@pytest.mark.parametrize("mode,allowed", [("no", False), ("yes", True), ("local", True)])
def test_protected_configs_match_redis(mode, allowed):
    """dir and dbfilename need enable-protected-configs; "local" allows loopback clients."""
    for binary in (cardinal_bin(), REDIS):
        srv = Server(binary)
        srv.args = [binary, "--port", str(srv.port), "--enable-protected-configs", mode]
        srv.start()
        try:
            c = RawConn(srv.port)
            reply = c.call("CONFIG", "SET", "dbfilename", "x.rdb", "dir", srv.workdir)
            if allowed:
                assert reply == b"+OK\r\n", binary
                assert config_get_all(c, "dbfilename") == {"dbfilename": "x.rdb"}
            else:
                assert reply == (b"-ERR CONFIG SET failed (possibly related to argument "
                                 b"'dbfilename') - can't set protected config\r\n"), binary
            assert config_get_all(c, "enable-protected-configs") == \
                {"enable-protected-configs": mode}
            c.close()
        finally:
            stop_and_clean(srv, expect_alive=False)
