"""Side-by-side throughput of cardinal and Debian's redis-server with redis-benchmark.

Starts both servers on free loopback ports (same flags: --save '' --appendonly no), then for
each test and pipeline depth runs redis-benchmark against A and B alternately (A B A B ...),
and reports the median requests/s of each and the ratio cardinal/redis. Bounded: fixed request
counts and rounds. Only the processes it started are stopped, by PID.

    /usr/bin/python3 bench/e2e/compare.py --cardinal build/release/cardinal-server
"""
import argparse
import shlex
import os

from harness import (REDIS_BIN, BenchServer, enable_pinning, geomean_row, interleaved, ratio_row,
                     redis_benchmark, table_header)

TESTS = ["set", "get", "incr", "lpush", "rpop", "sadd", "hset", "spop", "zadd", "zpopmin",
         "lrange_100", "mset"]


def bench_once(port, test, pipeline, requests, clients, size):
    return redis_benchmark(port, ["-t", test, "-P", str(pipeline), "-n", str(requests),
                                  "-c", str(clients), "-d", str(size), "-r", "100000"], timeout=300)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--cardinal", required=True)
    p.add_argument("--reference", default=REDIS_BIN)
    p.add_argument("--tests", default="set,get,incr,sadd,hset,spop,mset")
    p.add_argument("--pipelines", default="1,16")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--requests", type=int, default=200000)
    p.add_argument("--clients", type=int, default=50)
    p.add_argument("--size", type=int, default=3)
    p.add_argument("--pin", action="store_true", help="servers on one CPU, redis-benchmark on the others")
    p.add_argument("--server-args", default="",
                   help="extra arguments for both servers, e.g. \"--appendonly yes --appendfsync always\"")
    opts = p.parse_args()
    if opts.pin and enable_pinning() is None:
        print("one CPU: not pinned")
    tests = [t for t in opts.tests.split(",") if t]
    extra = shlex.split(opts.server_args)
    with BenchServer(os.path.abspath(opts.cardinal), extra) as cardinal, \
            BenchServer(opts.reference, extra) as redis:
        table_header(["test", "-P", "cardinal rps", "redis rps", "ratio"])
        for pipeline in [int(x) for x in opts.pipelines.split(",")]:
            requests = opts.requests if pipeline > 1 else opts.requests // 4
            ratios = []
            for test in tests:
                a, b = interleaved(
                    lambda: bench_once(cardinal.port, test, pipeline, requests, opts.clients, opts.size),
                    lambda: bench_once(redis.port, test, pipeline, requests, opts.clients, opts.size),
                    opts.rounds)
                ratio_row([test, str(pipeline)], a, b, ratios)
            geomean_row(pipeline, ratios)


if __name__ == "__main__":
    main()
