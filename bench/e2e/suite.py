"""Issue 6's benchmark suite: cardinal (Release) against Debian's redis-server 7.0, side by side.

    /usr/bin/python3 bench/e2e/suite.py --cardinal build/release/cardinal-server
    /usr/bin/python3 bench/e2e/suite.py --cardinal build/release/cardinal-server --quick
    /usr/bin/python3 bench/e2e/suite.py --cardinal /usr/bin/redis-server --quick   # sanity: ~1.0x

Sections (--only throughput,memory,resize,sinter):
  throughput  redis-benchmark -c 50 -r 100000 over 12 tests at -P 1 and -P 16, 3-byte and 1 KB
              values; both servers up at once, runs interleaved A B A B (--rounds), medians,
              ratio cardinal/redis, geometric means (compare.py's test list and runner).
  memory      1M string keys, one 1M-member set, 1M-field hash, 1M-member sorted set, each
              loaded with redis-cli --pipe into a fresh server: used_memory and RSS growth per
              element (memory.py).
  resize      one set grows to 5M members while a probe sends PING/GET every 1 ms: probe
              percentiles plus LATENCY LATEST/HISTORY and the slow log (resize_latency.py).
  sinter      2 ∩ 1M in both orders, 100k ∩ 100k with 10% overlap (sinter.py).

Both servers run with --save '' --appendonly no, pinned to the first CPU (every thread in
/proc/PID/task, after start); this process and every load generator it starts run on the other
CPUs; on a 1-CPU machine nothing is pinned. Writes a Markdown report (default
docs/bench/RESULTS.md), results.json with every single run (the growth probes' samples only in
the plot), and PNG plots next to the report
when python3-matplotlib is installed. Ports: $BENCH_PORTS (e.g. 7141-7159) or ephemeral. Only
processes the suite started are stopped, by PID. Exit status 1 when a section failed.

Request counts (a full run took 19.4 min on this 2-core VM while other sessions kept the load
average near 3; expect less on a quiet machine): -n 100,000 at -P 1 and 500,000 at -P 16, about
one second per run at this machine's rates (100k rps at -P 1, 0.3-1.2M rps at -P 16), scaled
down for the tests that move much more data per request: LRANGE_100 (x0.25; with 1 KB values
x0.1 at -P 1 and x0.02 at -P 16, since each reply is 100 KB) and MSET (10 keys per request:
x0.5; with 1 KB values x0.25 / x0.1). --quick divides all counts by 20 and shrinks the loads
(100k elements, a 500k-member growth, 2 ∩ 100k and 10k ∩ 10k) for a ~2 minute smoke test.
"""
import argparse
import datetime
import json
import os
import platform
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
import traceback

import compare
import memory
import resize_latency
import sinter
from harness import (REDIS_BIN, BenchServer, enable_pinning, interleaved, median, redis_benchmark,
                     with_cpu)

REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
SECTIONS = ("throughput", "memory", "resize", "sinter")
SIZES = (3, 1024)
PIPELINES = (1, 16)

FULL = {"p1": 100_000, "p16": 500_000, "rounds": 5, "memory_n": 1_000_000, "resize_n": 5_000_000,
        "resize_rounds": 3, "sinter_big": 1_000_000, "sinter_ab": 100_000}
QUICK = {"p1": 5_000, "p16": 25_000, "rounds": 2, "memory_n": 100_000, "resize_n": 500_000,
         "resize_rounds": 1, "sinter_big": 100_000, "sinter_ab": 10_000}

# Issue 6's targets.
TARGET_P1, TARGET_P16 = 1.0, 1.3
TARGET_MEMORY = 0.7
TARGET_SINTER_SMALL_US = 100.0  # "microseconds regardless of argument order": both orders under 100 us
TARGET_SINTER_BIG = 1.5
TARGET_WORST_COMMAND_MS = 1


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def gmean(values):
    return statistics.geometric_mean(values) if values else None


# ---------------------------------------------------------------------------------------------
# Measurements


def requests_for(test, pipeline, size, sizes):
    """-n of one redis-benchmark run (see the module doc)."""
    n = sizes["p16"] if pipeline > 1 else sizes["p1"]
    big = size >= 256
    if test == "lrange_100":
        n *= (0.02 if pipeline > 1 else 0.1) if big else 0.25
    elif test == "mset":
        n *= (0.1 if pipeline > 1 else 0.25) if big else 0.5
    return max(1000, int(n))


