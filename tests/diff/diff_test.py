#!/usr/bin/python3
"""Differential test: the same seeded random command streams against redis-server (the oracle)
and cardinal, comparing every reply with its exact RESP type.

Run `diff_test.py --help` for the options and README.md for reproducing a failure. Exit status:
0 all streams agreed, 1 a mismatch, 2 the harness could not run (a server did not start).
"""
import argparse
import os
import random
import shutil
import sys
import time

sys.dont_write_bytecode = True   # leave no __pycache__ in the source tree
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "support"))

import generators  # noqa: E402
from resp_client import INT, ProtocolError, Reply, RespClient  # noqa: E402
from servers import Server  # noqa: E402

HISTORY_SHOWN = 20
DISPLAY_ARG_MAX = 80


# -- the two servers -----------------------------------------------------------------------

class Side:
    """One server and how to talk to it; restarted on demand if it died (e.g. a crash)."""

    def __init__(self, label, binary, fault=None):
        self.label = label
        self.binary = binary
        self.fault = fault        # optional reply rewriter, only for --inject-fault
        self.server = None

    def ensure_started(self):
        if self.server is None or not self.server.alive():
            self.stop()
            server = Server(self.binary)
            try:
                self.server = server.start()
            except (RuntimeError, OSError) as e:
                shutil.rmtree(server.workdir, ignore_errors=True)
                raise RuntimeError(f"{self.label}: {e}") from None

    def connect(self):
        return RespClient("127.0.0.1", self.server.port)

    def stop(self):
        if self.server is not None:
            self.server.stop()
            shutil.rmtree(self.server.workdir, ignore_errors=True)
            self.server = None


def rewrite_strlen(args, reply):
    """--inject-fault: a deliberately wrong STRLEN for values longer than 44 bytes (the raw
    encoding), so a failure needs state to reproduce and the shrinker has something to do."""
    if args[0].upper() == b"STRLEN" and reply.kind == INT and reply.value > 44:
        return Reply(INT, reply.value + 1)
    return reply


# -- running streams -----------------------------------------------------------------------

class Mismatch:
    def __init__(self, index, ref, test, history):
        self.index = index          # position of the failing step in the stream
        self.ref = ref
        self.test = test
        self.history = history      # [(args, reference reply)] before the failing step


def execute(client, step, fault=None):
    """Run one step; a dead or garbled connection becomes a reply so it is reported as a diff."""
    def call(args):
        reply = client.call(args)
        return fault(args, reply) if fault else reply
    try:
        return step.execute(call)
    except (ProtocolError, OSError) as e:
        return Reply("connection_error", str(e))


def connect_flushed(side):
    """A new connection (RESP2, db 0, no name) to an empty server. A server that cannot even
    do this between streams is reported as 'cannot run', not as a diff."""
    try:
        client = side.connect()
        client.call([b"FLUSHALL"])
        return client
    except (ProtocolError, OSError) as e:
        raise RuntimeError(f"{side.label}: cannot connect and FLUSHALL: {e}\n"
                           + side.server.read_log()[-2000:]) from None


def run_stream(ref_side, test_side, steps):
    """Run steps on fresh connections after FLUSHALL; the first Mismatch, or None."""
    for side in (ref_side, test_side):
        side.ensure_started()
    history = []
    with connect_flushed(ref_side) as ref, connect_flushed(test_side) as test:
        for i, step in enumerate(steps):
            a = execute(ref, step)
            b = execute(test, step, test_side.fault)
            if not step.same(a, b) or a.kind == "connection_error":
                return Mismatch(i, a, b, history)
            history.append((step.args, a))
        return check_still_alive(test, steps, history)


def check_still_alive(test, steps, history):
    """A crash right after the last reply would otherwise go unnoticed (the next stream
    restarts the server), so end every stream with a PING; blame the last command."""
    try:
        test.call([b"PING"])
        return None
    except (ProtocolError, OSError) as e:
        if not history:
            raise RuntimeError(f"cardinal died before any command: {e}") from None
        last_reply = history[-1][1]
        return Mismatch(len(steps) - 1, last_reply,
                        Reply("connection_error", f"PING after this command: {e}"), history[:-1])


# -- shrinking -----------------------------------------------------------------------------

