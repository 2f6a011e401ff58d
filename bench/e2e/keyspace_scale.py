"""The keyspace at 10M keys, side by side with Debian's redis-server:

1. Growth latency: 8M SETs stream in through `redis-cli --pipe` while a probe client sends a
   GET every millisecond on its own connection; the probe's round trips (p50, p99, p99.9, max)
   show whether any resize of the keyspace (the last one: 4.2M -> 8.4M buckets) stalled it.
2. SCAN guarantee under a resize: a full SCAN (COUNT 1000) runs while a second loader adds
   2.5M more keys; the keyspace passes 8,388,608 keys early in that load, so the table doubles
   to 16.7M buckets and rehashes while the scan is under way. Every one of the original 8M
   keys, present for the whole scan, must be returned at least once. The keyspace ends at
   10.5M keys.

Only processes it started are stopped. Needs ~3 GB of RAM for both servers and takes a few
minutes on 2 cores.

    /usr/bin/python3 bench/e2e/keyspace_scale.py --cardinal build/release/cardinal-server
"""
import argparse
import os
import subprocess
import threading
import time

from harness import REDIS_BIN, BenchServer, Conn, percentile, table_header

KEY = b"key:%012d"


def pipe_sets(port, start, stop):
    """Streams SET key:i v for i in [start, stop) into redis-cli --pipe; returns when acked."""
    proc = subprocess.Popen(["redis-cli", "-p", str(port), "--pipe"], stdin=subprocess.PIPE,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    batch = 10000
    for first in range(start, stop, batch):
        chunk = b"".join(b"*3\r\n$3\r\nSET\r\n$16\r\n" + (KEY % i) + b"\r\n$1\r\nv\r\n"
                         for i in range(first, min(stop, first + batch)))
        proc.stdin.write(chunk)
    proc.stdin.close()
    if proc.wait() != 0:
        raise RuntimeError("redis-cli --pipe failed")


def growth_latency(port, n):
    probe = Conn(port)
    probe.call("SET", "probe", "1")
    rtts = []
    loader = threading.Thread(target=pipe_sets, args=(port, 0, n))
    t0 = time.monotonic()
    loader.start()
    while loader.is_alive():
        start = time.perf_counter()
        probe.call("GET", "probe")
        rtts.append((time.perf_counter() - start) * 1e3)
        time.sleep(0.001)
    loader.join()
    elapsed = time.monotonic() - t0
    rtts.sort()
    return elapsed, len(rtts), [percentile(rtts, p) for p in (0.5, 0.99, 0.999)] + [rtts[-1]]


def scan_during_growth(port, n, extra):
    seen = bytearray(n)  # one flag per original key
    scanner = Conn(port)
    loader = threading.Thread(target=pipe_sets, args=(port, n, n + extra))
    loader.start()
    cursor, calls = b"0", 0
    while True:
        cursor, keys = scanner.call("SCAN", cursor, "COUNT", 1000)
        calls += 1
        for k in keys:
            if not k.startswith(b"key:"):
                continue  # the probe's key
            i = int(k[4:])
            if i < n:
                seen[i] = 1
        if cursor == b"0":
            break
    still_loading = loader.is_alive()
    loader.join()
    missing = n - sum(seen)
    return calls, missing, still_loading, scanner.call("DBSIZE")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--cardinal", required=True)
    p.add_argument("--reference", default=REDIS_BIN)
    p.add_argument("--n", type=int, default=8_000_000)
    p.add_argument("--extra", type=int, default=2_500_000)
    opts = p.parse_args()
    print(f"N = {opts.n} keys of 16 bytes (value 'v'); SCAN phase adds {opts.extra} more")
    table_header(["server", "load s", "probes", "p50 ms", "p99 ms", "p99.9 ms", "max ms", "SCAN calls",
                  "missed keys", "loader still running at scan end", "final DBSIZE"])
    for name, binary in (("cardinal", os.path.abspath(opts.cardinal)), ("redis", opts.reference)):
        with BenchServer(binary) as srv:
            elapsed, probes, lat = growth_latency(srv.port, opts.n)
            calls, missing, overlapped, dbsize = scan_during_growth(srv.port, opts.n, opts.extra)
            print(f"| {name} | {elapsed:.1f} | {probes} | {lat[0]:.3f} | {lat[1]:.3f} | "
                  f"{lat[2]:.3f} | {lat[3]:.3f} | {calls} | {missing} | {overlapped} | {dbsize} |",
                  flush=True)


if __name__ == "__main__":
    main()
