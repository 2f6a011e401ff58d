"""Latency while one set grows to 5M members, side by side with Debian's redis-server.

A loader streams SADD commands (10 members each) into one set through `redis-cli --pipe` (the
load is written to a file first, so no Python thread competes with the probe for the GIL);
meanwhile a probe client on its own connection sends PING and GET alternately on a fixed
1 ms schedule, timing each round trip with time.perf_counter_ns and recording when it was sent.
Every resize of the set's table happens during the load. Reported per server: load time, probe
count, p50/p99/p99.9/max round trip, and the server's own view of its worst command during the
growth: LATENCY LATEST (events "command" and "fast-command", after CONFIG SET
latency-monitor-threshold 1 and LATENCY RESET) plus LATENCY HISTORY of both events, and the
slow log (slowlog-log-slower-than 1000 us) for microsecond resolution. A server that answers
LATENCY or SLOWLOG with an error shows "n/a" there; the probe runs either way.

The loader runs at nice 10 so that the probe, which shares its CPU, is scheduled as soon as
it wakes; the probe then measures the server rather than the queue for its own CPU. The server's
involuntary context switches during the load (/proc/PID/status) are reported too: every one is
a moment the server was runnable but the CPU ran something else (another session's work on a
shared machine), which the probe and the slow log both count as latency.

Each round starts fresh servers (A then B, rounds interleaved); only processes it started are
stopped, by PID. --pin puts servers on one CPU and the probe and loader on the others.

    /usr/bin/python3 bench/e2e/resize_latency.py --cardinal build/release/cardinal-server [--pin]
"""
import argparse
import os
import subprocess
import tempfile
import time

from harness import (REDIS_BIN, BenchServer, Conn, ReplyError, enable_pinning, median, percentile,
                     table_header)

SET_KEY = b"growing"
MEMBER = b"member:%016d"
EVENTS = ("command", "fast-command")


def write_load(path, n, per_command=10):
    """SADD growing m1..m10, ... for n members in total (the last command may carry fewer)."""
    with open(path, "wb") as f:
        chunk = []
        for start in range(0, n, per_command):
            members = [MEMBER % i for i in range(start, min(n, start + per_command))]
            parts = [b"*%d\r\n$4\r\nSADD\r\n$%d\r\n%s\r\n" % (len(members) + 2, len(SET_KEY), SET_KEY)]
            parts += [b"$%d\r\n%s\r\n" % (len(m), m) for m in members]
            chunk.append(b"".join(parts))
            if len(chunk) == 10000:
                f.write(b"".join(chunk))
                chunk = []
        f.write(b"".join(chunk))


def _try(conn, *args):
    """The reply, or None when the server answers with an error (command not implemented)."""
    try:
        return conn.call(*args)
    except ReplyError:
        return None


def _text(v):
    return v.decode() if isinstance(v, bytes) else v


def prepare_monitors(conn):
    """Turns on the latency monitor (1 ms) and the slow log (1000 us) and clears both; which of
    the two the server supports."""
    latency = _try(conn, "CONFIG", "SET", "latency-monitor-threshold", "1") is not None and \
        _try(conn, "LATENCY", "RESET") is not None
    slowlog = _try(conn, "CONFIG", "SET", "slowlog-log-slower-than", "1000") is not None and \
        _try(conn, "CONFIG", "SET", "slowlog-max-len", "1024") is not None and \
        _try(conn, "SLOWLOG", "RESET") is not None
    return latency, slowlog


def read_latency(conn):
    """{"latest": {event: (unix time, latest ms, max ms)}, "history": {event: [(time, ms)]},
    "worst_ms": max over the command events (0 when none passed the threshold)}, or None when
    LATENCY answers with an error."""
    latest = _try(conn, "LATENCY", "LATEST")
    if not isinstance(latest, list):
        return None
    events = {}
    for row in latest:
        if isinstance(row, list) and len(row) >= 4:
            events[_text(row[0])] = (int(row[1]), int(row[2]), int(row[3]))
    history = {}
    for event in EVENTS:
        rows = _try(conn, "LATENCY", "HISTORY", event)
        history[event] = [(int(r[0]), int(r[1])) for r in rows or [] if isinstance(r, list) and len(r) >= 2]
    worst = max([events[e][2] for e in EVENTS if e in events] +
                [ms for e in EVENTS for _, ms in history[e]] + [0])
    return {"latest": events, "history": history, "worst_ms": worst}


def read_slowlog(conn):
    """{"entries": count >= 1 ms, "worst_us": longest, "worst_cmd": its first arguments}, or None."""
    rows = _try(conn, "SLOWLOG", "GET", "1024")
    if not isinstance(rows, list):
        return None
    worst, worst_cmd = 0, ""
    for r in rows:
        if isinstance(r, list) and len(r) >= 4 and int(r[2]) > worst:
            worst = int(r[2])
            worst_cmd = " ".join(_text(a) for a in (r[3] or [])[:3])
    return {"entries": len(rows), "worst_us": worst, "worst_cmd": worst_cmd}


