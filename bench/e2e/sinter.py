"""SINTER side by side: a 2-member set against a 1M-member set in both argument orders, and two
100k-member sets overlapping by 10%. Sets are loaded with `redis-cli --pipe`; each query runs
through redis-benchmark (one client, fixed count); reported: median microseconds per call.

    /usr/bin/python3 bench/e2e/sinter.py --cardinal build/release/cardinal-server
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "support"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from memory import resp  # noqa: E402
from servers import REDIS_BIN, Server  # noqa: E402


def load(port, path):
    with open(path, "rb") as f:
        subprocess.run(["redis-cli", "-p", str(port), "--pipe"], stdin=f, check=True,
                       capture_output=True, timeout=600)


def us_per_call(port, args, n):
    out = subprocess.run(["redis-benchmark", "-p", str(port), "-c", "1", "-n", str(n), "-q"] + args,
                         capture_output=True, text=True, timeout=600).stdout.replace("\r", "\n")
    rates = re.findall(r"([\d.]+) requests per second", out)
    return 1e6 / float(rates[-1])


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
            with Server(binary) as srv:
                load(srv.port, path)
                results[name] = [us_per_call(srv.port, q, n) for _, q, n in queries]
    print("| query | cardinal us/call | redis us/call | speed-up |")
    print("|---|---|---|---|")
    for i, (name, _, _) in enumerate(queries):
        c, r = results["cardinal"][i], results["redis"][i]
        print(f"| {name} | {c:.1f} | {r:.1f} | {r / c:.2f}x |")


if __name__ == "__main__":
    main()
