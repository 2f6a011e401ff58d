"""Configuration file parsing, command-line overrides, fatal config errors, --version."""
import os
import re
import signal
import subprocess
import time

import pytest

from conftest import (IS_REDIS, RawConn, Server, cardinal_bin, free_port, skip_if_redis,
                      stop_and_clean)


def write(directory, name, text):
    path = os.path.join(directory, name)
    with open(path, "w") as f:
        f.write(text)
    return path


def run_until_exit(args, cwd, timeout=10):
    """Run a server invocation that is expected to exit by itself."""
    try:
        return subprocess.run(args, capture_output=True, timeout=timeout, cwd=cwd)
    except subprocess.TimeoutExpired:
        pytest.fail("server did not exit: %r" % (args,))


@pytest.fixture
def confdir(tmp_path):
    return str(tmp_path)


@pytest.fixture
def config_server():
    """Start a server whose *only* argument is the config file (so `port` etc. must work)."""
    started = []

    def make(config_path, port):
        srv = Server(cardinal_bin(), port=port, config_file=config_path)
        srv.args = [cardinal_bin(), config_path]
        started.append(srv)
        return srv.start()

    yield make
    for srv in started:
        stop_and_clean(srv, expect_alive=False)


def config_get(conn, name):
    reply = conn.call("CONFIG", "GET", name)
    m = re.match(rb"^\*2\r\n\$\d+\r\n[^\r]*\r\n\$(\d+)\r\n", reply)
    assert m, reply
    return reply[m.end():m.end() + int(m.group(1))].decode()


def test_config_file_with_include_units_quotes(confdir, config_server):
    port = free_port()
    included = write(confdir, "second.conf",
                      "maxclients 123\n"
                      "tcp-keepalive 60\n"
                      "proto-max-bulk-len 64m\n")
    main = write(confdir, "redis.conf",
                 "# a comment line\n"
                 "   # an indented comment\n"
                 "\n"
                 "port %d\n"
                 "bind 127.0.0.1\n"
                 "dir %s\n"
                 "save \"\"\n"
                 "appendonly no\n"
                 "maxmemory 100mb\n"
                 "client-query-buffer-limit 1GB\n"
                 "maxmemory-policy \"allkeys-lru\"\n"
                 "dbfilename \"my dump.rdb\"\n"
                 "appendfilename 'append only.aof'\n"
                 "hz 15\n"
                 "databases 32\n"
                 "include %s\n"
                 "tcp-keepalive 90\n" % (port, confdir, included))
    config_server(main, port)
    c = RawConn(port)
    try:
        assert c.call("PING") == b"+PONG\r\n"
        assert config_get(c, "port") == str(port)
        assert config_get(c, "bind") == "127.0.0.1"
        assert config_get(c, "maxmemory") == "104857600"
        assert config_get(c, "client-query-buffer-limit") == "1073741824"
        assert config_get(c, "maxmemory-policy") == "allkeys-lru"
        assert config_get(c, "dbfilename") == "my dump.rdb"
        assert config_get(c, "appendfilename") == "append only.aof"
        assert config_get(c, "hz") == "15"
        assert config_get(c, "databases") == "32"
        assert config_get(c, "maxclients") == "123"          # from the included file
        assert config_get(c, "proto-max-bulk-len") == "64000000"  # m = 10^6, mb = 2^20
        assert config_get(c, "tcp-keepalive") == "90"        # later line wins over include
        assert config_get(c, "save") == ""
        assert c.call("SELECT", "31") == b"+OK\r\n"
        assert c.call("SELECT", "32") == b"-ERR DB index is out of range\r\n"
    finally:
        c.close()


def test_command_line_overrides_config_file(confdir, start_server):
    conf = write(confdir, "redis.conf", "hz 15\ntimeout 7\n")
    srv = start_server(["--hz", "20"], config_file=conf)
    c = RawConn(srv.port)
    assert config_get(c, "hz") == "20"
    assert config_get(c, "timeout") == "7"
    c.close()


def test_directives_a_new_server_may_ignore(confdir, start_server):
    conf = write(confdir, "redis.conf",
                 "lazyfree-lazy-eviction no\n"
                 "activedefrag no\n"
                 "lazyfree-lazy-user-del no\n"
                 "latency-monitor-threshold 0\n"
                 "slowlog-log-slower-than 10000\n")
    srv = start_server(config_file=conf)
    c = RawConn(srv.port)
    assert c.call("PING") == b"+PONG\r\n"
    c.close()