def run_throughput(cardinal, reference, sizes, rounds, results):
    rows = results.setdefault("throughput", [])
    with BenchServer(cardinal) as a, BenchServer(reference) as b:
        results["pinned_threads"] = {"cardinal": a.pinned_threads, "redis": b.pinned_threads}
        for size in SIZES:
            for pipeline in PIPELINES:
                for test in compare.TESTS:
                    n = requests_for(test, pipeline, size, sizes)
                    # Each run also records the server's CPU time: where one redis-benchmark
                    # thread is the bottleneck (-P 1), requests/s cannot show which server does
                    # less work per request, CPU microseconds per request can.
                    ra, rb = interleaved(
                        lambda: with_cpu(a.proc.pid, lambda: compare.bench_once(a.port, test, pipeline, n, 50, size)),
                        lambda: with_cpu(b.proc.pid, lambda: compare.bench_once(b.port, test, pipeline, n, 50, size)),
                        rounds)
                    ca, cb = [x[0] for x in ra], [x[0] for x in rb]
                    row = {"test": test, "pipeline": pipeline, "size": size, "requests": n,
                           "cardinal": ca, "redis": cb,
                           "cardinal_cpu_us": [x[1] / 1000 / n for x in ra],
                           "redis_cpu_us": [x[1] / 1000 / n for x in rb]}
                    rows.append(row)
                    ok = None not in ca and None not in cb
                    log(f"  throughput {test:>10} -P {pipeline:<2} -d {size:<4} n={n:<7} " +
                        (f"{median(ca):>12,.0f} {median(cb):>12,.0f} {median(ca) / median(cb):.2f}"
                         if ok else "n/a"))


def run_memory(cardinal, reference, sizes, results):
    rows = results.setdefault("memory", [])
    n = sizes["memory_n"]
    with tempfile.TemporaryDirectory() as tmp:
        for kind in ("strings", "set", "hash", "zset"):
            path = os.path.join(tmp, kind + ".resp")
            memory.write_load(kind, n, path)
            c = memory.measure(cardinal, path, n)
            r = memory.measure(reference, path, n)
            os.unlink(path)
            rows.append({"load": kind, "n": n, "cardinal": c, "redis": r})
            log(f"  memory {kind}: cardinal {c} redis {r}")


def run_resize(cardinal, reference, sizes, rounds, results):
    runs = resize_latency.measure(cardinal, reference, sizes["resize_n"], rounds)
    results["resize"] = {"n": sizes["resize_n"], "runs": runs}
    for name in ("cardinal", "redis"):
        s = resize_latency.summary(runs[name])
        log(f"  resize {name}: load {s['load_s']:.1f} s p99.9 {s['p999']:.3f} ms max {s['max']:.3f} ms "
            f"LATENCY worst {s['worst_ms']} ms slowlog worst {s['slow_us']} us")


def run_sinter(cardinal, reference, sizes, rounds, results):
    rows = sinter.measure(cardinal, reference, rounds, sizes["sinter_big"], sizes["sinter_ab"])
    results["sinter"] = [{"query": q, "cardinal": ca, "redis": cb} for q, ca, cb in rows]
    for q, ca, cb in rows:
        log(f"  sinter {q}: cardinal {sinter.medians(ca)} redis {sinter.medians(cb)}")


# ---------------------------------------------------------------------------------------------
# Environment


def sh(args, cwd=None):
    try:
        out = subprocess.run(args, capture_output=True, text=True, timeout=30, cwd=cwd)
        return (out.stdout or out.stderr).strip().splitlines()[0] if (out.stdout or out.stderr).strip() else ""
    except (OSError, subprocess.SubprocessError):
        return ""


def machine():
    model = ""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2 ** 30
    distro = ""
    try:
        with open("/etc/os-release") as f:
            distro = dict(l.rstrip().split("=", 1) for l in f if "=" in l).get("PRETTY_NAME", "").strip('"')
    except OSError:
        pass
    return {"cpu": model, "cpus": os.cpu_count(), "kernel": platform.release(), "memory_gb": round(mem_gb, 1),
            "os": distro}


