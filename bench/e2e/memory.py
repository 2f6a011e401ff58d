"""Bytes per element, cardinal vs Debian's redis-server, for the loads the issues name:
1M string keys, one 1M-member set, one 1M-field hash (16-byte keys/members/fields); and, since
real datasets are mostly many small objects, 1M keys each holding a small hash (5 fields of
8 bytes with 8-byte values: "hash5") or a small set (5 members of 8 bytes: "set5"), reported
per key. Each load
goes into a fresh server of each kind through `redis-cli --pipe`; reported: the growth of INFO
used_memory and of RSS, divided by the element count. Only processes it started are stopped.

    /usr/bin/python3 bench/e2e/memory.py --cardinal build/release/cardinal-server [--n 1000000]
"""
import argparse
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "support"))
from servers import REDIS_BIN, Server  # noqa: E402


def resp(*args):
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


def write_load(kind, n, path):
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
            elif kind == "hash5":
                f.write(b"".join(resp(b"HSET", k, *[b"field:%02d" % j if j % 2 == 0 else
                                                    b"value:%02d" % j for j in range(10)])
                                 for k in names))
            elif kind == "set5":
                f.write(b"".join(resp(b"SADD", k, *[b"member%02d" % j for j in range(5)])
                                 for k in names))


def memory(port):
    out = subprocess.run(["redis-cli", "-p", str(port), "INFO", "memory"], capture_output=True,
                         text=True, check=True).stdout
    fields = dict(line.split(":", 1) for line in out.splitlines() if ":" in line)
    return int(fields["used_memory"]), int(fields["used_memory_rss"])


def measure(binary, load_path, n):
    with Server(binary) as srv:
        used0, rss0 = memory(srv.port)
        with open(load_path, "rb") as f:
            subprocess.run(["redis-cli", "-p", str(srv.port), "--pipe"], stdin=f, check=True,
                           capture_output=True, timeout=600)
        used1, rss1 = memory(srv.port)
        return (used1 - used0) / n, (rss1 - rss0) / n


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--cardinal", required=True)
    p.add_argument("--reference", default=REDIS_BIN)
    p.add_argument("--n", type=int, default=1_000_000)
    p.add_argument("--loads", default="strings,set,hash,hash5,set5")
    opts = p.parse_args()
    print("| load | cardinal used/elem | redis used/elem | ratio | cardinal RSS/elem | redis RSS/elem | ratio |")
    print("|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for kind in opts.loads.split(","):
            path = os.path.join(tmp, kind + ".resp")
            write_load(kind, opts.n, path)
            cu, cr = measure(os.path.abspath(opts.cardinal), path, opts.n)
            ru, rr = measure(opts.reference, path, opts.n)
            print(f"| {kind} | {cu:.1f} | {ru:.1f} | {cu / ru:.2f} | {cr:.1f} | {rr:.1f} | {cr / rr:.2f} |")


if __name__ == "__main__":
    main()