def test_unknown_directive_is_fatal(confdir):
    port = free_port()
    conf = write(confdir, "bad.conf", "port %d\nfoo bar\n" % port)
    res = run_until_exit([cardinal_bin(), conf], confdir)
    out = (res.stdout + res.stderr).decode(errors="replace")
    assert res.returncode != 0
    assert "foo" in out
    if IS_REDIS:
        assert "*** FATAL CONFIG FILE ERROR (Redis 7.0" in out
        assert "Reading the configuration file, at line 2" in out
        assert ">>> 'foo bar'" in out
        assert "Bad directive or wrong number of arguments" in out


def test_bad_value_is_fatal(confdir):
    conf = write(confdir, "bad.conf", "port %d\nhz abc\n" % free_port())
    res = run_until_exit([cardinal_bin(), conf], confdir)
    out = (res.stdout + res.stderr).decode(errors="replace")
    assert res.returncode != 0
    assert "hz" in out
    if IS_REDIS:
        assert ">>> 'hz abc'" in out
        assert "argument couldn't be parsed into an integer" in out


def test_unknown_command_line_option_is_fatal(tmp_path):
    res = run_until_exit([cardinal_bin(), "--port", str(free_port()), "--no-such-option", "1"],
                         tmp_path)
    assert res.returncode != 0
    assert "no-such-option" in (res.stdout + res.stderr).decode(errors="replace")


def test_missing_config_file_is_fatal(confdir):
    res = run_until_exit([cardinal_bin(), os.path.join(confdir, "does-not-exist.conf")], confdir)
    assert res.returncode != 0
    assert "does-not-exist.conf" in (res.stdout + res.stderr).decode(errors="replace")


@pytest.mark.parametrize("flag", ["--version", "-v"])
def test_version_flag(flag, tmp_path):
    res = run_until_exit([cardinal_bin(), flag], tmp_path)
    assert res.returncode == 0
    out = res.stdout.decode(errors="replace")
    assert re.search(r"\d+\.\d+\.\d+", out), out
    if IS_REDIS:
        assert out.startswith("Redis server v=7.0.")


# ----------------------------------------------------------------------------- real redis.conf

DEBIAN_CONF = "/etc/redis/redis.conf"
need_debian_conf = pytest.mark.skipif(not os.access(DEBIAN_CONF, os.R_OK),
                                      reason="Debian's redis-server config is not installed")
KNOWN_VALUE_DIFFERENCES = {"port", "dir"}  # each server has its own


def config_get_all(conn):
    values = re.findall(r"\$\d+\r\n([^\r]*)\r\n", conn.call("CONFIG", "GET", "*").decode())
    return dict(zip(values[0::2], values[1::2]))


def copy_debian_conf(directory):
    with open(DEBIAN_CONF) as f:
        return write(directory, "redis.conf", f.read())


@need_debian_conf
def test_debian_redis_conf_loads_with_warnings_only(confdir):
    """The stock file, with the paths and daemonizing overridden on the command line, starts
    both servers; cardinal only warns, about directives it does not know, and ends up with the
    values redis-server reads from the same file."""
    conf = copy_debian_conf(confdir)
    overrides = ["--daemonize", "no", "--logfile", "", "--pidfile", ""]
    servers = []
    try:
        for binary in (cardinal_bin(), "/usr/bin/redis-server"):
            srv = Server(binary, port=free_port(), config_file=conf)
            srv.args = [binary, conf, "--port", str(srv.port), "--dir", srv.workdir] + overrides
            servers.append(srv.start())
        mine, theirs = (RawConn(s.port) for s in servers)
        mine_all, theirs_all = config_get_all(mine), config_get_all(theirs)
        mine.close()
        theirs.close()
        differing = {name: (value, theirs_all.get(name)) for name, value in mine_all.items()
                     if name not in KNOWN_VALUE_DIFFERENCES and theirs_all.get(name) != value}
        assert differing == {}
        if IS_REDIS:
            return
        log = servers[0].read_log()
        warned = re.findall(r"directive '([^']+)' \(.*redis\.conf:\d+\) is not supported", log)
        assert warned, log  # the file does use directives cardinal lacks
        assert not set(warned) & set(mine_all)
        problems = [line for line in log.splitlines()
                    if " # " in line and "is not supported by cardinal yet" not in line]
        assert problems == []
    finally:
        for srv in servers:
            stop_and_clean(srv, expect_alive=False)