def wakeup_round_trip(reference):
    """Microseconds per PING with one client against a fresh reference server, twice: the client
    on the load CPU (as every test runs it) and on the server's CPU. Their difference is what a
    cross-CPU wake-up costs here (large on some VMs); it inflates every one-client round trip (the
    probe, SINTER) equally for both servers."""
    from harness import pinning
    out = {}
    with BenchServer(reference) as srv:
        rate = redis_benchmark(srv.port, ["-c", "1", "-n", "5000", "-t", "ping"])
        out["cross_cpu_us"] = None if not rate else 1e6 / rate
        plan = pinning()
        if plan:
            before = os.sched_getaffinity(0)
            os.sched_setaffinity(0, plan[0])
            try:
                rate = redis_benchmark(srv.port, ["-c", "1", "-n", "5000", "-t", "ping"])
            finally:
                os.sched_setaffinity(0, before)
            out["same_cpu_us"] = None if not rate else 1e6 / rate
    return out


def versions(cardinal, reference):
    bin_dir = os.path.dirname(cardinal)
    describe = sh(["git", "describe", "--always", "--dirty", "--tags"], cwd=bin_dir) or \
        sh(["git", "describe", "--always", "--dirty", "--tags"], cwd=REPO)
    return {"cardinal_binary": cardinal, "cardinal_version": sh([cardinal, "--version"]),
            "cardinal_git": describe, "redis_server": sh([reference, "--version"]),
            "redis_benchmark": sh(["redis-benchmark", "--version"]), "redis_cli": sh(["redis-cli", "--version"]),
            "python": platform.python_version()}


# ---------------------------------------------------------------------------------------------
# Report


def fmt_num(v, spec=",.0f"):
    return "n/a" if v is None else format(v, spec)


def throughput_summary(rows):
    """{(pipeline, size or None): geomean ratio} over tests both servers ran."""
    groups = {}
    for r in rows:
        if None in r["cardinal"] or None in r["redis"]:
            continue
        ratio = median(r["cardinal"]) / median(r["redis"])
        groups.setdefault((r["pipeline"], r["size"]), []).append(ratio)
        groups.setdefault((r["pipeline"], None), []).append(ratio)
    return {k: gmean(v) for k, v in groups.items()}


def cpu_summary(rows):
    """{(pipeline, size or None): geomean of cardinal/redis server CPU per request}."""
    groups = {}
    for r in rows:
        if not r.get("cardinal_cpu_us") or None in r["cardinal"] or None in r["redis"]:
            continue
        ratio = median(r["cardinal_cpu_us"]) / median(r["redis_cpu_us"])
        groups.setdefault((r["pipeline"], r["size"]), []).append(ratio)
        groups.setdefault((r["pipeline"], None), []).append(ratio)
    return {k: gmean(v) for k, v in groups.items()}


def spread(row):
    """Half the range of the rounds relative to the median, in percent, the larger of both sides."""
    return max(100 * (max(v) - min(v)) / 2 / median(v) for v in (row["cardinal"], row["redis"]))


def quietest(runs):
    """(index, run) of the growth round whose server was preempted least (the first if unknown)."""
    known = [(r.get("preempted"), i) for i, r in enumerate(runs) if r.get("preempted") is not None]
    i = min(known)[1] if known else 0
    return i, runs[i]


def met(flag):
    return "n/a" if flag is None else ("**met**" if flag else "**not met**")