def shrink(ref_side, test_side, steps, mismatch, deadline):
    """Delta-debug the stream: drop chunks of steps while the same command still mismatches
    on FLUSHALL'd servers. Returns (steps, mismatch) for the smallest failing stream found."""
    target = steps[mismatch.index].args
    best = steps[:mismatch.index + 1]

    def still_fails(candidate):
        m = run_stream(ref_side, test_side, candidate)
        if m is not None and candidate[m.index].args == target:
            return candidate[:m.index + 1], m
        return None

    found = still_fails(best)
    if found is None:
        return None, None       # not reproducible on fresh servers: timing dependent?
    best, best_mismatch = found
    chunk = max(1, len(best) // 2)
    while time.monotonic() < deadline:
        i = 0
        while i < len(best) and len(best) > 1 and time.monotonic() < deadline:
            found = still_fails(best[:i] + best[i + chunk:])
            if found:
                best, best_mismatch = found
            else:
                i += chunk
        if chunk == 1:
            break
        chunk = max(1, chunk // 2)
    return best, best_mismatch


# -- reporting -----------------------------------------------------------------------------

def show_arg(arg, limit=None):
    """Readable arg: str when it is UTF-8, bytes otherwise; long runs of one byte shortened."""
    try:
        text = arg.decode()
    except UnicodeDecodeError:
        text = arg
    if len(arg) > 20 and arg == arg[:1] * len(arg):
        return f"{text[:1]!r} * {len(arg)}"
    if limit and len(arg) > limit:
        return f"{text[:limit]!r}...<{len(arg)} bytes>"
    return repr(text)


def show_args(args, limit=DISPLAY_ARG_MAX):
    return "[" + ", ".join(show_arg(a, limit) for a in args) + "]"


def show_reply(reply, limit=600):
    text = repr(reply)
    return text if len(text) <= limit else text[:limit] + f"...<{len(text)} chars>"


def report_mismatch(opts, stream_no, steps, m, test_label):
    protocol = "RESP3" if steps[0].args == [b"HELLO", b"3"] else "RESP2"
    print(f"diff: MISMATCH in stream {stream_no} (seed {opts.seed}, {protocol} at start), "
          f"step {m.index + 1} of {len(steps)}")
    print(f"  command:   {show_args(steps[m.index].args, limit=None)}")
    print(f"  compare:   {describe_check(steps[m.index]) or 'exact'}")
    print(f"  reference: {show_reply(m.ref)}")
    print(f"  {test_label + ':':<10} {show_reply(m.test)}")
    print(f"  last {min(HISTORY_SHOWN, len(m.history))} commands before it "
          f"(with the reference's replies):")
    start = len(m.history) - HISTORY_SHOWN
    for n, (args, reply) in enumerate(m.history[-HISTORY_SHOWN:], start=max(start, 0) + 1):
        print(f"    {n:4}  {show_args(args)}  ->  {show_reply(reply, 120)}")
    rerun = [sys.argv[0], "--seed", str(opts.seed), "--only-stream", str(stream_no),
             "--commands", str(opts.commands), "--families", ",".join(opts.families)]
    print("  rerun:     /usr/bin/python3 " + " ".join(rerun) + " " + side_args(opts))


def side_args(opts):
    if opts.self_check:
        return "--self-check" + (" --inject-fault" if opts.inject_fault else "")
    return f"--cardinal {opts.cardinal}"


def describe_check(step):
    """'' for a plain exact comparison, else how the step is run and compared."""
    parts = []
    if step.run is not None:
        parts.append(f"run via {step.run.__name__}")
    if step.same is not generators.exact:
        parts.append(f"compared with {step.same.__name__}")
    return ", ".join(parts)


def report_repro(steps, m, test_label):
    print(f"diff: minimal repro ({len(steps)} commands, fresh connection after FLUSHALL):")
    print("repro = [")
    for s in steps:
        note = describe_check(s)
        print(f"    {show_args(s.args, limit=None)},{'  # ' + note if note else ''}")
    print("]")
    print(f"  reference: {show_reply(m.ref)}")
    print(f"  {test_label + ':':<10} {show_reply(m.test)}")


# -- main ----------------------------------------------------------------------------------

def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--cardinal", default=os.environ.get("CARDINAL_BIN"),
                   help="server under test (default: $CARDINAL_BIN)")
    p.add_argument("--reference", default="/usr/bin/redis-server", help="oracle binary")
    p.add_argument("--seed", type=int, default=None, help="default: random, printed")
    p.add_argument("--streams", type=int, default=40)
    p.add_argument("--commands", type=int, default=400, help="commands per stream")
    p.add_argument("--time-limit", type=float, default=40.0,
                   help="seconds; no new stream starts after this")
    p.add_argument("--shrink-time", type=float, default=15.0, help="seconds spent shrinking")
    p.add_argument("--families", default=",".join(generators.DEFAULT_FAMILIES),
                   help="comma separated, or 'all'; known: " + ",".join(generators.FAMILIES))
    p.add_argument("--only-stream", type=int, default=None, help="run just this stream number")
    p.add_argument("--self-check", action="store_true",
                   help="use the reference for both sides: validates the harness itself")
    p.add_argument("--inject-fault", action="store_true",
                   help="harness self-test: corrupt the tested side's STRLEN replies > 44")
    opts = p.parse_args(argv)
    opts.families = (list(generators.FAMILIES) if opts.families == "all"
                     else [f for f in opts.families.split(",") if f])
    unknown = [f for f in opts.families if f not in generators.FAMILIES]
    if unknown or not opts.families:
        p.error(f"unknown families {unknown}; known: {', '.join(generators.FAMILIES)}")
    if not opts.self_check and not opts.cardinal:
        p.error("--cardinal (or $CARDINAL_BIN) is required unless --self-check")
    if opts.seed is None:
        opts.seed = random.SystemRandom().randrange(10 ** 9)
    # Servers run with their temp dir as cwd, so a relative path must be resolved here.
    opts.reference = resolve_binary(opts.reference)
    opts.cardinal = opts.cardinal and resolve_binary(opts.cardinal)
    return opts


def resolve_binary(path):
    return os.path.abspath(path) if os.sep in path else (shutil.which(path) or path)


def run(opts, ref_side, test_side):
    """Run the streams; returns (passed, failed)."""
    numbers = [opts.only_stream] if opts.only_stream is not None else range(opts.streams)
    deadline = time.monotonic() + opts.time_limit
    passed = 0
    for n in numbers:
        if time.monotonic() > deadline:
            print(f"diff: time limit reached, {len(numbers) - passed} streams not run")
            break
        steps = generators.make_stream(opts.seed, n, opts.commands, opts.families)
        m = run_stream(ref_side, test_side, steps)
        if m is None:
            passed += 1
            continue
        report_mismatch(opts, n, steps, m, test_side.label)
        shrink_and_report(opts, ref_side, test_side, steps, m)
        return passed, 1
    return passed, 0


def shrink_and_report(opts, ref_side, test_side, steps, m):
    try:
        small, small_m = shrink(ref_side, test_side, steps, m,
                                time.monotonic() + opts.shrink_time)
    except RuntimeError as e:   # e.g. the tested server no longer starts after a crash
        print(f"diff: shrinking stopped: {e}")
        return
    if small is None:
        print("diff: the mismatch did not reproduce on a rerun (timing dependent?)")
    else:
        report_repro(small, small_m, test_side.label)


def main(argv=None):
    opts = parse_args(argv if argv is not None else sys.argv[1:])
    test_binary = opts.reference if opts.self_check else opts.cardinal
    ref_side = Side("reference", opts.reference)
    test_side = Side("cardinal", test_binary, rewrite_strlen if opts.inject_fault else None)
    print(f"diff: seed {opts.seed}, {opts.streams if opts.only_stream is None else 1} streams x "
          f"{opts.commands} commands, families {','.join(opts.families)}")
    print(f"diff: reference {opts.reference} vs {test_side.label} {test_binary}"
          + (" (self-check)" if opts.self_check else ""))
    started = time.monotonic()
    try:
        for side in (ref_side, test_side):
            side.ensure_started()
        passed, failed = run(opts, ref_side, test_side)
    except RuntimeError as e:   # a server would not start: not a diff, the harness can't run
        print(f"diff: cannot run: {e}")
        return 2
    finally:
        test_side.stop()
        ref_side.stop()
    print(f"diff: {time.monotonic() - started:.1f}s")
    print(f"diff: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
