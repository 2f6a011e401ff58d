"""SINTER side by side: a 2-member set against a 1M-member set in both argument orders, and two
100k-member sets overlapping by 10%. Sets are loaded with `redis-cli --pipe` into both servers;
each query runs through redis-benchmark (one client, fixed count) against A and B alternately
(A B A B ...); reported: median microseconds per call, both as the client sees it (round trip)
and as the server counts it (INFO commandstats usec_per_call after CONFIG RESETSTAT, which
leaves out the network and the scheduler: the one-client round trip of a tiny query mostly
measures wake-ups).

    /usr/bin/python3 bench/e2e/sinter.py --cardinal build/release/cardinal-server [--rounds 3]
"""
import argparse
import os
import tempfile

from harness import (REDIS_BIN, BenchServer, Conn, ReplyError, interleaved, median, pipe_load, redis_benchmark,
                     resp, table_header)


def us_per_call(port, args, n):
    rate = redis_benchmark(port, ["-c", "1", "-n", str(n)] + args, timeout=600)
    return None if rate is None else 1e6 / rate


def server_usec_per_call(conn, command):
    """usec_per_call of `command` in INFO commandstats, or None when the server has no such line."""
    try:
        text = conn.call("INFO", "commandstats").decode()
    except ReplyError:
        return None
    for line in text.splitlines():
        if line.startswith(f"cmdstat_{command.lower()}:"):
            fields = dict(f.split("=", 1) for f in line.split(":", 1)[1].split(","))
            return float(fields["usec"]) / max(1, int(fields["calls"]))
    return None


def run_query(port, cmd, n):
    """(round-trip us per call, server us per call) of one redis-benchmark run of cmd."""
    conn = Conn(port)
    try:
        conn.call("CONFIG", "RESETSTAT")
        rt = us_per_call(port, cmd, n)
        return rt, server_usec_per_call(conn, cmd[0])
    finally:
        conn.close()


def write_sets(path, big, ab):
    """small (2 members of big), big (`big` members), a and b (`ab` members each, b shifted so
    that 10% of a's members are in b); members are 18-byte strings."""
    with open(path, "wb") as f:
        f.write(resp(b"SADD", b"small", b"m:%016d" % 7, b"m:%016d" % (big - 1)))
        for start in range(0, big, 1000):
            f.write(resp(b"SADD", b"big", *[b"m:%016d" % i for i in range(start, min(big, start + 1000))]))
        shift = ab - ab // 10
        for start in range(0, ab, 1000):
            stop = min(ab, start + 1000)
            f.write(resp(b"SADD", b"a", *[b"m:%016d" % i for i in range(start, stop)]))
            f.write(resp(b"SADD", b"b", *[b"m:%016d" % (i + shift) for i in range(start, stop)]))


def count_label(n):
    return f"{n // 1_000_000}M" if n % 1_000_000 == 0 else f"{n // 1000}k" if n % 1000 == 0 else str(n)


def queries(big, ab):
    """(label, command, calls per redis-benchmark run); calls sized for ~0.3-0.6 s per run."""
    b, a = count_label(big), count_label(ab)
    calls = max(10, 50 * 100_000 // ab)  # 100k ∩ 100k: ~10 ms per call
    return [(f"2 ∩ {b}", ["SINTER", "small", "big"], 5000),
            (f"{b} ∩ 2", ["SINTER", "big", "small"], 5000),
            (f"{a} ∩ {a} (10%)", ["SINTER", "a", "b"], calls)]


def measure(cardinal, reference, rounds=3, big=1_000_000, ab=100_000):
    """[(label, [cardinal (rt us, server us) per round], [redis ...])]: both servers loaded, then
    every query interleaved A B A B."""
    qs = queries(big, ab)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "sets.resp")
        write_sets(path, big, ab)
        with BenchServer(cardinal) as a, BenchServer(reference) as b:
            pipe_load(a.port, path)
            pipe_load(b.port, path)
            rows = []
            for label, cmd, n in qs:
                ca, cb = interleaved(lambda: run_query(a.port, cmd, n),
                                     lambda: run_query(b.port, cmd, n), rounds)
                rows.append((label, ca, cb))
            return rows


def medians(runs):
    """(median round trip, median server time or None) over (rt, server) pairs; None if a run failed."""
    if any(rt is None for rt, _ in runs):
        return None
    server = [s for _, s in runs]
    return median([rt for rt, _ in runs]), None if None in server else median(server)


def print_table(rows):
    table_header(["query", "cardinal us/call", "redis us/call", "speed-up", "cardinal server us",
                  "redis server us", "speed-up"])
    for label, ca, cb in rows:
        c, r = medians(ca), medians(cb)
        if c is None or r is None:
            print(f"| {label} | n/a | n/a | (failed) | | | |")
            continue
        server = "n/a | n/a | |" if None in (c[1], r[1]) else f"{c[1]:,.2f} | {r[1]:,.2f} | {r[1] / c[1]:.2f}x |"
        print(f"| {label} | {c[0]:,.1f} | {r[0]:,.1f} | {r[0] / c[0]:.2f}x | {server}", flush=True)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--cardinal", required=True)
    p.add_argument("--reference", default=REDIS_BIN)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--big", type=int, default=1_000_000)
    p.add_argument("--ab", type=int, default=100_000)
    opts = p.parse_args()
    print_table(measure(os.path.abspath(opts.cardinal), opts.reference, opts.rounds, opts.big, opts.ab))


if __name__ == "__main__":
    main()