def report(opts, sizes, results, env, started, finished, plots, errors):
    L = []
    add = L.append
    add("# cardinal vs Redis 7.0: benchmark results (issue 6)")
    add("")
    add(f"Generated {started:%Y-%m-%d %H:%M} UTC in {(finished - started).total_seconds() / 60:.1f} min by")
    add("")
    add("```sh")
    add(results["command"])
    add("```")
    add("")
    if opts.quick:
        add("**Quick mode** (--quick): small request counts and loads, a smoke test; the numbers are "
            "not comparable with a full run.")
        add("")
    m, v = env["machine"], env["versions"]
    add("## Machine and versions")
    add("")
    add(f"- CPU: {m['cpu']}, {m['cpus']} CPUs; {m['memory_gb']} GiB RAM; kernel {m['kernel']}; {m['os']}")
    add(f"- Load average at start / end: {env['load_start']} / {env['load_end']} (other work on the "
        "machine shows up as noise in every table)")
    pin = results.get("pinning")
    if pin:
        threads = results.get("pinned_threads")
        detail = f" (threads pinned: cardinal {threads['cardinal']}, redis {threads['redis']})" if threads else ""
        add(f"- Pinning: both servers on CPU {pin['server']}{detail}; redis-benchmark, redis-cli and the "
            f"probe on CPU {pin['load']}")
    else:
        add("- Pinning: off (one CPU, or --no-pin); servers and load generators share the CPUs")
    w = env.get("wakeup", {})
    if w.get("cross_cpu_us"):
        where = ("with the client on the load CPU" + (f", {w['same_cpu_us']:.0f} us with the client on the "
                                                        "server's CPU" if w.get("same_cpu_us") else "")
                 if pin else "(not pinned)")
        add(f"- One-client PING round trip (redis-benchmark -c 1 against redis-server): {w['cross_cpu_us']:.0f} us "
            f"{where}; one-client latencies below include this cost")
    add(f"- cardinal: `{v['cardinal_binary']}`, {v['cardinal_version']}, git `{v['cardinal_git']}`")
    add(f"- reference: {v['redis_server']} (`--save '' --appendonly no`)")
    add(f"- {v['redis_benchmark']}; {v['redis_cli']}; Python {v['python']}")
    add("")

    targets = []
    L_sections = []
    sec = L_sections.append

    if "throughput" in results:
        rows = results["throughput"]
        g = throughput_summary(rows)
        sec("## Throughput")
        sec("")
        cpu = cpu_summary(rows)
        sec(f"redis-benchmark -c 50 -r 100000 -P 1 / -P 16 -d 3 / -d 1024, one test per run (`-t NAME -n N`), "
            f"{opts.rounds} interleaved rounds (A B A B ...), median requests/s; ratio = cardinal/redis; spread = "
            "the larger of the two servers' (max - min) / 2 / median over the rounds, a measure of the noise. "
            "CPU us/req: the server process's CPU time during the run (from /proc schedstat) divided by the "
            "requests, median over the rounds; cpu ratio = cardinal/redis (below 1: cardinal does less work "
            "per request).")
        sec("")
        for size in SIZES:
            sec(f"### Values of {size} bytes")
            sec("")
            sec("| test | -P | -n | cardinal rps | redis rps | ratio | spread | cardinal CPU us/req | redis CPU us/req | cpu ratio |")
            sec("|---|---|---|---|---|---|---|---|---|---|")
            for pipeline in PIPELINES:
                for r in rows:
                    if r["size"] != size or r["pipeline"] != pipeline:
                        continue
                    if None in r["cardinal"] or None in r["redis"]:
                        sec(f"| {r['test']} | {pipeline} | {r['requests']:,} | n/a | n/a | (failed) | |")
                        continue
                    c, rd = median(r["cardinal"]), median(r["redis"])
                    cpu_cells = " | | |"
                    if r.get("cardinal_cpu_us"):
                        cc, cr = median(r["cardinal_cpu_us"]), median(r["redis_cpu_us"])
                        cpu_cells = f" {cc:.2f} | {cr:.2f} | {cc / cr:.2f} |"
                    sec(f"| {r['test']} | {pipeline} | {r['requests']:,} | {c:,.0f} | {rd:,.0f} | {c / rd:.2f} | "
                        f"±{spread(r):.0f}% |" + cpu_cells)
                if g.get((pipeline, size)) is not None:
                    sec(f"| **geomean** | {pipeline} | | | | **{g[(pipeline, size)]:.2f}** | | | | "
                        f"**{fmt_num(cpu.get((pipeline, size)), '.2f')}** |")
            sec("")
        sec("Geometric mean of the ratios:")
        sec("")
        sec("| -P | 3 bytes | 1 KB | both sizes | server CPU per request, both sizes |")
        sec("|---|---|---|---|---|")
        for pipeline in PIPELINES:
            sec(f"| {pipeline} | {fmt_num(g.get((pipeline, 3)), '.2f')} | {fmt_num(g.get((pipeline, 1024)), '.2f')} | "
                f"**{fmt_num(g.get((pipeline, None)), '.2f')}** | {fmt_num(cpu.get((pipeline, None)), '.2f')}x |")
        sec("")
        if "throughput" in plots:
            sec(f"![throughput ratios]({plots['throughput']})")
            sec("")
        for pipeline, target in ((1, TARGET_P1), (16, TARGET_P16)):
            val = g.get((pipeline, None))
            targets.append((f"Throughput geomean at -P {pipeline} ≥ {target:.1f}x Redis (both value sizes)",
                            fmt_num(val, ".2f") + "x" if val else "n/a", None if val is None else val >= target))

    if "memory" in results:
        sec("## Memory per element")
        sec("")
        n = results["memory"][0]["n"] if results["memory"] else 0
        sec(f"{n:,} elements with 16-byte names per load, each load into a fresh server through "
            "`redis-cli --pipe` (1000 elements per SADD/HSET/ZADD); growth of INFO used_memory and "
            "used_memory_rss divided by the element count (memory.py). One round: the numbers are deterministic "
            "to within a few bytes.")
        sec("")
        sec("| load | cardinal used/elem | redis used/elem | ratio | cardinal RSS/elem | redis RSS/elem | ratio |")
        sec("|---|---|---|---|---|---|---|")
        for r in results["memory"]:
            if r["cardinal"] is None or r["redis"] is None:
                sec(f"| {r['load']} | n/a | n/a | (not supported) | | | |")
                targets.append((f"Memory {r['load']}: used bytes/element ≤ {TARGET_MEMORY}x Redis", "n/a", None))
                continue
            (cu, cr), (ru, rr) = r["cardinal"], r["redis"]
            sec(f"| {r['load']} | {cu:.1f} | {ru:.1f} | {cu / ru:.2f} | {cr:.1f} | {rr:.1f} | {cr / rr:.2f} |")
            targets.append((f"Memory {r['load']}: used bytes/element ≤ {TARGET_MEMORY}x Redis",
                            f"{cu / ru:.2f}x (RSS {cr / rr:.2f}x)", cu / ru <= TARGET_MEMORY))
        sec("")

    if "resize" in results:
        rz = results["resize"]
        sec("## Latency while a set grows")
        sec("")
        sec(f"One set grows to {rz['n']:,} members (SADD with 10 members per command through "
            "`redis-cli --pipe`) in a fresh server; a probe on its own connection sends PING and GET "
            "alternately every 1 ms and times each round trip. LATENCY: `CONFIG SET "
            "latency-monitor-threshold 1`, `LATENCY RESET` before the load, the max of LATENCY LATEST and "
            "LATENCY HISTORY over the events command and fast-command after it (whole milliseconds; "
            "\"0\" = no command reached 1 ms). Slow log: `slowlog-log-slower-than 1000`, the longest entry "
            "in microseconds and how many entries. \"Server preempted\": involuntary context switches of "
            "the server's main thread during the load (other work on its CPU; each one shows up as latency "
            "in the probe and the slow log). The loader runs at nice 10 so the probe is not queued behind "
            "it; \"probe late\": the probe's own worst delay past its 1 ms schedule (a stall of the client, "
            "not the server). "
            f"{len(rz['runs']['cardinal'])} round(s), servers interleaved; medians of the probe figures, max "
            "of the server's own readings.")
        sec("")
        sec("| server | load s | probes | p50 ms | p99 ms | p99.9 ms | max ms | LATENCY worst ms | "
            "slow log worst us | slow log entries | server preempted | probe late ms |")
        sec("|---|---|---|---|---|---|---|---|---|---|---|---|")
        summ = {name: resize_latency.summary(rz["runs"][name]) for name in ("cardinal", "redis")}
        for name in ("cardinal", "redis"):
            s = summ[name]
            sec(f"| {name} | {s['load_s']:.1f} | {s['probes']:,.0f} | {s['p50']:.3f} | {s['p99']:.3f} | "
                f"{s['p999']:.3f} | {s['max']:.3f} | {fmt_num(s['worst_ms'], 'd')} | "
                f"{fmt_num(s['slow_us'], ',d')} | {fmt_num(s['slow_entries'], 'd')} | "
                f"{fmt_num(s['preempted'], ',.0f')} | {s['probe_late_ms']:.1f} |")
        sec("")
        for name in ("cardinal", "redis"):
            for i, r in enumerate(rz["runs"][name]):
                sec(f"- {name} round {i + 1}: load {r['load_s']:.1f} s, probe p99.9 {r['p999']:.3f} ms, max "
                    f"{r['max']:.3f} ms, server preempted {fmt_num(r.get('preempted'), ',d')} times")
                if r["latency"] is not None:
                    lat = r["latency"]
                    hist = {e: [ms for _, ms in h] for e, h in lat["history"].items() if h}
                    sec(f"- {name} round {i + 1}: LATENCY LATEST {lat['latest'] or '(empty)'}; "
                        f"HISTORY {hist or '(empty)'}")
                if r["slowlog"] is not None and r["slowlog"]["entries"]:
                    sec(f"- {name} round {i + 1}: slowest logged command {r['slowlog']['worst_us']:,} us "
                        f"(`{r['slowlog']['worst_cmd']} ...`)")
        sec("")
        if "resize" in plots:
            sec("Per server, the round whose server was preempted least:")
            sec("")
            sec(f"![probe round trips during the growth]({plots['resize']})")
            sec("")
        c, r = summ["cardinal"], summ["redis"]
        targets.append(("Growth: probe p99.9 below Redis's", f"{c['p999']:.3f} vs {r['p999']:.3f} ms",
                        c["p999"] < r["p999"]))
        targets.append(("Growth: probe max below Redis's", f"{c['max']:.3f} vs {r['max']:.3f} ms",
                        c["max"] < r["max"]))
        worst = c["worst_ms"]
        targets.append((f"Growth: server's worst command ≤ {TARGET_WORST_COMMAND_MS} ms (LATENCY)",
                        ("LATENCY not available" if worst is None else f"{worst} ms") +
                        ("" if c["slow_us"] is None else f" (slow log: {c['slow_us']:,} us)"),
                        None if worst is None else worst <= TARGET_WORST_COMMAND_MS))

    if "sinter" in results:
        sec("## SINTER")
        sec("")
        sec(f"Both servers loaded, then `redis-benchmark -c 1 -n N SINTER ...` per query, {opts.rounds} "
            "interleaved rounds, medians (members are 18-byte strings). Round trip: microseconds per call as "
            "the client sees them. Server: INFO commandstats usec_per_call after CONFIG RESETSTAT, the "
            "command's own time without network and wake-ups (for calls near or under a microsecond this "
            "depends on how the server rounds each call's time: Redis subtracts two microsecond clock "
            "readings, which is unbiased on average; truncating each call's duration is not).")
        sec("")
        sec("| query | cardinal us/call | redis us/call | speed-up | cardinal server us | redis server us | speed-up |")
        sec("|---|---|---|---|---|---|---|")
        vals = []
        for r in results["sinter"]:
            c, rd = sinter.medians(r["cardinal"]), sinter.medians(r["redis"])
            if c is None or rd is None:
                sec(f"| {r['query']} | n/a | n/a | (failed) | | | |")
                vals.append(None)
                continue
            vals.append((c, rd))
            server = ("n/a | n/a | |" if None in (c[1], rd[1])
                      else f"{c[1]:,.2f} | {rd[1]:,.2f} | {rd[1] / c[1]:.2f}x |")
            sec(f"| {r['query']} | {c[0]:,.1f} | {rd[0]:,.1f} | {rd[0] / c[0]:.2f}x | {server}")
        sec("")
        if len(vals) == 3:
            # The server's own time when it reports one (the one-client round trip is mostly wake-ups).
            small = [(v[0][1] if v[0][1] is not None else v[0][0]) for v in vals[:2] if v]
            ok = len(small) == 2 and max(small) < TARGET_SINTER_SMALL_US
            targets.append((f"SINTER {results['sinter'][0]['query']}: microseconds in both orders "
                            f"(server time < {TARGET_SINTER_SMALL_US:.0f} us/call)",
                            " / ".join(f"{x:.2f}" for x in small) + " us", ok if len(small) == 2 else None))
            big = vals[2]
            targets.append((f"SINTER {results['sinter'][2]['query']} ≥ {TARGET_SINTER_BIG}x Redis (round trip)",
                            f"{big[1][0] / big[0][0]:.2f}x" if big else "n/a",
                            None if not big else big[1][0] / big[0][0] >= TARGET_SINTER_BIG))

    if targets:
        add("## Targets (issue 6)")
        add("")
        add("| target | measured | |")
        add("|---|---|---|")
        for name, value, ok in targets:
            add(f"| {name} | {value} | {met(ok)} |")
        add("")
    L.extend(L_sections)
    add("## Notes")
    add("")
    add(f"- Request counts: -n {sizes['p1']:,} at -P 1 and {sizes['p16']:,} at -P 16, LRANGE_100 and MSET "
        "scaled down (see the -n column; bench/e2e/suite.py explains the choice).")
    add("- Both servers and the load generators share this machine with whatever else runs on it; "
        "ratios measured in the same run are what matter, absolute numbers move by 10-25% between runs.")
    add("- At -P 16 one redis-benchmark thread on one CPU may be the bottleneck for the cheapest "
        "commands, which pulls their ratios towards 1.")
    if plots.get("skipped"):
        add(f"- Plots skipped: {plots['skipped']}.")
    if errors:
        add("")
        add("## Errors")
        add("")
        for section, text in errors:
            add(f"- {section}: `{text}`")
    add("")
    return "\n".join(L)


