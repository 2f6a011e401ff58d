"""Persistence side by side: cardinal and Debian's redis-server on the same data set.

Both servers get the same keys (N small strings plus hashes, lists, sets and sorted sets of
moderate size and a few large ones), loaded with `redis-cli --pipe`. Then, rounds interleaved
(cardinal, redis, cardinal, ...):
  - BGSAVE wall time (BGSAVE sent, then INFO persistence polled every 10 ms until
    rdb_bgsave_in_progress is 0), dump size, rdb_last_cow_size;
  - BGREWRITEAOF wall time (aof_rewrite_in_progress polled likewise), base file size,
    aof_last_cow_size; once with the RDB preamble (the default) and once without;
  - restart time from each file (process start to the first PING answered with PONG, not
    -LOADING), used_memory and RSS after the load; the dump written by the OTHER server too;
    after every load the key count and a sample of values are checked against the data set.
Then a copy-on-write experiment: a BGSAVE slowed down by rdb-key-save-delay while 10% of the
string keys are overwritten; rdb_last_cow_size of each server.

    /usr/bin/python3 bench/e2e/persistence.py --cardinal build/release/cardinal-server

Every server runs in its own temporary directory (removed afterwards) and is stopped by PID.
"""
import argparse
import os
import random
import shutil
import subprocess
import tempfile
import time

from harness import REDIS_BIN, BenchServer, Conn, ReplyError, median, pipe_load, resp

MB = 1024 * 1024


# ------------------------------------------------------------------------------- the data set

class DataSet:
    """The keys both servers hold; knows how to write them as RESP and how to check a server."""

    def __init__(self, strings, collections, collection_size, big, big_size):
        self.strings = strings
        self.collections = collections  # of each type
        self.size = collection_size
        self.big = big  # of each type
        self.big_size = big_size

    def string_value(self, i):
        return b"value-%010d" % ((i * 7919) % 10_000_000_000)

    def coll_keys(self, kind):
        """[(key, element count)] of one type: the moderate ones, then the big ones."""
        out = [(b"%s:%06d" % (kind, i), self.size) for i in range(self.collections)]
        out += [(b"big%s:%03d" % (kind, i), self.big_size) for i in range(self.big)]
        return out

    def total_keys(self):
        return self.strings + 4 * (self.collections + self.big)

    def write_resp(self, path):
        with open(path, "wb") as f:
            for i in range(self.strings):
                f.write(resp(b"SET", b"s:%09d" % i, self.string_value(i)))
            for kind, cmd in ((b"h", b"HSET"), (b"l", b"RPUSH"), (b"set", b"SADD"), (b"z", b"ZADD")):
                for key, n in self.coll_keys(kind):
                    for lo in range(0, n, 500):  # commands of at most 500 elements
                        args = []
                        for j in range(lo, min(n, lo + 500)):
                            if kind == b"h":
                                args += [b"field%d" % j, b"v%d" % (j * 31)]
                            elif kind == b"z":
                                args += [b"%d.5" % j, b"member%d" % j]
                            else:
                                args.append(b"elem%d" % j)
                        f.write(resp(cmd, key, *args))

    def overwrite_resp(self, path, fraction, pattern, seed=11):
        """SETs of a new value of the same length on `fraction` of the string keys: a random
        sample, or the first ones loaded (pattern "first")."""
        count = int(self.strings * fraction)
        if pattern == "first":
            picked = range(count)
        else:
            picked = random.Random(seed).sample(range(self.strings), count)
        with open(path, "wb") as f:
            for i in picked:
                f.write(resp(b"SET", b"s:%09d" % i, b"VALUE-%010d" % i))
        return len(picked)

    def verify(self, port, what, overwritten=False):
        """Raises unless the server holds the data set: DBSIZE and a sample of every type."""
        c = Conn(port)
        try:
            n = c.call("DBSIZE")
            if n != self.total_keys():
                raise AssertionError(f"{what}: DBSIZE {n}, expected {self.total_keys()}")
            rng = random.Random(7)
            for i in rng.sample(range(self.strings), min(500, self.strings)):
                got = c.call("GET", b"s:%09d" % i)
                if got != self.string_value(i) and not (overwritten and got == b"VALUE-%010d" % i):
                    raise AssertionError(f"{what}: GET s:{i:09d} = {got!r}")
            for kind, card in ((b"h", "HLEN"), (b"l", "LLEN"), (b"set", "SCARD"), (b"z", "ZCARD")):
                keys = self.coll_keys(kind)
                for key, size in rng.sample(keys, min(20, len(keys))) + keys[-1:]:
                    if c.call(card, key) != size:
                        raise AssertionError(f"{what}: {card} {key!r} != {size}")
                    j = rng.randrange(size)
                    checks = {b"h": (("HGET", key, b"field%d" % j), b"v%d" % (j * 31)),
                              b"l": (("LINDEX", key, j), b"elem%d" % j),
                              b"set": (("SISMEMBER", key, b"elem%d" % j), 1),
                              b"z": (("ZSCORE", key, b"member%d" % j), b"%d.5" % j)}
                    args, want = checks[kind]
                    if c.call(*args) != want:
                        raise AssertionError(f"{what}: {args!r} != {want!r}")
        finally:
            c.close()


