"""Shared pieces of the side-by-side benchmarks in bench/e2e (stdlib only).

Servers are started through tests/support/servers.py (the same command line for cardinal and
Debian's redis-server, so `--cardinal /usr/bin/redis-server` runs Redis on both sides as a
sanity check) and stopped by their own PID. Ports: a free ephemeral port, or the first free port
of $BENCH_PORTS ("7141-7159") when that is set, so a session can keep to its own range.
Load generators are bounded by timeouts; nothing here kills a process it did not start.

CPU pinning (enable_pinning): servers on the first CPU this process may use, this process and
every load generator it starts (redis-benchmark, redis-cli) on the others, so the server under
test never competes with its own load for a core. A BenchServer started while pinning is enabled
has every thread of its process (/proc/PID/task) moved to the server CPU right after it answers.
On a 1-CPU machine pinning stays off and everything shares the one CPU.
"""
import os
import re
import socket
import statistics
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "support"))
from servers import REDIS_BIN, Server  # noqa: E402,F401  (re-exported for the scripts)

_taken = set()  # ports this process handed out; a server may not be listening on them yet
_pinning = None  # (server_cpus, load_cpus) once enable_pinning() succeeded


def cpu_plan():
    """(server_cpus, load_cpus) as sets, or None when this process may use only one CPU."""
    cpus = sorted(os.sched_getaffinity(0))
    if len(cpus) < 2:
        return None
    return {cpus[0]}, set(cpus[1:])


def enable_pinning():
    """Pins this process (and so every child it starts later) to the load CPUs and makes every
    BenchServer started from now on move to the server CPU. Returns the plan, or None (1 CPU).
    Call it before starting any thread: affinity set here applies to the calling thread."""
    global _pinning
    plan = cpu_plan()
    if plan is None:
        return None
    os.sched_setaffinity(0, plan[1])
    _pinning = plan
    return plan


def pinning():
    """The active (server_cpus, load_cpus), or None."""
    return _pinning


def pin_process(pid, cpus):
    """Moves every thread of process pid to cpus; returns how many threads were pinned."""
    pinned = 0
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            os.sched_setaffinity(int(tid), cpus)
            pinned += 1
        except OSError:  # the thread exited meanwhile
            pass
    return pinned


def free_port():
    """A port nothing listens on: the first free one of $BENCH_PORTS, else an ephemeral one."""
    spec = os.environ.get("BENCH_PORTS")
    if not spec:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.bind(("127.0.0.1", 0))
            return s.getsockname()[1]
    lo, hi = (int(x) for x in spec.split("-"))
    for port in range(lo, hi + 1):
        if port in _taken:
            continue
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            # Servers bind with SO_REUSEADDR too: a port with only TIME_WAIT sockets is free.
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        _taken.add(port)
        return port
    raise RuntimeError(f"no free port in BENCH_PORTS={spec}")


class BenchServer(Server):
    """A Server on free_port() (context manager: starts on enter, stops by PID on exit)."""

    def __init__(self, binary, extra_args=()):
        super().__init__(binary, extra_args=extra_args, port=free_port())
        self.pinned_threads = 0

    def start(self, timeout=10.0):
        super().start(timeout)
        if _pinning is not None:
            try:
                self.pinned_threads = pin_process(self.proc.pid, _pinning[0])
            except BaseException:
                self.stop()
                raise
        return self

    def stop(self):
        super().stop()
        _taken.discard(self.port)


def resp(*args):
    """One command in RESP (bytes arguments), as `redis-cli --pipe` reads it."""
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


def pipe_load(port, path, timeout=600):
    """Feeds a file of RESP commands through `redis-cli --pipe`; raises on any error reply."""
    with open(path, "rb") as f:
        subprocess.run(["redis-cli", "-p", str(port), "--pipe"], stdin=f, check=True,
                       capture_output=True, timeout=timeout)


def info(port, section=None):
    """INFO [section] as a dict of strings."""
    args = ["redis-cli", "-p", str(port), "INFO"] + ([section] if section else [])
    out = subprocess.run(args, capture_output=True, text=True, check=True, timeout=30).stdout
    return dict(line.split(":", 1) for line in out.splitlines() if ":" in line)


def memory(port):
    """(used_memory, used_memory_rss) in bytes."""
    fields = info(port, "memory")
    return int(fields["used_memory"]), int(fields["used_memory_rss"])


