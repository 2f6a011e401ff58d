"""A leaderboard side by side with Debian's redis-server: one sorted set of --size members
(default 1M) under redis-benchmark's custom commands.

Load: `ZADD board SCORE member:NNNNNNNNNNNN ...` through `redis-cli --pipe`, 1000 members per
command; members are "member:" plus the 12-digit zero-padded numbers redis-benchmark's
__rand_int__ expands to (0 .. size-1), scores random doubles in [0, 1e6) (the same seed for
both servers). Tests, each with -r SIZE so every __rand_int__ names an existing member:

    zincrby    ZINCRBY board __rand_int__ member:__rand_int__   (increments like 000000012345)
    zrevrange  ZREVRANGE board 0 9 WITHSCORES                   (the top 10)
    zrevrank   ZREVRANK board member:__rand_int__

for each pipeline depth (-P 1: --requests/4 requests, -P 16: --requests), -c 50, run against
A and B alternately (A B A B ..., --rounds 3); reported: median requests/s of each and the
ratio cardinal/redis, with the geometric mean per depth. ZCARD must still be SIZE at the end
(a ZINCRBY on a name that was not loaded would add a member): exit 1 otherwise. No mixed run:
redis-benchmark sends one command per invocation. --threads N passes redis-benchmark's
--threads (0, the default, leaves it out). Only processes it started are stopped, by PID.
Takes about 3 minutes on 2 cores.

    /usr/bin/python3 bench/e2e/leaderboard.py --cardinal build/release/cardinal-server
    /usr/bin/python3 bench/e2e/leaderboard.py --cardinal /usr/bin/redis-server   # sanity: ~1.0x
"""
import argparse
import os
import random
import subprocess
import sys
import tempfile

from harness import (REDIS_BIN, BenchServer, geomean_row, interleaved, pipe_load, ratio_row,
                     redis_benchmark, resp, table_header)

TESTS = {
    "zincrby": ["ZINCRBY", "board", "__rand_int__", "member:__rand_int__"],
    "zrevrange": ["ZREVRANGE", "board", "0", "9", "WITHSCORES"],
    "zrevrank": ["ZREVRANK", "board", "member:__rand_int__"],
}


def write_board(size, path):
    scores = random.Random(11)
    with open(path, "wb") as f:
        for start in range(0, size, 1000):
            args = []
            for i in range(start, min(size, start + 1000)):
                args += [b"%.17g" % (scores.random() * 1e6), b"member:%012d" % i]
            f.write(resp(b"ZADD", b"board", *args))


def zcard(port):
    out = subprocess.run(["redis-cli", "-p", str(port), "ZCARD", "board"], capture_output=True,
                         text=True, timeout=30).stdout.strip()
    return int(out) if out.isdigit() else None


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--cardinal", required=True)
    p.add_argument("--reference", default=REDIS_BIN)
    p.add_argument("--size", type=int, default=1_000_000)
    p.add_argument("--tests", default=",".join(TESTS))
    p.add_argument("--pipelines", default="1,16")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--requests", type=int, default=200000)
    p.add_argument("--clients", type=int, default=50)
    p.add_argument("--threads", type=int, default=0)
    opts = p.parse_args()
    tests = [t for t in opts.tests.split(",") if t]
    for t in tests:
        if t not in TESTS:
            p.error(f"unknown test {t}; known: {','.join(TESTS)}")

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "board.resp")
        write_board(opts.size, path)
        with BenchServer(os.path.abspath(opts.cardinal)) as cardinal, BenchServer(opts.reference) as redis:
            for srv in (cardinal, redis):
                try:
                    pipe_load(srv.port, path)
                except subprocess.CalledProcessError:
                    print(f"{srv.binary} rejected the ZADD load (no sorted sets?)")
                    return 2
            print(f"board: {opts.size} members; redis-benchmark -c {opts.clients} -r {opts.size}"
                  + (f" --threads {opts.threads}" if opts.threads else "")
                  + f", {opts.rounds} interleaved rounds, medians")
            table_header(["test", "-P", "cardinal rps", "redis rps", "ratio"])
            for pipeline in [int(x) for x in opts.pipelines.split(",")]:
                requests = opts.requests if pipeline > 1 else opts.requests // 4
                args = ["-c", str(opts.clients), "-n", str(requests), "-P", str(pipeline),
                        "-r", str(opts.size)] + (["--threads", str(opts.threads)] if opts.threads else [])
                ratios = []
                for test in tests:
                    a, b = interleaved(lambda: redis_benchmark(cardinal.port, args + TESTS[test]),
                                       lambda: redis_benchmark(redis.port, args + TESTS[test]),
                                       opts.rounds)
                    ratio_row([test, str(pipeline)], a, b, ratios)
                geomean_row(pipeline, ratios)
            cards = {name: zcard(srv.port) for name, srv in (("cardinal", cardinal), ("redis", redis))}
            if any(c != opts.size for c in cards.values()):
                print(f"ZCARD board after the runs: {cards}, expected {opts.size} on both", file=sys.stderr)
                return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