# --------------------------------------------------------------------------- server helpers

def parse_info(text):
    return dict(line.split(":", 1) for line in text.decode().splitlines() if ":" in line)


def info_of(c, section):
    return parse_info(c.call("INFO", section))


def timed_start(srv, timeout=600.0):
    """Starts srv (a BenchServer not yet started) and returns the seconds from the process start
    to the first PING answered with PONG; -LOADING replies and refused connections are polled
    every 2 ms."""
    srv.log = open(srv.log_path, "wb")
    t0 = time.monotonic()
    srv.proc = subprocess.Popen(srv.args, stdout=srv.log, stderr=subprocess.STDOUT, cwd=srv.workdir)
    deadline = t0 + timeout
    c = None
    try:
        while time.monotonic() < deadline:
            if srv.proc.poll() is not None:
                raise RuntimeError(f"{srv.binary} exited with {srv.proc.returncode}:\n{srv.read_log()}")
            try:
                if c is None:
                    c = Conn(srv.port)
                if c.call("PING") == b"PONG":
                    return time.monotonic() - t0
            except ReplyError as e:
                if not str(e).startswith("LOADING"):
                    raise
            except OSError:
                if c is not None:
                    c.close()
                c = None
            time.sleep(0.002)
    finally:
        if c is not None:
            c.close()
    srv.stop()
    raise RuntimeError(f"{srv.binary} not ready within {timeout} s")