def involuntary_switches(pid):
    """nonvoluntary_ctxt_switches of the process's main thread (the one running commands), or None."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("nonvoluntary_ctxt_switches:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def grow(port, load_path, n, period_ms=1.0, timeout=900, pid=None):
    """Runs the load once against a fresh server and probes it; a result dict (see module doc).
    samples: (ms since the load started, round trip ms) for every probe."""
    conn = Conn(port)
    conn.call("SET", "probe", "x" * 16)
    latency_on, slowlog_on = prepare_monitors(conn)
    period = int(period_ms * 1e6)
    samples = []
    switches0 = involuntary_switches(pid) if pid else None
    with open(load_path, "rb") as f:
        t0 = time.perf_counter_ns()
        loader = subprocess.Popen(["nice", "-n", "10", "redis-cli", "-p", str(port), "--pipe"], stdin=f,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        due = t0
        late = 0  # the probe's own worst delay past its schedule (its CPU was busy elsewhere)
        ping = True
        while loader.poll() is None:
            now = time.perf_counter_ns()
            if now - t0 > timeout * 1e9:
                raise RuntimeError(f"the load did not finish within {timeout} s")
            if due > now:
                time.sleep((due - now) / 1e9)
            start = time.perf_counter_ns()
            late = max(late, start - due)
            if ping:
                conn.call("PING")
            else:
                conn.call("GET", "probe")
            end = time.perf_counter_ns()
            ping = not ping
            samples.append(((start - t0) / 1e6, (end - start) / 1e6))
            # A fixed schedule; after a stall the probe resumes at once instead of bursting.
            due = max(due + period, end)
        load_ms = (time.perf_counter_ns() - t0) / 1e6
        switches1 = involuntary_switches(pid) if pid else None
    finally:
        if loader.poll() is None:
            loader.kill()
        out = loader.communicate()[0].decode(errors="replace")
    if loader.returncode != 0:
        raise RuntimeError(f"redis-cli --pipe failed: {out.strip()}")
    card = conn.call("SCARD", SET_KEY)
    if card != n:
        raise RuntimeError(f"SCARD {SET_KEY.decode()} is {card}, expected {n}")
    rtts = sorted(s[1] for s in samples)
    result = {
        "load_s": load_ms / 1e3, "probes": len(rtts),
        "p50": percentile(rtts, 0.5), "p99": percentile(rtts, 0.99),
        "p999": percentile(rtts, 0.999), "max": rtts[-1] if rtts else float("nan"),
        "latency": read_latency(conn) if latency_on else None,
        "slowlog": read_slowlog(conn) if slowlog_on else None,
        "probe_late_ms": late / 1e6,
        "preempted": None if None in (switches0, switches1) else switches1 - switches0,
        "samples": samples,
    }
    conn.close()
    return result


def measure(cardinal, reference, n, rounds, period_ms=1.0, per_command=10, tmpdir=None):
    """Interleaved rounds (fresh servers each time); {"cardinal": [result...], "redis": [...]}."""
    with tempfile.TemporaryDirectory(dir=tmpdir) as tmp:
        path = os.path.join(tmp, "grow.resp")
        write_load(path, n, per_command)
        runs = {"cardinal": [], "redis": []}
        for _ in range(rounds):
            for name, binary in (("cardinal", cardinal), ("redis", reference)):
                with BenchServer(binary) as srv:
                    runs[name].append(grow(srv.port, path, n, period_ms, pid=srv.proc.pid))
        return runs


def summary(results):
    """Medians across rounds of the numeric fields; the worst-command readings as their max."""
    s = {k: median([r[k] for r in results]) for k in ("load_s", "probes", "p50", "p99", "p999", "max",
                                                                "probe_late_ms")}
    lat = [r["latency"] for r in results]
    s["worst_ms"] = None if None in lat else max(x["worst_ms"] for x in lat)
    slow = [r["slowlog"] for r in results]
    s["slow_us"] = None if None in slow else max(x["worst_us"] for x in slow)
    s["slow_entries"] = None if None in slow else max(x["entries"] for x in slow)
    pre = [r.get("preempted") for r in results]
    s["preempted"] = None if None in pre else median(pre)
    return s


def fmt_opt(v, spec):
    return "n/a" if v is None else format(v, spec)


def print_table(runs, n):
    print(f"Set grows to {n:,} members (SADD, 10 members per command, redis-cli --pipe); "
          "probe: PING/GET alternately every 1 ms")
    table_header(["server", "load s", "probes", "p50 ms", "p99 ms", "p99.9 ms", "max ms",
                  "LATENCY worst ms", "slow log worst us (entries >= 1 ms)", "server preempted",
                  "probe late ms"])
    for name in ("cardinal", "redis"):
        s = summary(runs[name])
        slow = "n/a" if s["slow_us"] is None else f"{s['slow_us']} ({s['slow_entries']})"
        print(f"| {name} | {s['load_s']:.1f} | {s['probes']:.0f} | {s['p50']:.3f} | {s['p99']:.3f} | "
              f"{s['p999']:.3f} | {s['max']:.3f} | {fmt_opt(s['worst_ms'], 'd')} | {slow} | "
              f"{fmt_opt(s['preempted'], '.0f')} | {s['probe_late_ms']:.1f} |", flush=True)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--cardinal", required=True)
    p.add_argument("--reference", default=REDIS_BIN)
    p.add_argument("--n", type=int, default=5_000_000)
    p.add_argument("--rounds", type=int, default=1)
    p.add_argument("--period-ms", type=float, default=1.0)
    p.add_argument("--pin", action="store_true", help="servers on one CPU, probe and loader on the others")
    opts = p.parse_args()
    if opts.pin and enable_pinning() is None:
        print("one CPU: not pinned")
    runs = measure(os.path.abspath(opts.cardinal), opts.reference, opts.n, opts.rounds, opts.period_ms)
    print_table(runs, opts.n)
    for name in ("cardinal", "redis"):
        for i, r in enumerate(runs[name]):
            if r["latency"]:
                print(f"{name} round {i + 1} LATENCY LATEST: {r['latency']['latest']}")
            if r["slowlog"] and r["slowlog"]["entries"]:
                print(f"{name} round {i + 1} slowest: {r['slowlog']['worst_us']} us {r['slowlog']['worst_cmd']}")


if __name__ == "__main__":
    main()
