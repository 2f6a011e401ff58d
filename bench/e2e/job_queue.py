"""A job queue side by side with Debian's redis-server: P producer processes LPUSH jobs onto one
list, C consumer processes loop on BRPOP (timeout --brpop-timeout seconds) and take them off.

Each job is "PRODUCER:SEQ:SENT_NS" padded with "x" to --payload bytes, SENT_NS being the
producer's CLOCK_MONOTONIC (shared by all processes on Linux) just before its LPUSH, so the
consumer's receive time minus SENT_NS is the job's end-to-end latency (queueing included).
Producers send --jobs jobs each, one LPUSH per job, unlimited or paced to a rate per producer
(--rates 0,5000: a run at full speed, then runs at 5000 jobs/s per producer). When all producers
are done, C "stop" jobs end the consumers (the list is FIFO, so they come after every job).
Clients: --client raw (default; harness.Conn, a few microseconds per call, so the server is a
visible share of the work on 2 cores) or --client redis-py (Debian's python3-redis, ~35 us of
client CPU per call: the Python clients then dominate and both servers look alike).

For each rate, runs alternate between the servers (A B A B ..., --rounds 3); reported per
server: the median over rounds of throughput (jobs received / time from the first producer's
start to the last receive) and of the latency percentiles p50, p99, p99.9 and max, then the
ratio cardinal/redis (throughput: higher is better; latency: lower is better). At full speed
the producers outrun the consumers, so latency there is the backlog the run built up: noisy
and of little meaning; the paced runs give the latency figures. A paced run whose throughput
stayed under 95% of producers x rate is marked "(behind)": its latency too is a backlog's.
Every job must arrive exactly once: lost or duplicated jobs are counted and make the exit
status 1 (2 if a server rejects a command). Each run is bounded (--timeout seconds); only
processes it started are stopped, by PID. About a minute on 2 cores (default: 2 producers x
20000 jobs, 2 consumers, rates 0 and 5000/s, 3 rounds).

    /usr/bin/python3 bench/e2e/job_queue.py --cardinal build/release/cardinal-server
    /usr/bin/python3 bench/e2e/job_queue.py --cardinal /usr/bin/redis-server   # sanity: ~1.0x
"""
import argparse
import array
import multiprocessing
import os
import queue as stdqueue
import sys
import time

from harness import REDIS_BIN, BenchServer, Conn, median, percentile, table_header

KEY = "bench:jobs"
STOP = b"stop"


class RawClient(Conn):
    """The few commands a queue needs, over harness.Conn, with redis-py's method names."""

    def ping(self):
        return self.call("PING")

    def lpush(self, key, *values):
        return self.call("LPUSH", key, *values)

    def brpop(self, key, timeout):
        got = self.call("BRPOP", key, timeout)
        return tuple(got) if got else None

    def llen(self, key):
        return self.call("LLEN", key)

    def delete(self, key):
        return self.call("DEL", key)


def connect(kind, port):
    if kind == "raw":
        return RawClient(port)
    import redis  # only when asked for: the raw client needs nothing beyond the stdlib
    return redis.Redis(port=port)


def producer(client, port, idx, jobs, rate, payload, out):
    try:
        r = connect(client, port)
        r.ping()
        t0 = time.monotonic_ns()
        for seq in range(jobs):
            if rate:
                wait = t0 + seq * 1e9 / rate - time.monotonic_ns()
                if wait > 0:
                    time.sleep(wait / 1e9)
            job = b"%d:%d:%d:" % (idx, seq, time.monotonic_ns())
            r.lpush(KEY, job.ljust(payload, b"x"))
        out.put(("producer", idx, t0))
    except Exception as e:  # reported to the parent, which stops the run
        out.put(("error", f"producer {idx}: {e!r}"))


def consumer(client, port, idx, brpop_timeout, out):
    try:
        r = connect(client, port)
        r.ping()
        out.put(("ready", idx))
        ids, lat = array.array("q"), array.array("d")
        last = 0
        while True:
            got = r.brpop(KEY, timeout=brpop_timeout)
            if got is None:
                continue  # idle; the parent ends us with a stop job or, past its deadline, by PID
            now = time.monotonic_ns()
            if got[1] == STOP:
                break
            p, seq, sent = got[1].split(b":", 3)[:3]
            ids.append(int(p) << 32 | int(seq))
            lat.append((now - int(sent)) / 1e6)
            last = now
        out.put(("consumer", idx, ids.tobytes(), lat.tobytes(), last))
    except Exception as e:
        out.put(("error", f"consumer {idx}: {e!r}"))