def redis_benchmark(port, args, timeout=300):
    """Runs `redis-benchmark -p PORT -q ARGS...` (options before any command); the last
    requests/s it prints, or None (e.g. an unknown command, or no result within timeout s)."""
    try:
        out = subprocess.run(["redis-benchmark", "-p", str(port), "-q"] + list(args),
                             capture_output=True, text=True, timeout=timeout).stdout
    except subprocess.TimeoutExpired:  # run() has already killed the child it started
        return None
    # With -q the last line per test is "NAME: 123.45 requests per second, p50=..."; progress
    # lines are separated by \r.
    rates = re.findall(r"([\d.]+) requests per second", out.replace("\r", "\n"))
    return float(rates[-1]) if rates else None


def cpu_ns(pid):
    """CPU time the process has used so far, in nanoseconds (the sum over its threads of
    /proc/PID/task/TID/schedstat's first field: far finer than the 10 ms ticks of /proc/PID/stat)."""
    total = 0
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
                total += int(f.read().split()[0])
        except (OSError, ValueError, IndexError):
            pass  # a thread that ended meanwhile
    return total


def with_cpu(pid, run):
    """(run()'s result, CPU nanoseconds process pid used meanwhile)."""
    before = cpu_ns(pid)
    result = run()
    return result, cpu_ns(pid) - before


def interleaved(run_a, run_b, rounds):
    """Calls run_a(), run_b() alternately `rounds` times each (A B A B ...); both result lists."""
    a, b = [], []
    for _ in range(rounds):
        a.append(run_a())
        b.append(run_b())
    return a, b


def median(values):
    return statistics.median(values)


def percentile(sorted_values, p):
    """The value at fraction p (0..1) of an ascending list (nearest rank, clamped)."""
    return sorted_values[min(len(sorted_values) - 1, int(len(sorted_values) * p))]


def table_header(headers):
    """The head of a Markdown table whose rows are printed as they are measured."""
    print("| " + " | ".join(headers) + " |")
    print("|" + "---|" * len(headers), flush=True)


def ratio_row(cells, a, b, ratios):
    """A row "| cells | median(a) | median(b) | ratio |" of a requests/s table, the ratio also
    appended to `ratios`; "n/a" when a run failed on either side (None in a or b)."""
    head = "| " + " | ".join(cells) + " | "
    if None in a or None in b:
        print(head + "n/a | n/a | (not supported) |", flush=True)
        return
    ma, mb = median(a), median(b)
    ratios.append(ma / mb)
    print(head + f"{ma:,.0f} | {mb:,.0f} | {ma / mb:.2f} |", flush=True)


def geomean_row(label, ratios):
    """The "| **geomean** | label | | | **x.xx** |" row closing a group of ratio_rows."""
    if ratios:
        print(f"| **geomean** | {label} | | | **{statistics.geometric_mean(ratios):.2f}** |", flush=True)


class ReplyError(Exception):
    """An error reply ("-ERR ...") from the server."""


class Conn:
    """A minimal blocking RESP2 client (GET, SCAN, LPUSH, BRPOP, ...): a few microseconds per
    call, against tens for redis-py, so load generators measure the server more than
    themselves. Replies: bytes, int, list, None (null bulk or null array); errors raise."""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""

    def call(self, *args):
        out = [b"*%d\r\n" % len(args)]
        for a in args:
            a = a if isinstance(a, bytes) else str(a).encode()
            out.append(b"$%d\r\n%s\r\n" % (len(a), a))
        self.sock.sendall(b"".join(out))
        return self._read()

    def close(self):
        self.sock.close()

    def _line(self):
        while b"\r\n" not in self.buf:
            data = self.sock.recv(1 << 20)
            if not data:
                raise ConnectionError("server closed the connection")
            self.buf += data
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def _read(self):
        line = self._line()
        kind, rest = line[:1], line[1:]
        if kind == b"+":
            return rest
        if kind == b"-":
            raise ReplyError(rest.decode(errors="replace"))
        if kind == b":":
            return int(rest)
        if kind == b"$":
            n = int(rest)
            if n < 0:
                return None
            while len(self.buf) < n + 2:
                data = self.sock.recv(1 << 20)
                if not data:
                    raise ConnectionError("server closed the connection")
                self.buf += data
            data, self.buf = self.buf[:n], self.buf[n + 2:]
            return data
        if kind == b"*":
            n = int(rest)
            return None if n < 0 else [self._read() for _ in range(n)]
        raise RuntimeError(f"unexpected reply {line!r}")