# ---------------------------------------------------------------------------------------------
# Plots


def make_plots(results, out_dir, rel_dir):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return {"skipped": "python3-matplotlib is not installed (apt-get install python3-matplotlib)"}
    plots = {}
    if results.get("throughput"):
        rows = results["throughput"]
        fig, axes = plt.subplots(len(SIZES), 1, figsize=(11, 4 * len(SIZES)), squeeze=False)
        g = throughput_summary(rows)
        for ax, size in zip(axes[:, 0], SIZES):
            width = 0.38
            for k, pipeline in enumerate(PIPELINES):
                sel = [r for r in rows if r["size"] == size and r["pipeline"] == pipeline]
                xs = [i + (k - 0.5) * width for i in range(len(sel))]
                ys = [median(r["cardinal"]) / median(r["redis"])
                      if None not in r["cardinal"] and None not in r["redis"] else 0 for r in sel]
                gm = g.get((pipeline, size))
                label = f"-P {pipeline}" + (f" (geomean {gm:.2f})" if gm else "")
                ax.bar(xs, ys, width, label=label)
            names = [r["test"] for r in rows if r["size"] == size and r["pipeline"] == PIPELINES[0]]
            ax.set_xticks(range(len(names)))
            ax.set_xticklabels(names, rotation=30, ha="right")
            ax.axhline(1.0, color="black", linewidth=0.8)
            ax.axhline(TARGET_P16, color="gray", linewidth=0.8, linestyle="--")
            ax.set_ylabel("cardinal / redis (requests/s)")
            ax.set_title(f"Throughput ratio, {size}-byte values, redis-benchmark -c 50")
            ax.legend(loc="upper left")
        fig.tight_layout()
        fig.savefig(os.path.join(out_dir, "throughput.png"), dpi=110)
        plt.close(fig)
        plots["throughput"] = os.path.join(rel_dir, "throughput.png")
    if results.get("resize"):
        rz = results["resize"]
        fig, axes = plt.subplots(2, 1, figsize=(11, 7), sharex=True, sharey=True)
        for ax, name, color in zip(axes, ("cardinal", "redis"), ("tab:blue", "tab:orange")):
            i, run = quietest(rz["runs"][name])
            rounds = len(rz["runs"][name])
            which = f"round {i + 1} of {rounds} (least preempted)" if rounds > 1 else "one round"
            xs = [t / 1e3 for t, _ in run["samples"]]
            ys = [rtt for _, rtt in run["samples"]]
            ax.plot(xs, ys, ".", markersize=2, color=color)
            ax.set_yscale("log")
            ax.set_ylabel("probe round trip (ms)")
            ax.set_title(f"{name}, {which}: set grows to {rz['n']:,} members in {run['load_s']:.1f} s; "
                         f"p99.9 {run['p999']:.2f} ms, max {run['max']:.2f} ms", fontsize=10)
            ax.grid(True, which="both", alpha=0.3)
        axes[-1].set_xlabel("seconds since the load started")
        fig.tight_layout()
        fig.savefig(os.path.join(out_dir, "resize_latency.png"), dpi=110)
        plt.close(fig)
        plots["resize"] = os.path.join(rel_dir, "resize_latency.png")
    return plots


