"""Bytes per element, cardinal vs Debian's redis-server, for the loads the issues name:
1M string keys, one 1M-member set, one 1M-field hash (16-byte keys/members/fields), one
1M-member sorted set ("zset": 16-byte members "%016d", each with a random double score in
[0, 1e6) written with 17 significant digits, 1000 members per ZADD); and, since
real datasets are mostly many small objects, 1M keys each holding a small hash (5 fields of
8 bytes with 8-byte values: "hash5") or a small set (5 members of 8 bytes: "set5"), reported
per key. Each load goes into a fresh server of each kind through `redis-cli --pipe`; reported:
the growth of INFO used_memory and of RSS, divided by the element count. A load a server
rejects (an unknown command) prints n/a. Only processes it started are stopped.

    /usr/bin/python3 bench/e2e/memory.py --cardinal build/release/cardinal-server [--n 1000000]
    /usr/bin/python3 bench/e2e/memory.py --cardinal build/release/cardinal-server --loads zset
"""
import argparse
import os
import random
import subprocess
import tempfile
import time

from harness import REDIS_BIN, BenchServer, memory, pipe_load, resp, table_header  # noqa: F401 (resp: sinter.py)


def write_load(kind, n, path):
    scores = random.Random(7)  # the same scores for both servers and every run
    with open(path, "wb") as f:
        batch = 1000
        for start in range(0, n, batch):
            names = [b"%016d" % i for i in range(start, min(n, start + batch))]
            if kind == "strings":
                f.write(b"".join(resp(b"SET", k, b"v") for k in names))
            elif kind == "set":
                f.write(resp(b"SADD", b"bigset", *names))
            elif kind == "hash":
                args = []
                for k in names:
                    args += [k, b"v"]
                f.write(resp(b"HSET", b"bighash", *args))
            elif kind == "zset":
                args = []
                for k in names:
                    args += [b"%.17g" % (scores.random() * 1e6), k]
                f.write(resp(b"ZADD", b"bigzset", *args))
            elif kind == "hash5":
                f.write(b"".join(resp(b"HSET", k, *[b"field:%02d" % j if j % 2 == 0 else
                                                    b"value:%02d" % j for j in range(10)])
                                 for k in names))
            elif kind == "set5":
                f.write(b"".join(resp(b"SADD", k, *[b"member%02d" % j for j in range(5)])
                                 for k in names))


def measure(binary, load_path, n):
    """Bytes per element (used_memory, RSS), or None if the server rejected the load."""
    with BenchServer(binary) as srv:
        # Redis refreshes used_memory_rss in its 10 Hz cron: let it catch up before each read.
        time.sleep(0.3)
        used0, rss0 = memory(srv.port)
        try:
            pipe_load(srv.port, load_path)
        except subprocess.CalledProcessError:
            return None
        time.sleep(0.3)
        used1, rss1 = memory(srv.port)
        return (used1 - used0) / n, (rss1 - rss0) / n


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--cardinal", required=True)
    p.add_argument("--reference", default=REDIS_BIN)
    p.add_argument("--n", type=int, default=1_000_000)
    p.add_argument("--loads", default="strings,set,hash,hash5,set5")
    opts = p.parse_args()
    table_header(["load", "cardinal used/elem", "redis used/elem", "ratio", "cardinal RSS/elem",
                  "redis RSS/elem", "ratio"])
    with tempfile.TemporaryDirectory() as tmp:
        for kind in opts.loads.split(","):
            path = os.path.join(tmp, kind + ".resp")
            write_load(kind, opts.n, path)
            c = measure(os.path.abspath(opts.cardinal), path, opts.n)
            r = measure(opts.reference, path, opts.n)
            if c is None or r is None:
                print(f"| {kind} | n/a | n/a | (not supported) | | | |", flush=True)
                continue
            (cu, cr), (ru, rr) = c, r
            print(f"| {kind} | {cu:.1f} | {ru:.1f} | {cu / ru:.2f} | {cr:.1f} | {rr:.1f} | {cr / rr:.2f} |")


if __name__ == "__main__":
    main()