@need_debian_conf
def test_debian_redis_conf_daemonizes_with_pidfile_logfile_dir(confdir):
    """The stock file's `daemonize yes` with our own pidfile, logfile and dir: the command
    returns at once, the daemon writes its pid, logs to the file, works in `dir`, and removes
    the pidfile when it shuts down."""
    conf = copy_debian_conf(confdir)
    port = free_port()
    pidfile = os.path.join(confdir, "server.pid")
    logfile = os.path.join(confdir, "server.log")
    datadir = os.path.join(confdir, "data")
    os.mkdir(datadir)
    res = run_until_exit([cardinal_bin(), conf, "--port", str(port), "--pidfile", pidfile,
                          "--logfile", logfile, "--dir", datadir], confdir)
    assert res.returncode == 0, res
    pid = None
    try:
        deadline = time.monotonic() + 10
        while pid is None and time.monotonic() < deadline:
            try:
                with open(pidfile) as f:
                    pid = int(f.read().strip())
            except (OSError, ValueError):
                time.sleep(0.05)
        assert pid is not None, "no pidfile"
        c = None
        while c is None and time.monotonic() < deadline:
            try:
                c = RawConn(port)
            except OSError:
                time.sleep(0.05)
        assert c is not None
        assert c.call("PING") == b"+PONG\r\n"
        assert config_get(c, "daemonize") == "yes"
        assert config_get(c, "dir") == os.path.realpath(datadir)
        assert config_get(c, "pidfile") == pidfile
        info = c.call("INFO", "server").decode()
        assert "process_id:%d\r\n" % pid in info
        with open(logfile) as f:
            assert "Ready to accept connections" in f.read()
        c.send(b"SHUTDOWN NOSAVE\r\n")
        c.read_all_until_closed()
        c.close()
        while time.monotonic() < deadline and os.path.exists("/proc/%d" % pid):
            time.sleep(0.05)
        assert not os.path.exists("/proc/%d" % pid)
        pid = None
        assert not os.path.exists(pidfile)
    finally:
        if pid is not None and os.path.exists("/proc/%d" % pid):
            os.kill(pid, signal.SIGTERM)  # the daemon this test started, by its pid


# ----------------------------------------------------------------------------- redis.conf.example

EXAMPLE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                       "redis.conf.example")


def fresh_config(binary, config_file=None):
    """CONFIG GET * of `binary` started with only its port (and the file, if any), from its own
    empty directory; the directory and port are replaced by DIR and PORT.  Also the log."""
    srv = Server(binary)
    srv.args = [binary] + ([config_file] if config_file else []) + ["--port", str(srv.port)]
    srv.start()
    try:
        c = RawConn(srv.port)
        values = config_get_all(c)
        c.close()
        values["dir"] = values["dir"].replace(srv.workdir, "DIR")
        values["port"] = values["port"].replace(str(srv.port), "PORT")
        return values, srv.read_log()
    finally:
        stop_and_clean(srv, expect_alive=False)


def example_names():
    """(directive names set on lines, names the comments give as old names)."""
    directives, aliases = [], []
    with open(EXAMPLE) as f:
        for line in f:
            line = line.strip()
            m = re.match(r"#\s*Old names?, also accepted: (.*)\.$", line)
            if m:
                aliases += [a.strip() for a in m.group(1).split(",")]
            elif line and not line.startswith("#"):
                directives.append(line.split()[0].lower())
    return directives, aliases


@skip_if_redis
def test_example_config_loads_cleanly_and_changes_nothing():
    loaded, log = fresh_config(cardinal_bin(), EXAMPLE)
    defaults, _ = fresh_config(cardinal_bin())
    assert loaded == defaults
    assert [line for line in log.splitlines() if " # " in line] == []  # no warning


@skip_if_redis
def test_example_config_shows_every_directive():
    directives, aliases = example_names()
    known, _ = fresh_config(cardinal_bin())
    # Every directive line is a known one; each appears once, except the per-class lines of
    # client-output-buffer-limit and the save points.
    repeated = {d for d in directives if directives.count(d) > 1}
    assert repeated <= {"save", "client-output-buffer-limit"}
    assert set(directives) <= set(known)
    assert not set(aliases) & set(directives)
    assert set(directives) | set(aliases) == set(known)


@pytest.mark.skipif(not os.path.exists("/usr/bin/redis-server"), reason="needs redis-server")
def test_example_config_loads_in_redis_server():
    loaded, log = fresh_config("/usr/bin/redis-server", EXAMPLE)
    defaults, _ = fresh_config("/usr/bin/redis-server")
    differing = {k: (loaded[k], defaults.get(k)) for k in loaded if loaded[k] != defaults.get(k)}
    # The example's loopback bind is cardinal's default, not redis-server's.
    assert differing == {"bind": ("127.0.0.1 -::1", "* -::*")}
