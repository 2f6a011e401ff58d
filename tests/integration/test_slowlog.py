"""SLOWLOG: what is logged (threshold, max length, argument and byte truncation, redaction,
client name and address), the errors, and blocked commands (logged when served, not when they
time out). Runs against redis-server too (CARDINAL_BIN=/usr/bin/redis-server)."""
import pytest
import redis

from conftest import encode_command, wait_until


@pytest.fixture
def log(r):
    r.config_set("slowlog-log-slower-than", 0)
    r.config_set("slowlog-max-len", 128)
    r.slowlog_reset()
    r.response_callbacks.pop("SLOWLOG GET", None)  # raw entries, not redis-py's dicts
    yield r
    r.config_set("slowlog-log-slower-than", 10000)


def entries(conn, count=-1):
    """SLOWLOG GET through a raw connection, parsed minimally: [(id, ts, us, args, addr, name)]."""
    return conn.execute_command("SLOWLOG", "GET", count)


def test_commands_are_logged_newest_first_with_ids(log):
    log.set("a", "1")
    log.get("a")
    got = entries(log, 3)
    assert [e[3][0].lower() for e in got[:2]] == [b"get", b"set"]
    assert got[0][0] == got[1][0] + 1
    assert all(e[2] >= 0 and e[1] > 1_600_000_000 for e in got)
    assert got[0][4].startswith(b"127.0.0.1:")


def test_long_arguments_and_many_arguments_are_cut(log):
    log.set("k", "x" * 200)
    log.rpush("l", *range(1, 36))
    got = entries(log, 3)
    rpush, setcmd = got[0][3], got[1][3]
    assert len(rpush) == 32 and rpush[-1] == b"... (6 more arguments)"
    assert [rpush[0].lower()] + rpush[1:3] == [b"rpush", b"l", b"1"]
    assert setcmd[2] == b"x" * 128 + b"... (72 more bytes)"


def test_secrets_are_redacted(log, raw_conn, server):
    c = raw_conn()
    c.call("AUTH", "nobody-has-this")
    c.call("HELLO", "2", "AUTH", "default", "pw")
    log.config_set("requirepass", "")
    got = entries(log, 3)
    lower = lambda args: [a.lower() for a in args]
    assert lower(got[0][3]) == [b"config", b"set", b"requirepass", b"(redacted)"]
    assert lower(got[1][3]) == [b"hello", b"2", b"auth", b"(redacted)", b"(redacted)"]
    assert lower(got[2][3]) == [b"auth", b"(redacted)"]


def test_client_name_and_threshold_and_max_len(log):
    log.client_setname("reporter")
    assert entries(log, 1)[0][5] == b"reporter"
    log.config_set("slowlog-max-len", 2)
    log.ping()
    assert log.slowlog_len() == 2
    log.config_set("slowlog-max-len", 128)
    log.config_set("slowlog-log-slower-than", -1)
    before = log.slowlog_len()
    log.ping()
    assert log.slowlog_len() == before
    log.config_set("slowlog-log-slower-than", 10_000_000)
    log.ping()
    assert log.slowlog_len() == before


def test_errors_and_reset(log):
    for bad in ("-2", "x", "1.5"):
        with pytest.raises(redis.ResponseError, match="count should be greater than or equal to -1"):
            log.execute_command("SLOWLOG", "GET", bad)
    with pytest.raises(redis.ResponseError, match="unknown subcommand or wrong number of arguments"):
        log.execute_command("SLOWLOG", "GET", "1", "2")
    with pytest.raises(redis.ResponseError, match="unknown subcommand"):
        log.execute_command("SLOWLOG", "NOPE")
    log.execute_command("SLOWLOG", "RESET")
    assert log.slowlog_len() == 1  # the RESET itself is logged after it ran
    help_lines = log.execute_command("SLOWLOG", "HELP")
    assert help_lines[0].startswith(b"SLOWLOG <subcommand>")


def test_blocked_command_logged_when_served_not_when_timed_out(log, raw_conn):
    c = raw_conn()
    assert c.call("BLPOP", "nothing", "0.05") == b"*-1\r\n"
    assert all(e[3][0].lower() != b"blpop" for e in entries(log))
    c.send(encode_command("BLPOP", "q", "0"))
    assert wait_until(lambda: log.info("clients")["blocked_clients"] == 1, timeout=5)
    log.rpush("q", "v")
    c.read_reply()
    assert any(e[3] == [b"BLPOP", b"q", b"0"] for e in entries(log))