# ---------------------------------------------------------------------------------------------


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--cardinal", required=True, help="the Release cardinal-server binary")
    p.add_argument("--reference", default=REDIS_BIN)
    p.add_argument("--only", default=",".join(SECTIONS), help="comma list of " + ",".join(SECTIONS))
    p.add_argument("--quick", action="store_true", help="small sizes: a ~2 minute smoke test")
    p.add_argument("--rounds", type=int, help="interleaved rounds per throughput/SINTER test (full 5, quick 2)")
    p.add_argument("--resize-rounds", type=int, help="rounds of the growth test (full 3, quick 1)")
    p.add_argument("--out", default=os.path.join(REPO, "docs", "bench", "RESULTS.md"))
    p.add_argument("--no-pin", action="store_true", help="do not pin servers and load generators")
    opts = p.parse_args()
    only = [s for s in opts.only.split(",") if s]
    bad = [s for s in only if s not in SECTIONS]
    if bad:
        p.error(f"unknown section(s) {','.join(bad)}; choose from {','.join(SECTIONS)}")
    sizes = dict(QUICK if opts.quick else FULL)
    opts.rounds = opts.rounds or sizes["rounds"]
    resize_rounds = opts.resize_rounds or sizes["resize_rounds"]
    cardinal = os.path.abspath(opts.cardinal)
    if not os.access(cardinal, os.X_OK):
        p.error(f"{cardinal} is not an executable")
    out = os.path.abspath(opts.out)
    out_dir = os.path.dirname(out)
    os.makedirs(out_dir, exist_ok=True)

    started = datetime.datetime.now(datetime.timezone.utc)
    results = {"command": shlex.join([sys.executable, os.path.relpath(os.path.abspath(sys.argv[0]))] + sys.argv[1:]),
               "quick": opts.quick, "rounds": opts.rounds, "sizes": sizes}
    plan = None if opts.no_pin else enable_pinning()
    if plan:
        results["pinning"] = {"server": ",".join(map(str, sorted(plan[0]))),
                              "load": ",".join(map(str, sorted(plan[1])))}
    env = {"machine": machine(), "versions": versions(cardinal, opts.reference),
           "load_start": " ".join(f"{x:.2f}" for x in os.getloadavg()),
           "wakeup": wakeup_round_trip(opts.reference)}
    log(f"suite: {','.join(only)}; {'quick' if opts.quick else 'full'}; rounds {opts.rounds}; "
        f"pinning {results.get('pinning', 'off')}; report {out}")
    errors = []
    steps = {"throughput": lambda: run_throughput(cardinal, opts.reference, sizes, opts.rounds, results),
             "memory": lambda: run_memory(cardinal, opts.reference, sizes, results),
             "resize": lambda: run_resize(cardinal, opts.reference, sizes, resize_rounds, results),
             "sinter": lambda: run_sinter(cardinal, opts.reference, sizes, opts.rounds, results)}
    for section in SECTIONS:
        if section not in only:
            continue
        t0 = time.monotonic()
        log(f"{section} ...")
        try:
            steps[section]()
        except Exception as e:  # a failed section is reported; the others still run
            traceback.print_exc()
            errors.append((section, f"{type(e).__name__}: {e}"))
            results.pop(section, None)
        log(f"{section}: {time.monotonic() - t0:.0f} s")
    env["load_end"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    finished = datetime.datetime.now(datetime.timezone.utc)

    plots = make_plots(results, out_dir, ".")
    text = report(opts, sizes, results, env, started, finished, plots, errors)
    with open(out, "w") as f:
        f.write(text)
    raw = dict(results, env=env, errors=errors, started=started.isoformat(), finished=finished.isoformat())
    if "resize" in raw:  # every probe sample would make the file megabytes; the plot has them
        raw["resize"] = {"n": raw["resize"]["n"],
                         "runs": {k: [{f: v for f, v in r.items() if f != "samples"} for r in runs]
                                  for k, runs in raw["resize"]["runs"].items()}}
    with open(os.path.join(out_dir, "results.json"), "w") as f:
        json.dump(raw, f, indent=1, default=str)
    print(text)
    pngs = [os.path.join(out_dir, os.path.basename(v)) for k, v in plots.items() if k != "skipped"]
    log(f"wrote {out}, results.json" + "".join(f", {p}" for p in pngs) +
        (f"; plots skipped: {plots['skipped']}" if "skipped" in plots else ""))
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