def wait_done(c, flags, poll=0.01, timeout=900.0):
    """Polls INFO persistence every `poll` s until every field in flags reads 0; the last INFO."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        fields = info_of(c, "persistence")
        if all(fields.get(f, "0") == "0" for f in flags):
            return fields
        time.sleep(poll)
    raise RuntimeError(f"{flags} still set after {timeout} s")


def bgsave(srv):
    """(wall s, s until the file's last write, dump bytes, rdb_last_cow_size). The wall time
    ends when INFO says the save is over, which includes how soon the parent notices the child's
    exit (Redis: its serverCron, 10 times a second); the file's mtime is the child's last write."""
    c = Conn(srv.port)
    path = os.path.join(srv.workdir, "dump.rdb")
    try:
        wall0, t0 = time.time(), time.monotonic()
        c.call("BGSAVE")
        fields = wait_done(c, ["rdb_bgsave_in_progress"])
        took = time.monotonic() - t0
        if fields["rdb_last_bgsave_status"] != "ok":
            raise RuntimeError(f"{srv.binary}: BGSAVE failed:\n{srv.read_log()[-2000:]}")
        st = os.stat(path)
        return took, st.st_mtime - wall0, st.st_size, int(fields["rdb_last_cow_size"])
    finally:
        c.close()


def aof_base(workdir):
    d = os.path.join(workdir, "appendonlydir")
    bases = [f for f in os.listdir(d) if ".base." in f]
    if len(bases) != 1:
        raise RuntimeError(f"expected one base file in {d}: {os.listdir(d)}")
    return os.path.join(d, bases[0])


def bgrewriteaof(srv, preamble):
    """(wall s, s until the base's last write, base bytes, aof_last_cow_size) of one
    BGREWRITEAOF (appendonly stays off)."""
    c = Conn(srv.port)
    try:
        c.call("CONFIG", "SET", "aof-use-rdb-preamble", "yes" if preamble else "no")
        wall0, t0 = time.time(), time.monotonic()
        c.call("BGREWRITEAOF")
        fields = wait_done(c, ["aof_rewrite_in_progress", "aof_rewrite_scheduled"])
        took = time.monotonic() - t0
        if fields["aof_last_bgrewrite_status"] != "ok":
            raise RuntimeError(f"{srv.binary}: BGREWRITEAOF failed:\n{srv.read_log()[-2000:]}")
        st = os.stat(aof_base(srv.workdir))
        return took, st.st_mtime - wall0, st.st_size, int(fields["aof_last_cow_size"])
    finally:
        c.close()


def memory_of(port):
    c = Conn(port)
    try:
        m = info_of(c, "memory")
        return int(m["used_memory"]), int(m["used_memory_rss"])
    finally:
        c.close()


def peak_rss(pid):
    """VmHWM of /proc/PID/status in bytes: the most resident memory the process has had."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return 0


def load_from(binary, files_dir, aof, data, what):
    """Starts binary on a copy of files_dir (a dump.rdb, or an appendonlydir with aof=True);
    (seconds to PONG, used_memory, RSS, peak RSS) after checking it holds the data set."""
    srv = BenchServer(binary, ["--appendonly", "yes"] if aof else [])
    try:
        for name in os.listdir(files_dir):
            src = os.path.join(files_dir, name)
            if os.path.isdir(src):
                shutil.copytree(src, os.path.join(srv.workdir, name))
            else:
                shutil.copy(src, srv.workdir)
        took = timed_start(srv)
        peak = peak_rss(srv.proc.pid)  # before the checks below allocate anything
        data.verify(srv.port, what)
        used, rss = memory_of(srv.port)
        return took, used, rss, peak
    finally:
        srv.stop()
        shutil.rmtree(srv.workdir, ignore_errors=True)


# ---------------------------------------------------------------------------------- the report

class Table:
    def __init__(self):
        self.rows = []

    def add(self, label, better, a, b, unit, scale=1.0, digits=0):
        """One row: medians of cardinal's values a and redis's b, scaled, and their ratio."""
        ma, mb = median(a) / scale, median(b) / scale
        ratio = f"{ma / mb:.2f}" if mb else "n/a"
        self.rows.append(f"| {label} | {better} | {ma:,.{digits}f} {unit} | {mb:,.{digits}f} {unit} | {ratio} |")

    def print(self):
        print("| measurement | better | cardinal | redis | cardinal/redis |")
        print("|---|---|---|---|---|")
        for r in self.rows:
            print(r)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--cardinal", required=True)
    p.add_argument("--reference", default=REDIS_BIN)
    p.add_argument("--keys", type=int, default=1_000_000, help="small string keys")
    p.add_argument("--collections", type=int, default=1000, help="moderate keys of each type")
    p.add_argument("--collection-size", type=int, default=100)
    p.add_argument("--big", type=int, default=10, help="large keys of each type")
    p.add_argument("--big-size", type=int, default=10_000)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--cow-delay", type=int, default=1,
                   help="rdb-key-save-delay (us per key) of the copy-on-write experiment; 0 skips it")
    p.add_argument("--cow-fraction", type=float, default=0.1)
    p.add_argument("--cow-patterns", default="random,first",
                   help="which string keys are overwritten: a random sample, the first loaded, or both")
    opts = p.parse_args()

    data = DataSet(opts.keys, opts.collections, opts.collection_size, opts.big, opts.big_size)
    binaries = {"cardinal": os.path.abspath(opts.cardinal), "redis": opts.reference}
    scratch = tempfile.mkdtemp(prefix="persist-bench-")
    servers = {}
    try:
        stream = os.path.join(scratch, "load.resp")
        data.write_resp(stream)
        print(f"data set: {data.total_keys():,} keys ({opts.keys:,} strings; of each of hash, list, "
              f"set, zset {opts.collections} x {opts.collection_size} and {opts.big} x "
              f"{opts.big_size} elements); RESP stream {os.path.getsize(stream) / MB:.1f} MB", flush=True)

        res = {name: {} for name in binaries}

        def rec(name, key, value):
            res[name].setdefault(key, []).append(value)

        for name, binary in binaries.items():
            srv = BenchServer(binary)
            servers[name] = srv
            srv.start()
            t0 = time.monotonic()
            pipe_load(srv.port, stream)
            rec(name, "pipe_load", time.monotonic() - t0)
            data.verify(srv.port, f"{name} after loading")
            used, rss = memory_of(srv.port)
            rec(name, "used", used)
            rec(name, "rss", rss)

        # Each server's files, kept apart from the running servers' directories.
        files = {name: {k: os.path.join(scratch, f"{name}-{k}") for k in ("rdb", "aofrdb", "aofcmd")}
                 for name in binaries}
        for r in range(opts.rounds):
            for name, srv in servers.items():
                took, written, size, cow = bgsave(srv)
                rec(name, "bgsave", took)
                rec(name, "bgsave_written", written)
                rec(name, "rdb_size", size)
                rec(name, "rdb_cow", cow)
                if r == 0:
                    os.makedirs(files[name]["rdb"])
                    shutil.copy(os.path.join(srv.workdir, "dump.rdb"), files[name]["rdb"])
            for preamble, key in ((True, "aofrdb"), (False, "aofcmd")):
                for name, srv in servers.items():
                    took, written, size, cow = bgrewriteaof(srv, preamble)
                    rec(name, f"{key}_rewrite", took)
                    rec(name, f"{key}_written", written)
                    rec(name, f"{key}_size", size)
                    rec(name, f"{key}_cow", cow)
                    if r == 0:
                        os.makedirs(files[name][key])
                        shutil.copytree(os.path.join(srv.workdir, "appendonlydir"),
                                        os.path.join(files[name][key], "appendonlydir"))
            print(f"round {r + 1}: saves and rewrites done", flush=True)

        # The copy-on-write experiment runs on the loaded servers, after the saves above.
        cow_rows = []
        patterns = [x for x in opts.cow_patterns.split(",") if x] if opts.cow_delay else []
        for pattern in patterns:
            overwrite = os.path.join(scratch, "overwrite.resp")
            n_over = data.overwrite_resp(overwrite, opts.cow_fraction, pattern)
            for name, srv in servers.items():
                c = Conn(srv.port)
                try:
                    c.call("CONFIG", "SET", "rdb-key-save-delay", str(opts.cow_delay))
                    t0 = time.monotonic()
                    c.call("BGSAVE")
                    time.sleep(0.2)
                    w0 = time.monotonic()
                    pipe_load(srv.port, overwrite)
                    wrote = time.monotonic() - w0
                    fields = wait_done(c, ["rdb_bgsave_in_progress"], poll=0.05)
                    took = time.monotonic() - t0
                    c.call("CONFIG", "SET", "rdb-key-save-delay", "0")
                    if fields["rdb_last_bgsave_status"] != "ok":
                        raise RuntimeError(f"{name}: slowed BGSAVE failed")
                    data.verify(srv.port, f"{name} after the overwrite", overwritten=True)
                    cow_rows.append((pattern, name, took, wrote, int(fields["rdb_last_cow_size"]), n_over))
                finally:
                    c.close()

        for srv in servers.values():
            srv.stop()
            shutil.rmtree(srv.workdir, ignore_errors=True)
        servers.clear()

        loads = [("rdb", "rdb", False, "own dump.rdb"),
                 ("aofrdb", "aofrdb", False, "own AOF dir (RDB preamble base)"),
                 ("aofcmd", "aofcmd", False, "own AOF dir (command base)"),
                 ("xrdb", "rdb", True, "the other server's dump.rdb"),
                 ("xaofcmd", "aofcmd", True, "the other server's AOF dir (command base)")]
        other = {"cardinal": "redis", "redis": "cardinal"}
        for r in range(opts.rounds):
            for key, kind, cross, what in loads:
                for name, binary in binaries.items():
                    source = other[name] if cross else name
                    took, used, rss, peak = load_from(binary, files[source][kind], kind != "rdb", data,
                                                f"{name} loading {source}'s {kind}")
                    rec(name, f"load_{key}", took)
                    rec(name, f"load_{key}_used", used)
                    rec(name, f"load_{key}_rss", rss)
                    rec(name, f"load_{key}_peak", peak)
            print(f"round {r + 1}: loads done", flush=True)

        a, b = res["cardinal"], res["redis"]
        t = Table()
        t.add("load the data set with redis-cli --pipe", "lower", a["pipe_load"], b["pipe_load"], "s", 1, 2)
        t.add("used_memory before", "lower", a["used"], b["used"], "MB", MB, 1)
        t.add("RSS before", "lower", a["rss"], b["rss"], "MB", MB, 1)
        t.add("BGSAVE wall time", "lower", a["bgsave"], b["bgsave"], "ms", 1e-3)
        t.add("BGSAVE until dump's last write (mtime)", "lower", a["bgsave_written"], b["bgsave_written"], "ms", 1e-3)
        t.add("dump.rdb size", "lower", a["rdb_size"], b["rdb_size"], "MB", MB, 1)
        t.add("rdb_last_cow_size (no writes)", "lower", a["rdb_cow"], b["rdb_cow"], "MB", MB, 1)
        t.add("restart from own dump.rdb (start to PONG)", "lower", a["load_rdb"], b["load_rdb"], "ms", 1e-3)
        t.add("used_memory after that load", "lower", a["load_rdb_used"], b["load_rdb_used"], "MB", MB, 1)
        t.add("RSS after that load", "lower", a["load_rdb_rss"], b["load_rdb_rss"], "MB", MB, 1)
        t.add("peak RSS during that load (VmHWM)", "lower", a["load_rdb_peak"], b["load_rdb_peak"], "MB", MB, 1)
        t.add("restart from the other's dump.rdb", "lower", a["load_xrdb"], b["load_xrdb"], "ms", 1e-3)
        t.add("RSS after loading the other's dump", "lower", a["load_xrdb_rss"], b["load_xrdb_rss"], "MB", MB, 1)
        for key, label in (("aofrdb", "RDB preamble"), ("aofcmd", "no preamble")):
            t.add(f"BGREWRITEAOF wall time ({label})", "lower", a[f"{key}_rewrite"], b[f"{key}_rewrite"], "ms", 1e-3)
            t.add(f"BGREWRITEAOF until base's last write ({label})", "lower", a[f"{key}_written"],
                  b[f"{key}_written"], "ms", 1e-3)
            t.add(f"AOF base size ({label})", "lower", a[f"{key}_size"], b[f"{key}_size"], "MB", MB, 1)
            t.add(f"aof_last_cow_size ({label})", "lower", a[f"{key}_cow"], b[f"{key}_cow"], "MB", MB, 1)
            t.add(f"restart from own AOF dir ({label})", "lower", a[f"load_{key}"], b[f"load_{key}"], "ms", 1e-3)
            t.add(f"RSS after that load ({label})", "lower", a[f"load_{key}_rss"], b[f"load_{key}_rss"], "MB", MB, 1)
            t.add(f"peak RSS during that load ({label})", "lower", a[f"load_{key}_peak"], b[f"load_{key}_peak"],
                  "MB", MB, 1)
        t.add("restart from the other's AOF dir (no preamble)", "lower", a["load_xaofcmd"], b["load_xaofcmd"], "ms", 1e-3)
        print()
        print(f"medians of {opts.rounds} interleaved rounds; every load checked (DBSIZE and a sample of every type)")
        print()
        t.print()
        if cow_rows:
            print()
            print(f"copy-on-write: BGSAVE with rdb-key-save-delay {opts.cow_delay} us while "
                  f"{cow_rows[0][5]:,} string keys ({opts.cow_fraction:.0%}) are overwritten "
                  f"(same value length) from 0.2 s after BGSAVE; one run each")
            print()
            print("| keys overwritten | server | BGSAVE wall time | overwrite took | rdb_last_cow_size | of RSS before |")
            print("|---|---|---|---|---|---|")
            for pattern in patterns:
                rows = {r[1]: r for r in cow_rows if r[0] == pattern}
                for _, name, took, wrote, cow, _ in rows.values():
                    print(f"| {pattern} | {name} | {took:.1f} s | {wrote:.2f} s | {cow / MB:,.1f} MB | "
                          f"{cow / median(res[name]['rss']):.0%} |")
                print(f"| {pattern} | cardinal/redis (lower is better) | | | "
                      f"{rows['cardinal'][4] / rows['redis'][4]:.2f} | |")
    finally:
        for srv in servers.values():
            srv.stop()
            shutil.rmtree(srv.workdir, ignore_errors=True)
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
