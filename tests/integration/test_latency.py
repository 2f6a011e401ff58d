"""The latency monitor (LATENCY LATEST/HISTORY/RESET/GRAPH/DOCTOR, latency-monitor-threshold) and
the per-command latency histograms (LATENCY HISTOGRAM, INFO latencystats, latency-tracking and
latency-tracking-info-percentiles). DEBUG SLEEP makes a spike of a known size. Runs against
redis-server too (CARDINAL_BIN=/usr/bin/redis-server); only DOCTOR's and GRAPH's wording differ."""
import re
import time

import pytest
import redis

from conftest import encode_command, wait_until

SERVER_ARGS = ["--enable-debug-command", "yes"]


@pytest.fixture
def mon(r):
    r.config_set("latency-monitor-threshold", 10)
    r.config_set("latency-tracking", "yes")
    r.config_set("latency-tracking-info-percentiles", "50 99 99.9")
    r.execute_command("LATENCY", "RESET")
    r.config_resetstat()
    yield r
    r.config_set("latency-monitor-threshold", 0)


def latest(r):
    return {e[0]: e[1:] for e in r.execute_command("LATENCY", "LATEST")}


def histogram(r, *commands):
    """LATENCY HISTOGRAM as {command: (calls, {usec_edge: cumulative})} (RESP2 flat arrays)."""
    raw = r.execute_command("LATENCY", "HISTOGRAM", *commands)
    out = {}
    for i in range(0, len(raw), 2):
        fields = dict(zip(raw[i + 1][::2], raw[i + 1][1::2]))
        edges = fields[b"histogram_usec"]
        out[raw[i].decode()] = (fields[b"calls"], dict(zip(edges[::2], edges[1::2])))
    return out


def test_spike_recorded_with_time_latest_and_max(mon):
    before = int(time.time())
    mon.execute_command("DEBUG", "SLEEP", "0.06")
    mon.execute_command("DEBUG", "SLEEP", "0.02")
    ev = latest(mon)
    assert list(ev) == [b"command"]
    when, last_ms, max_ms = ev[b"command"]
    assert before <= when <= int(time.time())
    assert 60 <= max_ms < 1000
    # Both sleeps usually fall in one second (one sample keeping its worst) but may straddle two.
    history = mon.execute_command("LATENCY", "HISTORY", "command")
    assert 1 <= len(history) <= 2
    assert history[-1][0] == when and history[-1][1] == last_ms
    assert max(h[1] for h in history) == max_ms
    assert all(h[1] >= 10 for h in history)


def test_below_threshold_and_disabled_monitor_record_nothing(mon):
    mon.execute_command("DEBUG", "SLEEP", "0.002")
    assert latest(mon) == {}
    mon.config_set("latency-monitor-threshold", 0)
    mon.execute_command("DEBUG", "SLEEP", "0.03")
    assert latest(mon) == {}
    assert mon.execute_command("LATENCY", "HISTORY", "command") == []


def test_reset_counts_events(mon):
    mon.execute_command("DEBUG", "SLEEP", "0.02")
    assert mon.execute_command("LATENCY", "RESET", "nope", "command", "command") == 1
    assert latest(mon) == {}
    mon.execute_command("DEBUG", "SLEEP", "0.02")
    assert mon.execute_command("LATENCY", "RESET") == 1
    assert mon.execute_command("LATENCY", "RESET") == 0


def test_graph_and_doctor(mon):
    with pytest.raises(redis.ResponseError, match="^No samples available for event 'command'$"):
        mon.execute_command("LATENCY", "GRAPH", "command")
    mon.execute_command("DEBUG", "SLEEP", "0.03")
    graph = mon.execute_command("LATENCY", "GRAPH", "command")
    assert graph.startswith(b"command - high ") and b"all time high" in graph
    doctor = mon.execute_command("LATENCY", "DOCTOR")
    assert b"command" in doctor and len(doctor) > 50


