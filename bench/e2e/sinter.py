"""SINTER side by side: a 2-member set against a 1M-member set in both argument orders, and two
100k-member sets overlapping by 10%. Sets are loaded with `redis-cli --pipe`; each query runs
through redis-benchmark (one client, fixed count); reported: median microseconds per call.

    /usr/bin/python3 bench/e2e/sinter.py --cardinal build/release/cardinal-server
"""
import argparse
import os
import tempfile

from harness import REDIS_BIN, BenchServer, pipe_load, redis_benchmark, resp, table_header


def us_per_call(port, args, n):
    return 1e6 / redis_benchmark(port, ["-c", "1", "-n", str(n)] + args, timeout=600)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--cardinal", required=True)
    p.add_argument("--reference", default=REDIS_BIN)
    opts = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "sets.resp")
        with open(path, "wb") as f:
            f.write(resp(b"SADD", b"small", b"m:%016d" % 7, b"m:%016d" % 999_999))
            for start in range(0, 1_000_000, 1000):
                f.write(resp(b"SADD", b"big", *[b"m:%016d" % i for i in range(start, start + 1000)]))
            for start in range(0, 100_000, 1000):
                f.write(resp(b"SADD", b"a", *[b"m:%016d" % i for i in range(start, start + 1000)]))
                f.write(resp(b"SADD", b"b", *[b"m:%016d" % (i + 90_000) for i in range(start, start + 1000)]))
        queries = [("2 ∩ 1M", ["SINTER", "small", "big"], 20000),
                   ("1M ∩ 2", ["SINTER", "big", "small"], 20000),
                   ("100k ∩ 100k (10%)", ["SINTER", "a", "b"], 50)]
        results = {}
        for name, binary in (("cardinal", os.path.abspath(opts.cardinal)), ("redis", opts.reference)):
            with BenchServer(binary) as srv:
                pipe_load(srv.port, path)
                results[name] = [us_per_call(srv.port, q, n) for _, q, n in queries]
    table_header(["query", "cardinal us/call", "redis us/call", "speed-up"])
    for i, (name, _, _) in enumerate(queries):
        c, r = results["cardinal"][i], results["redis"][i]
        print(f"| {name} | {c:.1f} | {r:.1f} | {r / c:.2f}x |")


if __name__ == "__main__":
    main()