def one_run(port, opts, rate):
    """One run against one server: (jobs/s, [p50, p99, p99.9, max] ms, lost, duplicated)."""
    ctx = multiprocessing.get_context("fork")
    out = ctx.Queue()
    ctl = connect(opts.client, port)
    ctl.delete(KEY)
    deadline = time.monotonic() + opts.timeout
    consumers = [ctx.Process(target=consumer, args=(opts.client, port, i, opts.brpop_timeout, out))
                 for i in range(opts.consumers)]
    producers = [ctx.Process(target=producer,
                             args=(opts.client, port, i, opts.jobs, rate, opts.payload, out))
                 for i in range(opts.producers)]
    started, ok = [], False

    def receive(kind, count):
        got = []
        while len(got) < count:
            try:
                msg = out.get(timeout=max(0.1, deadline - time.monotonic()))
            except stdqueue.Empty:
                raise RuntimeError(f"timed out after {opts.timeout} s waiting for {kind}s")
            if msg[0] == "error":
                raise RuntimeError(msg[1])
            if msg[0] != kind:
                raise RuntimeError(f"unexpected message {msg[0]} while waiting for {kind}s")
            got.append(msg)
        return got

    try:
        for p in consumers:
            p.start()
            started.append(p)
        receive("ready", opts.consumers)
        for p in producers:
            p.start()
            started.append(p)
        starts = [m[2] for m in receive("producer", opts.producers)]
        ctl.lpush(KEY, *[STOP] * opts.consumers)
        results = receive("consumer", opts.consumers)
        ok = True
    finally:
        for p in started:
            # After a failure the consumers may sit in BRPOP until the deadline: stop them now.
            p.join(timeout=max(0.1, deadline - time.monotonic()) if ok else 0.5)
            if p.is_alive():
                p.terminate()  # our own child, by its PID
                p.join()
    ctl.close()

    seen = [bytearray(opts.jobs) for _ in range(opts.producers)]
    dup = 0
    lats = array.array("d")
    for _, _, ids_bytes, lat_bytes, _ in results:
        ids = array.array("q")
        ids.frombytes(ids_bytes)
        lats.frombytes(lat_bytes)
        for job in ids:
            p, seq = job >> 32, job & 0xFFFFFFFF
            if seen[p][seq]:
                dup += 1
            else:
                seen[p][seq] = 1
    lost = sum(opts.jobs - sum(s) for s in seen)  # a job still in the list counts here too
    last = max(m[4] for m in results)
    rate_measured = len(lats) / ((last - min(starts)) / 1e9) if lats else 0.0
    lat_sorted = sorted(lats) or [float("nan")]
    pct = [percentile(lat_sorted, q) for q in (0.5, 0.99, 0.999)] + [lat_sorted[-1]]
    return rate_measured, pct, lost, dup


def fmt_ms(v):
    return f"{v:.2f}" if v < 100 else f"{v:,.0f}"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--cardinal", required=True)
    p.add_argument("--reference", default=REDIS_BIN)
    p.add_argument("--producers", type=int, default=2)
    p.add_argument("--consumers", type=int, default=2)
    p.add_argument("--jobs", type=int, default=20000, help="jobs per producer per run")
    p.add_argument("--rates", default="0,5000", help="jobs/s per producer; 0 = unlimited")
    p.add_argument("--payload", type=int, default=64, help="bytes per job (padded)")
    p.add_argument("--brpop-timeout", type=int, default=1)
    p.add_argument("--client", choices=["raw", "redis-py"], default="raw")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--timeout", type=float, default=120, help="seconds per run")
    opts = p.parse_args()
    rates = [int(x) for x in opts.rates.split(",") if x]

    print(f"{opts.producers} producers (LPUSH), {opts.consumers} consumers (BRPOP timeout "
          f"{opts.brpop_timeout}), {opts.client} client, {opts.jobs} jobs of {opts.payload} bytes "
          f"per producer per run, {opts.rounds} interleaved rounds, medians; latency in ms")
    table_header(["rate/producer", "server", "jobs/s", "p50", "p99", "p99.9", "max", "lost",
                  "duplicated"])
    failed = False
    with BenchServer(os.path.abspath(opts.cardinal)) as cardinal, BenchServer(opts.reference) as ref:
        for rate in rates:
            runs = {"cardinal": [], "redis": []}
            for _ in range(opts.rounds):
                for name, srv in (("cardinal", cardinal), ("redis", ref)):
                    try:
                        runs[name].append(one_run(srv.port, opts, rate))
                    except Exception as e:  # an error reply, a lost connection, a timeout
                        print(f"{name} at rate {rate or 'unlimited'}: {e}", file=sys.stderr)
                        return 2
            label = f"{rate:,}/s" if rate else "unlimited"
            med = {}
            for name, rs in runs.items():
                tput = median([r[0] for r in rs])
                pct = [median([r[1][i] for r in rs]) for i in range(4)]
                lost, dup = sum(r[2] for r in rs), sum(r[3] for r in rs)
                failed |= bool(lost or dup)
                med[name] = (tput, pct)
                # A paced run that fell behind measures a growing backlog, not the latency at
                # that rate: the clients (or the machine) could not keep up.
                behind = " (behind)" if rate and tput < 0.95 * rate * opts.producers else ""
                print(f"| {label} | {name} | {tput:,.0f}{behind} | "
                      + " | ".join(fmt_ms(v) for v in pct) + f" | {lost} | {dup} |", flush=True)
            (ct, cp), (rt, rp) = med["cardinal"], med["redis"]
            print(f"| {label} | cardinal/redis | {ct / rt:.2f} | "
                  + " | ".join(f"{c / r:.2f}" if r else "n/a" for c, r in zip(cp, rp)) + " | | |",
                  flush=True)
    if failed:
        print("jobs were lost or duplicated", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