def test_histogram_counts_calls_in_power_of_two_edges(mon):
    for _ in range(5):
        mon.set("k", "v")
    mon.get("k")
    mon.execute_command("DEBUG", "SLEEP", "0.005")
    got = histogram(mon, "set", "get", "debug", "nosuch")
    assert set(got) == {"set", "get", "debug"}
    assert got["set"][0] == 5 and got["get"][0] == 1
    for calls, edges in got.values():
        keys = list(edges)
        counts = list(edges.values())
        assert counts == sorted(counts) and counts[-1] == calls  # cumulative up to every call
        assert keys == sorted(keys)
        # Redis's edges: 2^k ns plus one bucket of 2^(k-7) ns, less 1, in whole microseconds.
        allowed = {((1 << k) + (1 << (k - 7)) - 1) // 1000 for k in range(10, 30)}
        assert set(keys) <= allowed
    # the 5 ms sleep lands in one edge of at least 8.4 ms (2^23 ns; later if the host is slow)
    assert len(got["debug"][1]) == 1 and list(got["debug"][1])[0] >= 8454


def test_histogram_of_containers_and_subcommands(mon):
    mon.config_get("maxmemory")
    got = histogram(mon, "config")
    # the fixture's CONFIG SETs came before its RESETSTAT, which is timed after it ran
    assert set(got) == {"config|get", "config|resetstat"}
    assert set(histogram(mon, "config|get")) == {"config|get"}
    assert histogram(mon, "config|nosuch", "nosuch|x") == {}
    # every timed command, including this session's CONFIG SETs after the reset
    assert {"config|get", "latency|histogram"} <= set(histogram(mon))


def test_info_latencystats_and_percentile_config(mon, raw_conn):
    c = raw_conn()
    info = lambda *section: c.call("INFO", *section).decode()
    mon.set("k", "v")
    line = info("latencystats")
    m = re.search(r"latency_percentiles_usec_set:p50=(\d+\.\d{3}),p99=(\d+\.\d{3}),p99\.9=(\d+\.\d{3})", line)
    assert m and float(m.group(1)) <= float(m.group(2)) <= float(m.group(3))
    assert "# Latencystats" not in info()
    assert "latency_percentiles_usec_set" in info("everything")
    mon.config_set("latency-tracking-info-percentiles", "99.99999 0.1234567 1e-7 0x10")
    assert mon.config_get("latency-tracking-info-percentiles") == {
        "latency-tracking-info-percentiles": "99.99999 0.123457 0 16"}
    line = info("latencystats")
    assert re.search(r"latency_percentiles_usec_set:p99\.99999=[\d.]+,p0\.123457=[\d.]+,p0=[\d.]+,p16=", line)
    for bad, why in [("50  99", "Invalid"), ("101", "should sit between"), ("-1", "should sit between"),
                     ("abc", "Invalid"), (" 50", "Invalid")]:
        with pytest.raises(redis.ResponseError, match=why):
            mon.config_set("latency-tracking-info-percentiles", bad)
    mon.config_set("latency-tracking-info-percentiles", "")
    assert re.search(r"latency_percentiles_usec_set:\r\n", info("latencystats"))


def test_tracking_off_and_resetstat(mon):
    mon.set("k", "v")
    assert "set" in histogram(mon, "set")
    mon.config_resetstat()
    assert histogram(mon, "set") == {}
    mon.config_set("latency-tracking", "no")
    mon.set("k", "v")
    assert histogram(mon, "set") == {}
    mon.config_set("latency-tracking", "yes")
    mon.set("k", "v")
    assert histogram(mon, "set")["set"][0] == 1


def test_blocked_command_timed_when_served_not_when_timed_out(mon, raw_conn):
    c = raw_conn()
    assert c.call("BLPOP", "nothing", "0.05") == b"*-1\r\n"
    assert histogram(mon, "blpop") == {}
    assert latest(mon) == {}  # waiting is not latency
    c.send(encode_command("BLPOP", "q", "0"))
    assert wait_until(lambda: mon.info("clients")["blocked_clients"] == 1, timeout=5)
    mon.rpush("q", "v")
    c.read_reply()
    assert histogram(mon, "blpop")["blpop"][0] == 1
    # commandstats counts both calls when they were made, as Redis does
    assert mon.info("commandstats")["cmdstat_blpop"]["calls"] == 2


def test_errors(mon):
    with pytest.raises(redis.ResponseError, match="wrong number of arguments for 'latency\\|history'"):
        mon.execute_command("LATENCY", "HISTORY")
    with pytest.raises(redis.ResponseError, match="unknown subcommand 'NOPE'. Try LATENCY HELP."):
        mon.execute_command("LATENCY", "NOPE")
    with pytest.raises(redis.ResponseError, match="argument must be between 0 and"):
        mon.config_set("latency-monitor-threshold", -1)
    with pytest.raises(redis.ResponseError, match="argument must be 'yes' or 'no'"):
        mon.config_set("latency-tracking", "maybe")
    assert mon.execute_command("LATENCY", "HELP")[0].startswith(b"LATENCY <subcommand>")


def test_aof_write_and_fsync_are_sampled(start_server, tmp_path):
    """Writing the AOF is an event of its own, as in Redis: a 64 MB value takes well over 1 ms
    to write and fsync with appendfsync always."""
    srv = start_server(["--appendonly", "yes", "--appendfsync", "always", "--dir", str(tmp_path)])
    r = redis.Redis(port=srv.port)
    r.config_set("latency-monitor-threshold", 1)
    r.set("big", b"x" * (64 << 20))
    events = latest(r)
    assert {b"aof-write", b"aof-fsync-always"} & set(events), events
    r.config_set("appendonly", "no")
    r.close()
