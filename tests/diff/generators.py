"""Seeded random command generators for the differential test.

A stream is a list of `Step`s. Each command family is one function `family(g) -> Step`
(registered in FAMILIES) that picks one of its small per-command generators; a new family
(zsets, transactions, ...) is a new function plus a FAMILIES entry.

A Step carries how its replies are compared, because some replies legitimately differ between
two correct servers: KEYS order, TTL drift, RANDOMKEY, HELLO's id. `same(a, b)` is the
comparison (exact by default); `run(call, args)` replaces the single round trip for compound
steps (a full SCAN iteration, RANDOMKEY + EXISTS, a size-guarded LCS) and returns one
synthesized Reply for comparison.

Expiry values are chosen so that the stream's outcome never depends on when exactly a command
runs: relative TTLs are >= 100 s, and every future expiry in a stream is at least 5 s away from
every other one, so NX/XX/GT/LT comparisons between them cannot flip from a few ms of skew.
"""
import random
import time

from resp_client import ARRAY, BULK, DOUBLE, ERROR, INT, MAP, SET, SIMPLE, Reply

# -- the data pools ------------------------------------------------------------------------

# Few keys so commands collide; includes the empty key, binary, UTF-8 and glob metacharacters.
KEYS = [b"k1", b"k2", b"k3", b"foo", b"{tag}x", b"{tag}y", b"", "é".encode(), b"k\x00\r\n",
        b"a*b", b"k?", b"[x]"]

SPECIAL_VALUES = [
    b"0", b"-0", b"1", b"-1", b"007", b" 1", b"1 ", b"+1", b"1.5", b"-1.5", b".5", b"1.",
    b"1e3", b"3.0e+5", b"inf", b"-inf", b"nan", b"infinity", b"0x10", b"9999", b"10000",
    b"9223372036854775807", b"-9223372036854775808", b"9223372036854775808",
    b"-9223372036854775809", b"12345678901234567890", b"", b"a\x00b", b"\r\n", b"hello",
    b"x" * 20, b"x" * 21, b"x" * 44, b"x" * 45,
]

INCREMENTS = [b"0", b"1", b"-1", b"9223372036854775807", b"-9223372036854775808",
              b"9223372036854775808", b"-9223372036854775809", b"1.5", b"abc", b"", b" 1",
              b"-0", b"007", b"1e3", b"+1", b"0x10"]

FLOAT_INCREMENTS = [b"0", b"0.1", b"-0.1", b"1.5", b"-1.5", b"1e3", b"3.0e+5", b"5.0e3",
                    b"1e-5", b"1e-20", b"1e308", b"-1e308", b"1e400", b"1e5000", b"inf",
                    b"-inf", b"nan", b"abc", b"", b" 1", b"-0", b"0x10", b"1.",
                    b"1.23456789012345678", b"17e20", b"123456789012345678901234567890"]

# Values that are wrong as a relative/absolute time, whatever the command.
BAD_TIMES = [b"0", b"-1", b"-100", b"x", b"1.5", b"", b" 1", b"9223372036854775807",
             b"9223372036854775", b"-9223372036854775808"]

# Glob edge cases: unclosed classes, reversed ranges, escapes, [^], NUL, UTF-8.
PATTERNS = [b"*", b"k*", b"k?", b"?", b"??", b"[a-k]*", b"[^k]*", b"[z-a]*", b"k\\?",
            b"a\\*b", b"*\\**", b"{tag}*", b"\\{tag}*", "é*".encode(), "[é]".encode(), b"k[0-9]",
            b"k[!0-9]", b"[", b"[a-", b"\\", b"*\\", b"[]]", b"[^]", b"[[]", b"\\[*", b"[\\]]*",
            b"[x]", b"\\[x\\]", b"", b"*\x00*", b"nomatch", b"*y", b"[k]?", b"k[\\0-9]",
            b"*[", b"[^a-z]*", b"k[1-2]", b"**", b"*?*"]

# Pieces for random globs, so matcher corner cases are hit beyond the fixed list above.
PATTERN_PIECES = [b"*", b"?", b"k", b"x", b"1", b"[a-z]", b"[^k]", b"[k-a]", b"\\", b"\\*", b"[",
                  b"]", b"-", b"^", b"[\\]]", "é".encode(), b"\x00", b"{tag}"]

SCAN_TYPES = [b"string", b"STRING", b"list", b"set", b"hash", b"zset", b"none", b"foo"]
DB_INDEXES = [b"0", b"1", b"1", b"2", b"15", b"16", b"-1", b"x", b"01", b"1.0"]
CLIENT_NAMES = [b"myconn", b"x~!", b"a-b_c", b"", b"a b", b"a\nb", "é".encode(), b"\x7f"]

# Redis arity (count including the command name; negative = at least that many).
ARITY = {
    "GET": 2, "SET": -3, "SETNX": 3, "SETEX": 4, "PSETEX": 4, "MGET": -2, "MSET": -3,
    "MSETNX": -3, "GETSET": 3, "GETDEL": 2, "GETEX": -2, "APPEND": 3, "STRLEN": 2,
    "GETRANGE": 4, "SUBSTR": 4, "SETRANGE": 4, "INCR": 2, "DECR": 2, "INCRBY": 3,
    "DECRBY": 3, "INCRBYFLOAT": 3, "LCS": -3, "DEL": -2, "UNLINK": -2, "EXISTS": -2,
    "TYPE": 2, "RENAME": 3, "RENAMENX": 3, "KEYS": 2, "SCAN": -2, "RANDOMKEY": 1, "MOVE": 3,
    "SWAPDB": 3, "COPY": -3, "TOUCH": -2, "DBSIZE": 1, "SELECT": 2, "EXPIRE": -3,
    "PEXPIRE": -3, "EXPIREAT": -3, "PEXPIREAT": -3, "TTL": 2, "PTTL": 2, "EXPIRETIME": 2,
    "PEXPIRETIME": 2, "PERSIST": 2, "ECHO": 2, "TIME": 1, "RESET": 1, "OBJECT": -2,
    "CLIENT": -2, "MULTI": 1, "EXEC": 1, "DISCARD": 1, "WATCH": -2, "UNWATCH": 1, "SADD": -3, "SREM": -3, "SISMEMBER": 3, "SMISMEMBER": -3, "SMEMBERS": 2,
    "SCARD": 2, "SPOP": -2, "SRANDMEMBER": -2, "SMOVE": 4, "SINTER": -2, "SINTERSTORE": -3,
    "SINTERCARD": -3, "SUNION": -2, "SUNIONSTORE": -3, "SDIFF": -2, "SDIFFSTORE": -3,
    "SSCAN": -3, "HSET": -4, "HMSET": -4, "HSETNX": 4, "HGET": 3, "HMGET": -3, "HDEL": -3,
    "HLEN": 2, "HEXISTS": 3, "HSTRLEN": 3, "HINCRBY": 4, "HINCRBYFLOAT": 4, "HKEYS": 2,
    "HVALS": 2, "HGETALL": 2, "HRANDFIELD": -2, "HSCAN": -3, "LPUSH": -3, "RPUSH": -3,
    "LPUSHX": -3, "RPUSHX": -3, "LPOP": -2, "RPOP": -2, "LLEN": 2, "LRANGE": 4, "LINDEX": 3,
    "LSET": 4, "LINSERT": 5, "LREM": 4, "LTRIM": 4, "LPOS": -3, "LMOVE": 5, "RPOPLPUSH": 3,
    "LMPOP": -4,
    "HVALS": 2, "HGETALL": 2, "HRANDFIELD": -2, "HSCAN": -3, "ZADD": -4, "ZINCRBY": 4,
    "ZSCORE": 3, "ZMSCORE": -3, "ZCARD": 2, "ZREM": -3, "ZPOPMIN": -2, "ZPOPMAX": -2,
    "ZMPOP": -4, "ZRANDMEMBER": -2, "ZSCAN": -3,
    "ZRANGE": -4, "ZRANGESTORE": -5, "ZREVRANGE": -4, "ZRANGEBYSCORE": -4,
    "ZREVRANGEBYSCORE": -4, "ZRANGEBYLEX": -4, "ZREVRANGEBYLEX": -4, "ZCOUNT": 4,
    "ZLEXCOUNT": 4, "ZREMRANGEBYRANK": 4, "ZREMRANGEBYSCORE": 4, "ZREMRANGEBYLEX": 4,
    "ZUNION": -3, "ZINTER": -3, "ZDIFF": -3, "ZINTERCARD": -3, "ZUNIONSTORE": -4,
    "ZINTERSTORE": -4, "ZDIFFSTORE": -4,
    # Variadic (un)subscribes only ever get too few arguments from _wrong_arity, so no stream
    # is left subscribed; COMMAND GETKEYS sees SSUBSCRIBE/SPUBLISH's not_key channels.
    "SUBSCRIBE": -2, "PSUBSCRIBE": -2, "SSUBSCRIBE": -2, "UNSUBSCRIBE": -1, "PUNSUBSCRIBE": -1,
    "SUNSUBSCRIBE": -1, "PUBLISH": 3, "SPUBLISH": 3, "PUBSUB": -2,
    # ZRANK/ZREVRANK are left out: cardinal takes 7.2's WITHSCORE, so one extra argument is
    # a syntax error there and an arity error in 7.0.
}

MAX_LCS_CELLS = 4_000_000   # LCS is O(len_a * len_b) in time and memory on the server


def to_bytes(arg):
    if isinstance(arg, bytes):
        return arg
    if isinstance(arg, int):
        return str(arg).encode()
    return arg.encode()


class Step:
    """One stream element: a command plus how to run it and compare its replies."""
    __slots__ = ("args", "same", "run")

    def __init__(self, args, same=None, run=None):
        self.args = [to_bytes(a) for a in args]
        self.same = same or exact
        self.run = run

    def execute(self, call):
        return self.run(call, self.args) if self.run else call(self.args)


# -- reply comparisons ---------------------------------------------------------------------

def exact(a, b):
    return a == b


def multiset(a, b):
    """Same elements in any order (KEYS, later SMEMBERS...)."""
    if a.kind == b.kind and a.kind == ARRAY:
        return sorted(a.value) == sorted(b.value)
    return a == b


def near(tolerance):
    """Integers that may drift with the clock (TTL, PTTL, EXPIRETIME): equal within tolerance
    when both are real times (>= 0); the -1 / -2 markers must match exactly."""
    def same(a, b):
        if a.kind == b.kind == INT and a.value >= 0 and b.value >= 0:
            return abs(a.value - b.value) <= tolerance
        return a == b
    same.__name__ = f"near({tolerance})"
    return same


def non_negative_int(a, b):
    """OBJECT IDLETIME: its clock is coarse and cached, so only the reply's shape is comparable."""
    if a.kind == b.kind == INT:
        return (a.value >= 0) == (b.value >= 0)
    return a == b


# What BGSAVE and BGREWRITEAOF answer depends on whether a child from earlier in the stream is
# still running, which is a matter of timing: any of these replies matches any other.
BACKGROUND_REPLIES = {
    Reply(SIMPLE, b"Background saving started"), Reply(SIMPLE, b"Background saving scheduled"),
    Reply(ERROR, b"ERR Background save already in progress"),
    Reply(ERROR, b"ERR Another child process is active (AOF?): can't BGSAVE right now. Use "
                 b"BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible."),
    Reply(SIMPLE, b"Background append only file rewriting started"),
    Reply(SIMPLE, b"Background append only file rewriting scheduled"),
    Reply(ERROR, b"ERR Background append only file rewriting already in progress"),
}


def background_start(a, b):
    """BGSAVE / BGREWRITEAOF: started, scheduled or busy are one outcome; errors otherwise exact."""
    return (a in BACKGROUND_REPLIES and b in BACKGROUND_REPLIES) or a == b


def time_close(a, b):
    """TIME: two bulk integers, seconds within 2 of each other, microseconds in range."""
    def parts(r):
        if r.kind != ARRAY or len(r.value) != 2 or any(x.kind != BULK for x in r.value):
            return None
        try:
            sec, usec = (int(x.value) for x in r.value)
        except ValueError:
            return None
        return (sec, usec) if 0 <= usec < 1_000_000 else None
    pa, pb = parts(a), parts(b)
    if pa is None or pb is None:
        return a == b
    return abs(pa[0] - pb[0]) <= 2


_HELLO_MASKED = {b"server", b"version", b"id"}
_MASK = Reply(BULK, b"<masked>")


def _mask_hello(r):
    if r.kind == MAP:
        return Reply(MAP, tuple((k, _MASK if k.value in _HELLO_MASKED else v) for k, v in r.value))
    if r.kind == ARRAY and len(r.value) % 2 == 0:
        items = list(r.value)
        for i in range(0, len(items), 2):
            if items[i].value in _HELLO_MASKED:
                items[i + 1] = _MASK
        return Reply(ARRAY, tuple(items))
    return r


def hello_masked(a, b):
    """HELLO: the server name, version and client id legitimately differ."""
    return _mask_hello(a) == _mask_hello(b)


# -- compound steps ------------------------------------------------------------------------

def _scan_to_end(call, command, cursor_index, label, collect):
    """Iterate a SCAN-family command from cursor 0 back to 0 and return what `collect` gathered
    from each batch as a sorted set (order, duplicates and cursor values are implementation
    details); any reply that is not [cursor, batch] is returned as is."""
    seen, cursor = set(), b"0"
    for _ in range(10000):
        args = list(command)
        args[cursor_index] = cursor
        reply = call(args)
        if reply.kind != ARRAY or len(reply.value) != 2:
            return reply
        cur, batch = reply.value
        if cur.kind != BULK or batch.kind != ARRAY:
            return reply
        seen.update(collect(batch.value))
        cursor = cur.value
        if cursor == b"0":
            return Reply(label, tuple(sorted(seen)))
    return Reply(label + "_unfinished", tuple(sorted(seen)))


def scan_all(call, args):
    """SCAN: the key set."""
    return _scan_to_end(call, args, 1, "scan_keys", lambda items: items)


def randomkey_exists(call, args):
    """RANDOMKEY: which key is random, so compare only 'got a key' and that the key exists."""
    reply = call(args)
    if reply.kind != BULK:
        return reply
    return Reply("randomkey", ("some key", call([b"EXISTS", reply.value])))


def then_exists(call, args):
    """SET with EXAT/PXAT in the past leaves a logically expired key in Redis until something
    touches it (DBSIZE still counts it, RANDOMKEY or the expire cycle may drop it at random),
    so touch the key at once to make the state deterministic; both replies are compared."""
    return Reply("with_exists", (call(args), call([b"EXISTS", args[1]])))


def lcs_guarded(call, args):
    """LCS, unless both values are so long the server would need a huge matrix."""
    lengths = [call([b"STRLEN", key]) for key in args[1:3]]
    if all(r.kind == INT for r in lengths) and lengths[0].value * lengths[1].value > MAX_LCS_CELLS:
        return Reply("lcs_skipped", tuple(lengths))
    return call(args)


# -- generation context --------------------------------------------------------------------

class Gen:
    """Per-stream generator state: the RNG, the wall clock at generation, used expiries."""

    def __init__(self, rng):
        self.rng = rng
        self.now_ms = int(time.time() * 1000)
        self.used_offsets_ms = []

    def pick(self, weighted):
        """weighted: list of (weight, item)."""
        weights, items = zip(*weighted)
        return self.rng.choices(items, weights)[0]

    def chance(self, p):
        return self.rng.random() < p

    def cased(self, word):
        """Command names and options are case-insensitive: vary the case now and then."""
        r = self.rng.random()
        if r < 0.8:
            return word
        if r < 0.9:
            return word.lower()
        return "".join(c.upper() if self.rng.random() < 0.5 else c.lower() for c in word)

    # keys and values
    def key(self):
        return self.rng.choice(KEYS)

    def keys(self, lo, hi):
        return [self.key() for _ in range(self.rng.randint(lo, hi))]

    def value(self):
        r = self.rng.random()
        if r < 0.3:
            return str(self.pick([(4, self.rng.randint(-20, 20)), (1, self.rng.randint(9990, 10010)),
                                  (1, self.rng.randint(0, 1 << 62))])).encode()
        if r < 0.6:
            return self.rng.choice(SPECIAL_VALUES)
        if r < 0.85:
            return self.text(0, 12)
        if r < 0.95:
            return self.long_text()
        return bytes(self.rng.randrange(256) for _ in range(self.rng.randint(1, 20)))

    def text(self, lo, hi, alphabet="abcxyz01 "):
        # A small alphabet makes LCS matches and APPEND-built numbers likely.
        return "".join(self.rng.choice(alphabet) for _ in range(self.rng.randint(lo, hi))).encode()

    def long_text(self):
        n = self.rng.choice([44, 45, 46, self.rng.randint(47, 1000)])
        if self.chance(0.5):
            return bytes([self.rng.choice(b"xyz")]) * n
        return self.text(n, n, "abcdefgh")

    def pattern(self):
        if self.chance(0.6):
            return self.rng.choice(PATTERNS)
        return b"".join(self.rng.choice(PATTERN_PIECES) for _ in range(self.rng.randint(1, 4)))

    def int_arg(self, lo, hi, bad=(b"x", b"1.5", b"", b"9223372036854775808")):
        if self.chance(0.1):
            return self.rng.choice(bad)
        return self.rng.randint(lo, hi)

    # expiry times
    def future_offset_ms(self):
        """A fresh offset 100 s .. ~28 h ahead, >= 5 s away from every other one in the stream."""
        for _ in range(1000):
            off = self.rng.randint(100_000, 100_000_000)
            if all(abs(off - used) > 5000 for used in self.used_offsets_ms):
                break
        self.used_offsets_ms.append(off)
        return off

    def rel_seconds(self):
        return self.future_offset_ms() // 1000 if self.chance(0.8) else self.rng.choice(BAD_TIMES)

    def rel_millis(self):
        return self.future_offset_ms() if self.chance(0.8) else self.rng.choice(BAD_TIMES)

    def abs_seconds(self):
        r = self.rng.random()
        if r < 0.6:
            return (self.now_ms + self.future_offset_ms()) // 1000
        if r < 0.8:   # already in the past: the key is gone at once (see then_exists)
            return self.rng.choice([1, self.now_ms // 1000 - self.rng.randint(1, 10 ** 6)])
        return self.rng.choice(BAD_TIMES + [b"9223372036854775", b"9223372036854776"])

    def abs_millis(self):
        r = self.rng.random()
        if r < 0.6:
            return self.now_ms + self.future_offset_ms()
        if r < 0.8:
            return self.rng.choice([1, self.now_ms - self.rng.randint(1, 10 ** 9)])
        return self.rng.choice(BAD_TIMES + [b"9223372036854775807"])

    def expiry_option(self):
        """One SET/GETEX style expiry option with its argument."""
        kind = self.rng.choice(["EX", "PX", "EXAT", "PXAT"])
        arg = {"EX": self.rel_seconds, "PX": self.rel_millis,
               "EXAT": self.abs_seconds, "PXAT": self.abs_millis}[kind]()
        return [self.cased(kind), arg]


def step(g, name, *args, same=None, run=None):
    return Step([g.cased(name)] + list(args), same=same, run=run)


# -- strings -------------------------------------------------------------------------------

def _get(g):
    return step(g, "GET", g.key())


def _set(g):
    opts = []
    for _ in range(g.pick([(5, 0), (4, 1), (2, 2), (1, 3)])):
        opts.append(g.pick([(4, g.expiry_option), (3, lambda: [g.cased(g.rng.choice(["NX", "XX"]))]),
                            (2, lambda: [g.cased("GET")]), (1, lambda: [g.cased("KEEPTTL")]),
                            (1, lambda: [g.rng.choice([b"FOO", b"EX", b"E X"])])])())
    g.rng.shuffle(opts)
    absolute = any(opt[0].upper() in ("EXAT", "PXAT") for opt in opts if isinstance(opt[0], str))
    return step(g, "SET", g.key(), g.value(), *[a for opt in opts for a in opt],
                run=then_exists if absolute else None)


def _setnx(g):
    return step(g, "SETNX", g.key(), g.value())


def _setex(g):
    return step(g, "SETEX", g.key(), g.rel_seconds(), g.value())


def _psetex(g):
    return step(g, "PSETEX", g.key(), g.rel_millis(), g.value())


def _mget(g):
    return step(g, "MGET", *g.keys(1, 5))


def _mset_args(g):
    args = [a for k in g.keys(1, 4) for a in (k, g.value())]
    if g.chance(0.1):
        args.append(g.key())   # odd count: wrong number of arguments
    return args


def _mset(g):
    return step(g, "MSET", *_mset_args(g))


def _msetnx(g):
    return step(g, "MSETNX", *_mset_args(g))


def _getset(g):
    return step(g, "GETSET", g.key(), g.value())


def _getdel(g):
    return step(g, "GETDEL", g.key())


def _getex(g):
    opts = g.pick([(3, lambda: []), (4, g.expiry_option), (2, lambda: [g.cased("PERSIST")]),
                   (1, lambda: g.expiry_option() + g.expiry_option()),
                   (1, lambda: [g.cased("PERSIST"), b"EX", b"100"]),
                   (1, lambda: [b"FOO"]), (1, lambda: [b"EX"])])()
    return step(g, "GETEX", g.key(), *opts)


def _append(g):
    return step(g, "APPEND", g.key(), g.value())


def _strlen(g):
    return step(g, "STRLEN", g.key())


def _range_index(g):
    return g.pick([(6, g.rng.randint(-60, 60)), (1, g.rng.randint(-2000, 2000)),
                   (1, g.rng.choice([b"9223372036854775807", b"-9223372036854775808", b"x",
                                     b"1.5", b"9223372036854775808"]))])


def _getrange(g):
    return step(g, g.rng.choice(["GETRANGE", "SUBSTR"]), g.key(), _range_index(g), _range_index(g))


def _setrange(g):
    # Offsets stay small (the server allocates up to them); the invalid ones must error.
    offset = g.pick([(8, g.rng.randint(0, 60)), (1, g.rng.randint(0, 2000)),
                     (1, g.rng.choice([-1, 536870912, b"9223372036854775807", b"x"]))])
    return step(g, "SETRANGE", g.key(), offset, g.pick([(4, g.value()), (1, b"")]))


def _incr_decr(g):
    return step(g, g.rng.choice(["INCR", "DECR"]), g.key())


def _incrby_decrby(g):
    amount = g.pick([(3, g.rng.randint(-100, 100)), (2, g.rng.choice(INCREMENTS))])
    return step(g, g.rng.choice(["INCRBY", "DECRBY"]), g.key(), amount)


def _incrbyfloat(g):
    amount = g.pick([(2, f"{g.rng.uniform(-100, 100):.{g.rng.randint(0, 5)}f}".encode()),
                     (1, f"{g.rng.uniform(-10, 10):.{g.rng.randint(0, 17)}e}".encode()),
                     (3, g.rng.choice(FLOAT_INCREMENTS))])
    return step(g, "INCRBYFLOAT", g.key(), amount)


def _lcs(g):
    opts = []
    for _ in range(g.rng.randint(0, 3)):
        opts += g.pick([(3, [g.cased("LEN")]), (4, [g.cased("IDX")]),
                        (3, [g.cased("MINMATCHLEN"), g.int_arg(-1, 4)]),
                        (3, [g.cased("WITHMATCHLEN")]), (1, [b"FOO"])])
    return step(g, "LCS", g.key(), g.key(), *opts, run=lcs_guarded)


def strings(g):
    return g.pick([(10, _set), (6, _get), (2, _setnx), (2, _setex), (2, _psetex), (3, _mget),
                   (2, _mset), (2, _msetnx), (2, _getset), (2, _getdel), (4, _getex),
                   (4, _append), (3, _strlen), (4, _getrange), (4, _setrange), (3, _incr_decr),
                   (3, _incrby_decrby), (4, _incrbyfloat), (4, _lcs)])(g)


# -- keys ----------------------------------------------------------------------------------

def _del_unlink(g):
    return step(g, g.rng.choice(["DEL", "UNLINK"]), *g.keys(1, 3))


def _exists_touch(g):
    return step(g, g.rng.choice(["EXISTS", "TOUCH"]), *g.keys(1, 4))


def _type(g):
    return step(g, "TYPE", g.key())


def _rename(g):
    return step(g, g.rng.choice(["RENAME", "RENAMENX"]), g.key(), g.key())


def _keys(g):
    pattern = g.pick([(4, g.pattern()), (1, g.key()), (1, g.key() + b"*")])
    return step(g, "KEYS", pattern, same=multiset)


def _scan(g):
    opts = []
    if g.chance(0.6):
        opts += [g.cased("MATCH"), g.pattern()]
    if g.chance(0.5):
        opts += [g.cased("COUNT"), g.rng.randint(1, 20)]
    if g.chance(0.3):
        opts += [g.cased("TYPE"), g.rng.choice(SCAN_TYPES)]
    return step(g, "SCAN", b"0", *opts, run=scan_all)


def _scan_invalid(g):
    # Only invalid calls: a non-zero cursor's meaning is implementation specific.
    bad = g.rng.choice([[b"x"], [b"18446744073709551616"], [b"0", b"COUNT", b"0"],
                        [b"0", b"COUNT", b"-1"], [b"0", b"COUNT"], [b"0", b"MATCH"],
                        [b"0", b"FOO", b"bar"], [b"0", b"COUNT", b"x"], [b"1.5"]])
    return step(g, "SCAN", *bad)


def _randomkey(g):
    return step(g, "RANDOMKEY", run=randomkey_exists)


def _move(g):
    return step(g, "MOVE", g.key(), g.rng.choice(DB_INDEXES))


def _swapdb(g):
    return step(g, "SWAPDB", *g.pick([(4, [b"0", b"1"]), (1, [b"1", b"0"]), (1, [b"0", b"0"]),
                                      (1, [g.rng.choice(DB_INDEXES), g.rng.choice(DB_INDEXES)])]))


def _copy(g):
    opts = []
    if g.chance(0.4):
        opts += [g.cased("DB"), g.rng.choice(DB_INDEXES)]
    if g.chance(0.4):
        opts += [g.cased("REPLACE")]
    if g.chance(0.05):
        opts += [b"FOO"]
    return step(g, "COPY", g.key(), g.key(), *opts)


def _flushdb(g):
    return step(g, "FLUSHDB", *g.pick([(4, []), (1, [g.cased("ASYNC")]), (1, [g.cased("SYNC")]),
                                       (1, [b"FOO"])]))


def _dbsize(g):
    return step(g, "DBSIZE")


def _select(g):
    return step(g, "SELECT", g.pick([(6, b"0"), (3, g.rng.choice(DB_INDEXES))]))


def _object(g):
    sub = g.pick([(5, "ENCODING"), (3, "REFCOUNT"), (1, "FREQ"), (1, "IDLETIME")])
    same = non_negative_int if sub == "IDLETIME" else None
    args = [g.cased(sub), g.key()]
    if g.chance(0.05):
        args = g.rng.choice([[g.cased(sub)], args + [g.key()], [b"FOO", g.key()]])
    return step(g, "OBJECT", *args, same=same)


def keys(g):
    return g.pick([(4, _del_unlink), (4, _exists_touch), (3, _type), (3, _rename), (3, _keys),
                   (3, _scan), (1, _scan_invalid), (2, _randomkey), (2, _move), (1, _swapdb),
                   (3, _copy), (1, _flushdb), (2, _dbsize), (1, _select), (6, _object)])(g)


# -- expiry --------------------------------------------------------------------------------

def _expire_conditions(g):
    r = g.rng.random()
    if r < 0.4:
        return []
    if r < 0.85:
        return [g.cased(g.rng.choice(["NX", "XX", "GT", "LT"]))]
    # Combinations: XX+GT / XX+LT are legal, NX with anything and GT+LT are errors.
    return [g.cased(o) for o in g.rng.sample(["NX", "XX", "GT", "LT", "GT", "FOO"], 2)]


def _expire(g):
    name, when = g.rng.choice([("EXPIRE", g.rel_seconds), ("PEXPIRE", g.rel_millis),
                               ("EXPIREAT", g.abs_seconds), ("PEXPIREAT", g.abs_millis)])
    if g.chance(0.1):
        when = lambda: g.rng.choice([b"-1", b"0", b"-5"])   # deletes the key right away
    return step(g, name, g.key(), when(), *_expire_conditions(g))


def _ttl(g):
    name = g.rng.choice(["TTL", "PTTL", "EXPIRETIME", "PEXPIRETIME"])
    tolerance = 1 if name in ("TTL", "EXPIRETIME") else 1500
    return step(g, name, g.key(), same=near(tolerance))


def _persist(g):
    return step(g, "PERSIST", g.key())


def expiry(g):
    return g.pick([(5, _expire), (5, _ttl), (2, _persist)])(g)


# -- connection ----------------------------------------------------------------------------

def _ping(g):
    return step(g, "PING", *g.pick([(3, []), (2, [g.value()]), (1, [g.value(), g.value()])]))


def _echo(g):
    return step(g, "ECHO", *g.pick([(5, [g.value()]), (1, []), (1, [g.value(), g.value()])]))


def _hello(g):
    version = g.pick([(4, [b"3"]), (4, [b"2"]), (1, []),
                      (2, [g.rng.choice([b"4", b"1", b"0", b"-1", b"x", b"2.0", b""])])])
    opts = g.pick([(6, []), (2, [g.cased("SETNAME"), g.rng.choice(CLIENT_NAMES)]),
                   (1, [g.cased("AUTH"), b"default", g.text(1, 8)]),
                   (1, [g.rng.choice([b"SETNAME", b"AUTH", b"FOO"])])])
    return step(g, "HELLO", *(version + opts), same=hello_masked)


def _client_name(g):
    # CLIENT SETINFO (lib-name / lib-ver) is not generated: it appeared in Redis 7.2 and the
    # 7.0.15 oracle rejects it as an unknown subcommand.
    if g.chance(0.5):
        return step(g, "CLIENT", g.cased("GETNAME"), *g.pick([(9, []), (1, [b"x"])]))
    return step(g, "CLIENT", g.cased("SETNAME"),
                *g.pick([(9, [g.rng.choice(CLIENT_NAMES)]), (1, []), (1, [b"a", b"b"])]))


def _reset(g):
    return step(g, "RESET")


def _time(g):
    return step(g, "TIME", same=time_close)


def _command_getkeys(g):
    # Key extraction is table-driven: any command with any argument count, sometimes wrong.
    name = g.rng.choice(sorted(ARITY))
    count = max(0, abs(ARITY[name]) - 1 + g.rng.randint(-1, 2))
    return step(g, "COMMAND", g.cased("GETKEYS"), name, *[g.key() for _ in range(count)])


def _client_misc(g):
    # CLIENT REPLY OFF/SKIP are left out: a reply that never comes would stall the stream.
    return g.pick([(2, lambda: step(g, "CLIENT", g.cased("NO-EVICT"), g.rng.choice([b"on", b"OFF", b"maybe"]))),
                   (2, lambda: step(g, "CLIENT", g.cased("REPLY"), g.rng.choice([b"ON", b"on", b"sometimes"]))),
                   (1, lambda: step(g, "CLIENT", g.cased("GETREDIR"))),
                   # SLOWLOG contents depend on timing; its errors, HELP and RESET do not.
                   (1, lambda: step(g, "SLOWLOG", *g.rng.choice([
                       [g.cased("GET"), g.rng.choice([b"-2", b"x", b"1.5", b"", b"-9223372036854775808"])],
                       [g.cased("GET"), b"1", b"2"], [g.cased("HELP")], [g.cased("RESET")],
                       [b"NOPE"], [g.cased("LEN"), b"x"]]))),
                   # No client of the stream is blocked, so every id unblocks nothing (:0).
                   (1, lambda: step(g, "CLIENT", g.cased("UNBLOCK"),
                                    g.rng.choice([b"999999999", b"0", b"-1", b"x", b"1.5", b""]),
                                    *g.rng.choice([[], [g.cased("TIMEOUT")], [g.cased("ERROR")],
                                                   [b"LATER"], [b"TIMEOUT", b"x"]]))),
                   (1, lambda: step(g, "CONFIG", g.cased("RESETSTAT"))),
                   (1, lambda: step(g, "LASTSAVE", same=non_negative_int)),
                   # The servers fork and write into their own temporary directories.
                   (1, lambda: step(g, "BGSAVE", *g.rng.choice([
                       [], [g.cased("SCHEDULE")], [b"x"], [b"SCHEDULE", b"x"], [b""]]),
                       same=background_start)),
                   (1, lambda: step(g, "BGREWRITEAOF", *g.rng.choice([[], [], [b"x"]]),
                                    same=background_start)),
                   (1, lambda: step(g, "FLUSHALL", *g.rng.choice([[], [b"ASYNC"], [b"sync"], [b"NOW"], [b"SYNC", b"x"]])))])()


def _latency(g):
    # latency-monitor-threshold stays 0 in the stream, so no event ever has samples; histogram
    # buckets depend on timing, so only commands that are never called are asked for. DOCTOR
    # and GRAPH's texts are cardinal's own; GRAPH's error is Redis's.
    percentiles = g.rng.choice([b"50 99 99.9", b"", b"99.99999 0.1234567 1e-7 100 0", b"50  99",
                                b"101", b"-1", b"abc", b"0x10 12.5", b" 50", b"nan"])
    return g.pick([
        (2, lambda: step(g, "LATENCY", g.cased("LATEST"), *g.rng.choice([[], [b"x"]]))),
        (2, lambda: step(g, "LATENCY", g.cased("HISTORY"), *g.rng.choice([
            [], [b"command"], [b"fast-command"], [b"expire-cycle"], [b"a", b"b"]]))),
        (2, lambda: step(g, "LATENCY", g.cased("RESET"), *g.rng.choice([
            [], [b"command"], [b"command", b"nope", b"command"]]))),
        (1, lambda: step(g, "LATENCY", g.cased("GRAPH"), *g.rng.choice([
            [b"command"], [b"x\x00y"], [], [b"a", b"b"]]))),
        (1, lambda: step(g, "LATENCY", g.cased("HISTOGRAM"), *g.rng.choice([
            [b"nosuchcommand"], [b"bitop"], [b"config|rewrite", b"nope|x", b"get|x"]]))),
        (1, lambda: step(g, "LATENCY", *g.rng.choice([[g.cased("HELP")], [b"NOPE"], [],
                                                      [g.cased("DOCTOR"), b"x"]]))),
        (2, lambda: step(g, "CONFIG", g.cased("SET"), b"latency-tracking-info-percentiles",
                         percentiles)),
        (1, lambda: step(g, "CONFIG", g.cased("SET"), b"latency-tracking",
                         g.rng.choice([b"yes", b"no", b"maybe"]))),
        (1, lambda: step(g, "CONFIG", g.cased("GET"), g.rng.choice([
            b"latency-tracking", b"latency-tracking-info-percentiles"])))])()


def connection(g):
    return g.pick([(3, _ping), (3, _echo), (2, _select), (3, _hello), (4, _client_name),
                   (1, _reset), (1, _time), (2, _command_getkeys), (2, _client_misc),
                   (2, _latency)])(g)


# -- errors --------------------------------------------------------------------------------

def _unknown_command(g):
    # No NUL in names: Redis looks commands up with a length-aware hash but a C-string
    # compare, so whether "get\0" resolves to GET depends on its per-process hash seed.
    name = g.rng.choice([b"foo", b"GETT", b"sett", b"x" * 200, b"", b" ", "é".encode(),
                         b"CLIENTX", b"set-", b"\r\n"])
    args = [g.pick([(4, g.value()), (1, g.long_text()), (1, b"y" * 129)])
            for _ in range(g.rng.randint(0, 4))]
    return Step([name] + args)


def _wrong_arity(g):
    name = g.rng.choice(sorted(ARITY))
    arity = ARITY[name]
    count = abs(arity) - 2 if arity < 0 or g.chance(0.5) else arity   # args after the name
    if count < 0:
        count = arity   # exact-arity command with no args: send one too many
    return step(g, name, *[g.key() for _ in range(count)])


def _long_args(g):
    big = g.rng.choice([b"z" * 70000, g.text(5000, 20000, "ab")])
    return g.pick([(1, lambda: step(g, "ECHO", big)), (1, lambda: step(g, "GET", big)),
                   (1, lambda: step(g, "EXISTS", big, g.key())),
                   (1, lambda: Step([b"unknowncmd", big]))])()


def errors(g):
    return g.pick([(3, _unknown_command), (4, _wrong_arity), (1, _long_args)])(g)


# -- sets ----------------------------------------------------------------------------------

def unordered(a, b):
    """Members in any order: SMEMBERS, SINTER/SUNION/SDIFF (RESP2 arrays, RESP3 sets)."""
    if a.kind == b.kind and a.kind in (ARRAY, SET):
        return sorted(a.value) == sorted(b.value)
    return a == b


def sscan_all(call, args):
    """SSCAN: the member set."""
    return _scan_to_end(call, args, 2, "sscan_members", lambda items: items)


def _members_of(call, key):
    reply = call([b"SMEMBERS", key])
    return set(reply.value) if reply.kind in (ARRAY, SET) else None


def spop_restored(call, args):
    """SPOP picks at random, so each side puts back what it popped (SADD) and the stream stays
    in step; compared: the reply's shape, count, distinctness and that members were members."""
    before = _members_of(call, args[1])
    reply = call(args)
    popped = [reply] if reply.kind == BULK else list(reply.value) if reply.kind in (ARRAY, SET) else []
    if popped:
        call([b"SADD", args[1]] + [m.value for m in popped])
    ok = before is not None and all(m in before for m in popped) and len(set(popped)) == len(popped)
    return Reply("spop", (reply.kind, len(popped), ok))


def srandmember_checked(call, args):
    """SRANDMEMBER: compare the shape, the count, membership, and distinctness for count >= 0."""
    before = _members_of(call, args[1])
    reply = call(args)
    got = [reply] if reply.kind == BULK else list(reply.value) if reply.kind in (ARRAY, SET) else []
    members_ok = before is not None and all(m in before for m in got)
    distinct = len(set(got)) == len(got)
    return Reply("srandmember", (reply.kind, len(got), members_ok,
                                 distinct if len(args) < 3 or not args[2].startswith(b"-") else None))


SET_MEMBERS = [b"1", b"2", b"3", b"-7", b"10", b"0", b"a", b"b", b"c", b"x" * 70, b"m\x00n",
               b"9223372036854775807", b"007", b"1.5"]


def _member(g):
    return g.rng.choice(SET_MEMBERS)


def _members(g, lo, hi):
    # Mostly integers, so sets often start as intsets and convert when a string arrives.
    pool = SET_MEMBERS[:6] if g.chance(0.5) else SET_MEMBERS
    return [g.rng.choice(pool) for _ in range(g.rng.randint(lo, hi))]


def _sadd(g):
    return step(g, "SADD", g.key(), *_members(g, 1, 5))


def _srem(g):
    return step(g, "SREM", g.key(), *_members(g, 1, 3))


def _set_queries(g):
    return g.pick([(2, lambda: step(g, "SISMEMBER", g.key(), _member(g))),
                   (2, lambda: step(g, "SMISMEMBER", g.key(), *_members(g, 1, 4))),
                   (3, lambda: step(g, "SMEMBERS", g.key(), same=unordered)),
                   (2, lambda: step(g, "SCARD", g.key()))])()


def _spop(g):
    count = g.pick([(3, []), (3, [g.rng.randint(0, 4)]), (1, [g.rng.randint(5, 20)]),
                    (1, [g.rng.choice([b"-1", b"x", b"1", b"0"])]), (1, [b"1", b"2"])])
    return step(g, "SPOP", g.key(), *count, run=spop_restored)


def _srandmember(g):
    count = g.pick([(2, []), (3, [g.rng.randint(-6, 6)]), (1, [g.rng.randint(7, 30)]),
                    (1, [b"-9223372036854775808"]), (1, [b"x"]), (1, [b"1", b"2"])])
    return step(g, "SRANDMEMBER", g.key(), *count, run=srandmember_checked)


def _smove(g):
    return step(g, "SMOVE", g.key(), g.key(), _member(g))


def _set_algebra(g):
    name = g.rng.choice(["SINTER", "SUNION", "SDIFF"])
    keys = g.keys(1, 4)
    if g.chance(0.4):
        return step(g, name + "STORE", g.key(), *keys)
    return step(g, name, *keys, same=unordered)


def _sintercard(g):
    keys = g.keys(1, 3)
    numkeys = g.pick([(6, len(keys)), (1, 0), (1, len(keys) + 1), (1, b"x"), (1, -1)])
    extra = g.pick([(4, []), (2, [g.cased("LIMIT"), g.rng.randint(0, 3)]),
                    (1, [g.cased("LIMIT"), -1]), (1, [g.cased("LIMIT")]), (1, [b"FOO", 1])])
    return step(g, "SINTERCARD", numkeys, *keys, *extra)


def _sscan(g):
    opts = []
    if g.chance(0.4):
        opts += [g.cased("MATCH"), g.rng.choice([b"*", b"1*", b"[ab]", b"?", b"x*"])]
    if g.chance(0.4):
        opts += [g.cased("COUNT"), g.rng.randint(1, 5)]
    if g.chance(0.1):
        return step(g, "SSCAN", g.key(), g.rng.choice([b"x", b"-", b"0", b""]),
                    *g.rng.choice([[b"TYPE", b"set"], [b"COUNT", 0], [b"MATCH"]]))
    return step(g, "SSCAN", g.key(), b"0", *opts, run=sscan_all)


def _intset_limit(g):
    # Both servers convert intsets past this size; a small limit makes conversions common.
    return step(g, "CONFIG", "SET", "set-max-intset-entries", g.rng.choice([0, 1, 3, 5, 512]))


def sets(g):
    return g.pick([(10, _sadd), (4, _srem), (8, _set_queries), (3, _spop), (3, _srandmember),
                   (3, _smove), (6, _set_algebra), (2, _sintercard), (2, _sscan),
                   (1, _intset_limit)])(g)


# -- hashes --------------------------------------------------------------------------------

def unordered_pairs(a, b):
    """HGETALL: the same field/value pairs in any order (RESP2 flat array, RESP3 map)."""
    def pairs(r):
        if r.kind == MAP:
            return sorted(r.value)
        if r.kind == ARRAY and len(r.value) % 2 == 0:
            return sorted(zip(r.value[::2], r.value[1::2]))
        return None
    pa, pb = pairs(a), pairs(b)
    return pa == pb if pa is not None and pb is not None else a == b


def _hash_entries(call, key):
    reply = call([b"HGETALL", key])
    if reply.kind == MAP:
        return dict(reply.value)
    if reply.kind == ARRAY:
        return dict(zip(reply.value[::2], reply.value[1::2]))
    return None


def hrandfield_checked(call, args):
    """HRANDFIELD: random by design, so compare the shape, count, that fields (and values)
    belong to the hash, and distinctness for a non-negative count."""
    entries = _hash_entries(call, args[1])
    reply = call(args)
    with_values = len(args) == 4 and args[3].lower() == b"withvalues"
    items = [reply] if reply.kind == BULK else list(reply.value) if reply.kind == ARRAY else []
    if with_values:  # RESP3: [f, v] pairs; RESP2: flat
        if items and items[0].kind == ARRAY:
            items = [tuple(x.value) for x in items]
        else:
            items = list(zip(items[::2], items[1::2]))
        ok = entries is not None and all(entries.get(f) == v for f, v in items)
        fields = [f for f, _ in items]
    else:
        ok = entries is not None and all(f in entries for f in items)
        fields = items
    negative = len(args) >= 3 and args[2].startswith(b"-")
    distinct = None if negative else len(set(fields)) == len(fields)
    return Reply("hrandfield", (reply.kind, len(items), ok, distinct))


def hscan_all(call, args):
    """HSCAN: the set of (field, value) pairs."""
    return _scan_to_end(call, args, 2, "hscan_pairs", lambda flat: zip(flat[::2], flat[1::2]))


HASH_FIELDS = [b"f1", b"f2", b"f3", b"n", b"x", b"", b"f" * 70, b"\x00\r\n"]
HASH_VALUES = [b"1", b"-2", b"10", b"0", b"abc", b"1.5", b"007", b"v" * 70, b"",
               b"9223372036854775807", b"-9223372036854775808", b"inf", b"3e5"]


def _field(g):
    return g.rng.choice(HASH_FIELDS)


def _pairs(g, lo, hi):
    out = []
    for _ in range(g.rng.randint(lo, hi)):
        out += [_field(g), g.rng.choice(HASH_VALUES)]
    return out


def _hash_writes(g):
    return g.pick([(6, lambda: step(g, "HSET", g.key(), *_pairs(g, 1, 4))),
                   (1, lambda: step(g, "HSET", g.key(), _field(g))),
                   (2, lambda: step(g, "HMSET", g.key(), *_pairs(g, 1, 3))),
                   (2, lambda: step(g, "HSETNX", g.key(), _field(g), g.rng.choice(HASH_VALUES))),
                   (3, lambda: step(g, "HDEL", g.key(), *[_field(g) for _ in range(g.rng.randint(1, 3))])),
                   (3, lambda: step(g, "HINCRBY", g.key(), _field(g),
                                    g.rng.choice([1, -3, 100, b"x", b"9223372036854775807", b"1.5"]))),
                   (3, lambda: step(g, "HINCRBYFLOAT", g.key(), _field(g),
                                    g.rng.choice([b"1.5", b"-0.25", b"1e3", b"x", b"inf", b"0", b"5.0e3"])))])()


def _hash_reads(g):
    return g.pick([(3, lambda: step(g, "HGET", g.key(), _field(g))),
                   (2, lambda: step(g, "HMGET", g.key(), *[_field(g) for _ in range(g.rng.randint(1, 3))])),
                   (2, lambda: step(g, "HLEN", g.key())),
                   (2, lambda: step(g, "HEXISTS", g.key(), _field(g))),
                   (2, lambda: step(g, "HSTRLEN", g.key(), _field(g))),
                   (2, lambda: step(g, "HKEYS", g.key(), same=unordered)),
                   (2, lambda: step(g, "HVALS", g.key(), same=unordered)),
                   (3, lambda: step(g, "HGETALL", g.key(), same=unordered_pairs))])()


def _hrandfield(g):
    extra = g.pick([(2, []), (3, [g.rng.randint(-5, 5)]), (2, [g.rng.randint(-5, 9), g.cased("WITHVALUES")]),
                    (1, [g.rng.randint(6, 20)]), (1, [b"-9223372036854775808"]),
                    (1, [b"-4611686018427387904", b"WITHVALUES"]), (1, [b"2", b"FOO"]), (1, [b"x"])])
    return step(g, "HRANDFIELD", g.key(), *extra, run=hrandfield_checked)


def _hscan(g):
    opts = []
    if g.chance(0.4):
        opts += [g.cased("MATCH"), g.rng.choice([b"*", b"f*", b"[fn]*", b"?"])]
    if g.chance(0.4):
        opts += [g.cased("COUNT"), g.rng.randint(1, 5)]
    if g.chance(0.1):
        return step(g, "HSCAN", g.key(), g.rng.choice([b"x", b"0"]), *g.rng.choice([[b"TYPE", b"hash"], [b"COUNT", 0]]))
    return step(g, "HSCAN", g.key(), b"0", *opts, run=hscan_all)


def _hash_limits(g):
    # Small limits make listpack -> hashtable conversions common in short streams.
    name = g.rng.choice([b"hash-max-listpack-entries", b"hash-max-listpack-value", b"hash-max-ziplist-entries"])
    return step(g, "CONFIG", "SET", name, g.rng.choice([0, 1, 2, 4, 64, 512]))


def hashes(g):
    return g.pick([(10, _hash_writes), (10, _hash_reads), (2, _hrandfield), (2, _hscan),
                   (1, _hash_limits)])(g)


# -- lists ---------------------------------------------------------------------------------

# Few distinct elements so LPOS, LREM and LINSERT find matches; binary, integer-looking and
# long ones (past a small list-max-listpack-size node limit) included.
LIST_ELEMENTS = [b"a", b"b", b"c", b"1", b"2", b"-1", b"007", b"-0", b"", b"a\x00b", b"\r\n",
                 b"x" * 70, b"9223372036854775807", b"-9223372036854775808"]
BAD_INTS = (b"x", b"1.5", b"", b" 1", b"9223372036854775808")


def _element(g):
    return g.rng.choice(LIST_ELEMENTS) if g.chance(0.85) else g.value()


def _elements(g, lo, hi):
    return [_element(g) for _ in range(g.rng.randint(lo, hi))]


def _list_index(g):
    return g.pick([(8, lambda: g.rng.randint(-8, 8)), (2, lambda: g.rng.randint(-300, 300)),
                   (1, lambda: g.rng.choice([b"9223372036854775807", b"-9223372036854775808",
                                             b"-9223372036854775807"])),
                   (1, lambda: g.rng.choice(BAD_INTS))])()


def _end(g):
    return g.pick([(30, g.cased(g.rng.choice(["LEFT", "RIGHT"]))), (1, b"middle"), (1, b"")])


def _push(g):
    name = g.pick([(4, "LPUSH"), (4, "RPUSH"), (1, "LPUSHX"), (1, "RPUSHX")])
    return step(g, name, g.key(), *_elements(g, 1, 5))


def _push_many(g):
    # Long lists span many nodes, so ranges, LSET and LINSERT cross node boundaries.
    return step(g, g.rng.choice(["LPUSH", "RPUSH"]), g.key(), *_elements(g, 20, 300))


def _pop(g):
    count = g.pick([(6, []), (4, [g.rng.randint(0, 5)]), (1, [g.rng.randint(6, 400)]),
                    (1, [g.rng.choice([b"-1", b"x", b"9223372036854775807", b"-9223372036854775808", b""])]),
                    (1, [b"1", b"2"])])
    return step(g, g.rng.choice(["LPOP", "RPOP"]), g.key(), *count)


def _list_reads(g):
    return g.pick([(3, lambda: step(g, "LLEN", g.key())),
                   (6, lambda: step(g, "LRANGE", g.key(), _list_index(g), _list_index(g))),
                   (1, lambda: step(g, "LRANGE", g.key(), 0, -1)),
                   (4, lambda: step(g, "LINDEX", g.key(), _list_index(g)))])()


def _lset(g):
    return step(g, "LSET", g.key(), _list_index(g), _element(g))


def _linsert(g):
    where = g.pick([(20, g.cased(g.rng.choice(["BEFORE", "AFTER"]))), (1, b"MIDDLE")])
    return step(g, "LINSERT", g.key(), where, _element(g), _element(g))


def _lrem(g):
    count = g.pick([(8, g.rng.randint(-3, 3)), (1, b"-9223372036854775808"), (1, g.rng.choice(BAD_INTS))])
    return step(g, "LREM", g.key(), count, _element(g))


def _ltrim(g):
    return step(g, "LTRIM", g.key(), _list_index(g), _list_index(g))


def _lpos(g):
    opts = []
    for _ in range(g.pick([(4, 0), (4, 1), (2, 2), (1, 3)])):
        opts += g.pick([(4, [g.cased("RANK"), g.pick([(8, g.rng.choice([1, 2, 3, -1, -2, -3])),
                                                      (1, 0), (1, b"-9223372036854775808"),
                                                      (1, b"9223372036854775807"), (1, b"x")])]),
                        (8, [g.cased("COUNT"), g.pick([(20, g.rng.randint(0, 4)), (1, -1), (1, b"x")])]),
                        (6, [g.cased("MAXLEN"), g.pick([(20, g.rng.randint(0, 6)), (1, -1), (1, b"x")])]),
                        (1, [g.rng.choice([b"FOO", b"RANK", b"COUNT"])])])
    return step(g, "LPOS", g.key(), _element(g), *opts)


def _lmove(g):
    if g.chance(0.3):
        return step(g, "RPOPLPUSH", g.key(), g.key())
    src = g.key()
    dst = src if g.chance(0.2) else g.key()
    return step(g, "LMOVE", src, dst, _end(g), _end(g))


def _lmpop(g):
    keys = g.keys(1, 3)
    numkeys = g.pick([(30, len(keys)), (1, 0), (1, -1), (1, b"x"), (1, len(keys) + 1)])
    extra = g.pick([(15, []), (12, [g.cased("COUNT"), g.rng.randint(1, 5)]),
                    (1, [g.cased("COUNT"), g.rng.choice([0, -1, b"x", b"9223372036854775807"])]),
                    (1, [g.cased("COUNT")]), (1, [b"COUNT", 1, b"COUNT", 2]), (1, [b"FOO"])])
    return step(g, "LMPOP", numkeys, *keys, _end(g), *extra)


def _list_fill(g):
    # Node limits change how the list is laid out, never a reply; both servers apply it to
    # lists created afterwards.
    name = g.rng.choice([b"list-max-listpack-size", b"list-max-ziplist-size"])
    return step(g, "CONFIG", "SET", name, g.rng.choice([-5, -2, -1, 1, 2, 3, 128]))


def _list_wrongtype(g):
    # Keys of other types, so list commands meet WRONGTYPE even when run alone; only a few
    # keys, so most of the pool stays lists, and DEL now and then starts a key afresh.
    key = g.rng.choice(KEYS[-4:])
    return g.pick([(2, lambda: step(g, "SET", key, g.value())),
                   (1, lambda: step(g, "SADD", key, _element(g))),
                   (1, lambda: step(g, "HSET", key, b"f", _element(g))),
                   (2, lambda: step(g, "DEL", *g.keys(1, 2)))])()


def _block_timeout(g):
    # Never 0: a stream must not wait forever on an empty key. 10 ms keeps streams fast; the
    # reply (served or null) is the same on both servers either way.
    return g.pick([(20, b"0.01"), (1, b"x"), (1, b"-1"), (1, b"nan"), (1, b"inf"), (1, b"")])


def _blocking_list(g):
    return g.pick([
        (4, lambda: step(g, g.rng.choice(["BLPOP", "BRPOP"]), *g.keys(1, 3), _block_timeout(g))),
        (2, lambda: step(g, "BLMOVE", g.key(), g.key(), _end(g), _end(g), _block_timeout(g))),
        (1, lambda: step(g, "BRPOPLPUSH", g.key(), g.key(), _block_timeout(g))),
        (2, lambda: step(g, "BLMPOP", _block_timeout(g), *_lmpop(g).args[1:])),
    ])()


def lists(g):
    return g.pick([(12, _push), (1, _push_many), (6, _pop), (12, _list_reads), (3, _lset),
                   (3, _linsert), (3, _lrem), (2, _ltrim), (5, _lpos), (4, _lmove), (3, _lmpop),
                   (3, _blocking_list), (1, _list_fill), (2, _list_wrongtype)])(g)


# -- zsets ---------------------------------------------------------------------------------
# Single-key sorted-set commands (zset_cmds.cc). Range queries and algebra add their own
# generators below this group.

ZSET_KEYS = [b"z1", b"z2", b"z3", b"k1", b"zs"]   # zs often holds a string or set (WRONGTYPE)
ZSET_MEMBERS = [b"a", b"b", b"c", b"d", b"e", b"", b"x" * 70, b"m\x00n", b"\r\n", b"1", b"-1",
                "é".encode()]
ZSET_SCORES = [b"1.1", b"-0", b"0", b"inf", b"-inf", b"+inf", b"1e3", b"000012", b"0x10", b".5",
               b"1e-7", b"1e17", b"5e18", b"4611686018427387904", b"12345678901234567890",
               b"-2.5", b"3.0e+5"]
ZSET_BAD_SCORES = [b"nan", b"x", b"", b" 1", b"1 ", b"1e400", b"1\x00", b"-nan", b"(1"]


def _zkey(g):
    return g.rng.choice(ZSET_KEYS)


def _zmember(g):
    return g.rng.choice(ZSET_MEMBERS)


def _zscore_arg(g):
    r = g.rng.random()
    if r < 0.6:
        return g.rng.randint(-5, 5)
    if r < 0.93:
        return g.rng.choice(ZSET_SCORES)
    return g.rng.choice(ZSET_BAD_SCORES)


def zscan_all(call, args):
    """ZSCAN: the set of (member, score text) pairs."""
    return _scan_to_end(call, args, 2, "zscan_pairs", lambda flat: zip(flat[::2], flat[1::2]))


def zrandmember_checked(call, args):
    """ZRANDMEMBER: random by design, so compare the shape (RESP3 pairs or flat), the count,
    that members and scores are the set's (via ZMSCORE), and distinctness for count >= 0."""
    reply = call(args)
    if reply.kind not in (BULK, ARRAY):
        return reply
    items = [reply] if reply.kind == BULK else list(reply.value)
    with_scores = len(args) == 4
    nested = bool(items) and items[0].kind == ARRAY
    if with_scores:
        pairs = [tuple(x.value) for x in items] if nested else list(zip(items[::2], items[1::2]))
    else:
        pairs = [(m, None) for m in items]
    ok = True
    if pairs:
        scores = call([b"ZMSCORE", args[1]] + [m.value for m, _ in pairs])
        ok = scores.kind == ARRAY and all(
            sc.kind in (BULK, DOUBLE) and (want is None or sc == want)
            for (_, want), sc in zip(pairs, scores.value))
    negative = len(args) >= 3 and args[2].startswith(b"-")
    members = [m for m, _ in pairs]
    distinct = None if negative else len(set(members)) == len(members)
    return Reply("zrandmember", (reply.kind, nested, len(pairs), ok, distinct))


def _zadd(g):
    opts = []
    if g.chance(0.5):
        for word, p in (("NX", 0.2), ("XX", 0.2), ("GT", 0.2), ("LT", 0.15), ("CH", 0.3),
                        ("INCR", 0.2)):
            if g.chance(p):
                opts.append(g.cased(word))
        g.rng.shuffle(opts)
    incr = any(o.upper() == "INCR" for o in opts)
    n = 1 if incr and g.chance(0.85) else g.rng.randint(1, 4)
    pairs = []
    for _ in range(n):
        pairs += [_zscore_arg(g), _zmember(g)]
    if g.chance(0.05):
        pairs = pairs[:-1]   # odd count: syntax error (or arity)
    return step(g, "ZADD", _zkey(g), *opts, *pairs)


def _zincrby(g):
    return step(g, "ZINCRBY", _zkey(g), _zscore_arg(g), _zmember(g))


def _zset_reads(g):
    return g.pick([(3, lambda: step(g, "ZSCORE", _zkey(g), _zmember(g))),
                   (2, lambda: step(g, "ZMSCORE", _zkey(g), *[_zmember(g) for _ in range(g.rng.randint(1, 4))])),
                   (2, lambda: step(g, "ZCARD", _zkey(g))),
                   (2, lambda: step(g, "ZRANK", _zkey(g), _zmember(g))),
                   (2, lambda: step(g, "ZREVRANK", _zkey(g), _zmember(g))),
                   (1, lambda: step(g, "OBJECT", "ENCODING", _zkey(g))),
                   (1, lambda: step(g, "TYPE", _zkey(g)))])()


def _zrem(g):
    return step(g, "ZREM", _zkey(g), *[_zmember(g) for _ in range(g.rng.randint(1, 4))])


def _zpop(g):
    count = g.pick([(3, []), (4, [g.rng.randint(0, 4)]), (1, [g.rng.randint(5, 30)]),
                    (1, [g.rng.choice([b"-1", b"x", b"1.5", b"9223372036854775807", b""])]),
                    (1, [b"1", b"2"])])
    return step(g, g.rng.choice(["ZPOPMIN", "ZPOPMAX"]), _zkey(g), *count)


def _zmpop(g):
    keys = [_zkey(g) for _ in range(g.rng.randint(1, 3))]
    numkeys = g.pick([(8, len(keys)), (1, 0), (1, len(keys) + 1), (1, b"x"), (1, -1)])
    where = g.pick([(5, g.cased("MIN")), (5, g.cased("MAX")), (1, b"FOO")])
    extra = g.pick([(4, []), (4, [g.cased("COUNT"), g.rng.randint(1, 5)]),
                    (1, [g.cased("COUNT"), g.rng.choice([0, -1, b"x", 9223372036854775807])]),
                    (1, [g.cased("COUNT")]), (1, [b"COUNT", 1, b"COUNT", 2])])
    return step(g, "ZMPOP", numkeys, *keys, where, *extra)


def _zrandmember(g):
    extra = g.pick([(2, []), (3, [g.rng.randint(-6, 6)]), (3, [g.rng.randint(-6, 9), g.cased("WITHSCORES")]),
                    (1, [g.rng.randint(7, 30)]), (1, [b"-9223372036854775808"]),
                    (1, [b"4611686018427387904", b"WITHSCORES"]), (1, [b"-4611686018427387904", b"WITHSCORES"]),
                    (1, [b"9223372036854775807"]), (1, [b"2", b"FOO"]), (1, [b"x"]), (1, [b"x", b"WITHSCORES"])])
    return step(g, "ZRANDMEMBER", _zkey(g), *extra, run=zrandmember_checked)


def _zscan(g):
    opts = []
    if g.chance(0.4):
        opts += [g.cased("MATCH"), g.rng.choice([b"*", b"a*", b"[ab]", b"?", b"x*", b"m*"])]
    if g.chance(0.4):
        opts += [g.cased("COUNT"), g.rng.randint(1, 5)]
    if g.chance(0.1):
        return step(g, "ZSCAN", _zkey(g), g.rng.choice([b"x", b"-", b"0", b""]),
                    *g.rng.choice([[b"TYPE", b"zset"], [b"COUNT", 0], [b"MATCH"], [b"NOVALUES"]]))
    return step(g, "ZSCAN", _zkey(g), b"0", *opts, run=zscan_all)


def _zset_limits(g):
    # Small limits make listpack -> skiplist conversions common (streams reset them first).
    name = g.rng.choice([b"zset-max-listpack-entries", b"zset-max-listpack-value",
                         b"zset-max-ziplist-entries", b"zset-max-ziplist-value"])
    return step(g, "CONFIG", "SET", name, g.rng.choice([0, 1, 2, 3, 5, 64, 128]))


def _zset_wrongtype(g):
    return g.pick([(2, lambda: step(g, "SET", b"zs", g.rng.choice([b"v", b"1"]))),
                   (1, lambda: step(g, "SADD", b"zs", b"a")),
                   (1, lambda: step(g, "DEL", _zkey(g))),
                   (1, lambda: step(g, "ZADD", b"zs", 1, b"a"))])()


def _blocking_zset(g):
    # Timeouts as in _blocking_list: short, never 0.
    if g.chance(0.7):
        keys = [_zkey(g) for _ in range(g.rng.randint(1, 3))]
        return step(g, g.rng.choice(["BZPOPMIN", "BZPOPMAX"]), *keys, _block_timeout(g))
    return step(g, "BZMPOP", _block_timeout(g), *_zmpop(g).args[1:])


ZSET_GENERATORS = [(12, _zadd), (3, _zincrby), (10, _zset_reads), (4, _zrem), (4, _zpop),
                   (3, _zmpop), (3, _blocking_zset), (3, _zrandmember), (3, _zscan),
                   (1, _zset_limits), (2, _zset_wrongtype)]


def zsets(g):
    return g.pick(ZSET_GENERATORS)(g)


# -- wrongtype: non-string keys so the string commands meet WRONGTYPE (off by default) -----

def wrongtype(g):
    member = lambda: g.rng.choice([b"a", b"b", b"1", b"2", b"x" * 70])
    return g.pick([
        (1, lambda: step(g, "RPUSH", g.key(), *[member() for _ in range(g.rng.randint(1, 3))])),
        (1, lambda: step(g, "SADD", g.key(), *[member() for _ in range(g.rng.randint(1, 3))])),
        (1, lambda: step(g, "HSET", g.key(), member(), member())),
        (1, lambda: step(g, "ZADD", g.key(), g.rng.randint(-5, 5), member())),
    ])()


# -- zranges: sorted-set ranges and multi-key algebra --------------------------------------
# Score commands use the zsets family's keys (k1 and zs often hold other types, so WRONGTYPE
# and plain-set inputs happen).
# Lex commands only touch ZR_LEX_KEYS, whose members all score 0: a lex range over mixed scores
# is undefined, and Redis's skiplist answer would then depend on its random levels.

ZR_KEYS = ZSET_KEYS   # shared with the zsets family
ZR_LEX_KEYS = [b"zlex1", b"zlex2"]
ZR_MEMBERS = [b"a", b"b", b"c", b"d", b"e", b"f", b"1", b"10", b"", b"m\x00n", b"\xff", b"x" * 70]
ZR_SCORES = [b"0", b"1", b"2", b"3", b"-1", b"1.5", b"0.1", b"0.2", b"0.3", b"inf", b"-inf",
             b"-0", b"1e300", b"5"]
ZR_SCORE_BOUNDS = [b"-inf", b"+inf", b"inf", b"0", b"1", b"(1", b"2", b"(2", b"1.5", b"(1.5",
                   b"3", b"(3", b"-1", b"(-inf", b"(+inf", b"5"]
ZR_BAD_SCORE_BOUNDS = [b"x", b"nan", b"(nan", b"(", b"", b"((1", b"1x"]
ZR_LEX_BOUNDS = [b"-", b"+", b"[a", b"(a", b"[b", b"(c", b"[d", b"(e", b"[", b"(", b"[\xff",
                 b"(m\x00n", b"[1"]
ZR_BAD_LEX_BOUNDS = [b"a", b"", b"*", b"--"]


def _zr_key(g):
    return g.rng.choice(ZR_KEYS)


def _zr_lex_key(g):
    return g.rng.choice(ZR_LEX_KEYS)


def _zr_score_bound(g):
    return g.rng.choice(ZR_BAD_SCORE_BOUNDS if g.chance(0.05) else ZR_SCORE_BOUNDS)


def _zr_lex_bound(g):
    return g.rng.choice(ZR_BAD_LEX_BOUNDS if g.chance(0.05) else ZR_LEX_BOUNDS)


def _zr_score_order(b):
    try:
        return float(b.lstrip(b"("))
    except ValueError:
        return 0.0


def _zr_lex_order(b):
    return (0, b"") if b == b"-" else (2, b"") if b == b"+" else (1, b[1:])


def _zr_bounds(g, lex, reverse):
    """Two range bounds, mostly in the order the command expects (max first when reverse),
    so that ranges are often non-empty."""
    bound, order = (_zr_lex_bound, _zr_lex_order) if lex else (_zr_score_bound, _zr_score_order)
    pair = [bound(g), bound(g)]
    if g.chance(0.75):
        pair.sort(key=order, reverse=reverse)
    return pair


def _zr_rank(g):
    return g.pick([(8, g.rng.randint(-6, 6)), (1, g.rng.randint(-100, 100)),
                   (1, g.rng.choice([b"x", b"1.5", b"9223372036854775807", b"-9223372036854775808"]))])


def _zr_limit(g):
    offset = g.pick([(6, g.rng.randint(0, 3)), (1, g.rng.randint(4, 10)), (1, -1), (1, b"x")])
    count = g.pick([(6, g.rng.randint(0, 4)), (2, -1), (1, -5), (1, b"x")])
    return [g.cased("LIMIT"), offset, count]


def _zr_seed(g):
    pairs = []
    for _ in range(g.rng.randint(1, 6)):
        pairs += [g.rng.choice(ZR_SCORES), g.rng.choice(ZR_MEMBERS)]
    return step(g, "ZADD", _zr_key(g), *pairs)


def _zr_lex_seed(g):
    pairs = []
    for _ in range(g.rng.randint(1, 6)):
        pairs += [b"0", g.rng.choice(ZR_MEMBERS)]
    return step(g, "ZADD", _zr_lex_key(g), *pairs)


def _zr_sadd(g):
    # Plain sets are valid inputs to the algebra commands (every member scores 1).
    return step(g, "SADD", _zr_key(g), *[g.rng.choice(ZR_MEMBERS[:8]) for _ in range(g.rng.randint(1, 4))])


def _zr_options(g, by):
    """ZRANGE's options for a range of kind `by` (None: rank) in any order, now and then a
    conflicting or unknown one."""
    groups = []
    if by:
        groups.append([g.cased(by)])
    if g.chance(0.4):
        groups.append([g.cased("REV")])
    if by and g.chance(0.4) or g.chance(0.05):
        groups.append(_zr_limit(g))
    if by != "BYLEX" and g.chance(0.5) or g.chance(0.03):
        groups.append([g.cased("WITHSCORES")])
    if g.chance(0.05):
        groups.append([g.rng.choice([b"BYSCORE", b"BYLEX", b"REV", b"LIMIT", b"FOO"])])
    g.rng.shuffle(groups)
    return [word for group in groups for word in group]


def _zr_range_args(g):
    """(key, bounds, options) for a random ZRANGE kind."""
    kind = g.pick([(4, None), (4, "BYSCORE"), (3, "BYLEX")])
    if kind in ("BYLEX", "BYSCORE"):
        opts = _zr_options(g, kind)
        reverse = b"REV" in [to_bytes(o).upper() for o in opts]
        key = _zr_lex_key(g) if kind == "BYLEX" else _zr_key(g)
        return key, _zr_bounds(g, kind == "BYLEX", reverse), opts
    key = _zr_key(g) if g.chance(0.8) else _zr_lex_key(g)
    return key, [_zr_rank(g), _zr_rank(g)], _zr_options(g, None)


def _zrange(g):
    key, bounds, opts = _zr_range_args(g)
    return step(g, "ZRANGE", key, *bounds, *opts)


def _zrangestore(g):
    key, bounds, opts = _zr_range_args(g)
    if g.chance(0.9):   # mostly valid: ZRANGESTORE refuses WITHSCORES
        opts = [o for o in opts if to_bytes(o).upper() != b"WITHSCORES"]
    if key in ZR_LEX_KEYS and g.chance(0.5):
        dst = _zr_lex_key(g)   # zero scores stay zero scores
    else:
        dst = _zr_key(g)
    return step(g, "ZRANGESTORE", dst, key, *bounds, *opts)


def _zrevrange(g):
    extra = g.pick([(5, []), (4, [g.cased("WITHSCORES")]), (1, [b"LIMIT", 0, -1]), (1, [b"BYSCORE"])])
    return step(g, "ZREVRANGE", _zr_key(g), _zr_rank(g), _zr_rank(g), *extra)


def _zrangebyscore(g):
    name = g.rng.choice(["ZRANGEBYSCORE", "ZREVRANGEBYSCORE"])
    opts = []
    if g.chance(0.5):
        opts.append(g.cased("WITHSCORES"))
    if g.chance(0.4):
        opts += _zr_limit(g)
    if g.chance(0.05):
        opts.append(g.rng.choice([b"REV", b"BYSCORE", b"LIMIT"]))
    return step(g, name, _zr_key(g), *_zr_bounds(g, False, name.startswith("ZREV")), *opts)


def _zrangebylex(g):
    name = g.rng.choice(["ZRANGEBYLEX", "ZREVRANGEBYLEX"])
    opts = []
    if g.chance(0.4):
        opts += _zr_limit(g)
    if g.chance(0.05):
        opts.append(g.rng.choice([b"WITHSCORES", b"REV", b"BYLEX"]))
    return step(g, name, _zr_lex_key(g), *_zr_bounds(g, True, name.startswith("ZREV")), *opts)


def _zcount(g):
    if g.chance(0.5):
        return step(g, "ZCOUNT", _zr_key(g), *_zr_bounds(g, False, False))
    return step(g, "ZLEXCOUNT", _zr_lex_key(g), *_zr_bounds(g, True, False))


def _zremrange(g):
    kind = g.rng.choice(["RANK", "SCORE", "LEX"])
    if kind == "RANK":
        return step(g, "ZREMRANGEBYRANK", _zr_key(g), _zr_rank(g), _zr_rank(g))
    if kind == "SCORE":
        return step(g, "ZREMRANGEBYSCORE", _zr_key(g), *_zr_bounds(g, False, False))
    return step(g, "ZREMRANGEBYLEX", _zr_lex_key(g), *_zr_bounds(g, True, False))


def _zr_algebra_keys(g):
    return [_zr_key(g) if g.chance(0.85) else _zr_lex_key(g) for _ in range(g.rng.randint(1, 4))]


def _zr_weight(g):
    return g.pick([(6, g.rng.choice([1, 2, -1, 0, b"0.5", b"1.5", b"inf", b"-inf", b"-0"])),
                   (1, g.rng.choice([b"x", b"nan", b"", b"1e400"]))])


def _zr_algebra_options(g, op, nkeys, store):
    opts = []
    if op != "ZDIFF" and g.chance(0.4):
        n = nkeys if g.chance(0.9) else nkeys + g.rng.choice([-1, 1])
        opts += [g.cased("WEIGHTS")] + [_zr_weight(g) for _ in range(max(n, 0))]
    if op != "ZDIFF" and g.chance(0.4):
        opts += [g.cased("AGGREGATE"), g.cased(g.pick([(3, "SUM"), (3, "MIN"), (3, "MAX"), (1, "AVG")]))]
    if not store and g.chance(0.5) or g.chance(0.03):
        opts.append(g.cased("WITHSCORES"))
    if g.chance(0.04):
        opts.append(g.rng.choice([b"WEIGHTS", b"AGGREGATE", b"FOO"]))
    return opts


def _zr_numkeys(g, keys):
    return g.pick([(12, len(keys)), (1, 0), (1, -1), (1, len(keys) + 1), (1, b"x")])


def _zalgebra(g):
    op = g.rng.choice(["ZUNION", "ZINTER", "ZDIFF"])
    keys = _zr_algebra_keys(g)
    return step(g, op, _zr_numkeys(g, keys), *keys, *_zr_algebra_options(g, op, len(keys), False))


def _zalgebra_store(g):
    op = g.rng.choice(["ZUNION", "ZINTER", "ZDIFF"])
    keys = _zr_algebra_keys(g)
    dst = _zr_key(g) if g.chance(0.9) else g.key()
    return step(g, op + "STORE", dst, _zr_numkeys(g, keys), *keys,
                *_zr_algebra_options(g, op, len(keys), True))


def _zintercard(g):
    keys = _zr_algebra_keys(g)
    extra = g.pick([(4, []), (3, [g.cased("LIMIT"), g.rng.randint(0, 3)]), (1, [b"LIMIT", -1]),
                    (1, [b"LIMIT"]), (1, [b"WITHSCORES"])])
    return step(g, "ZINTERCARD", _zr_numkeys(g, keys), *keys, *extra)


def _zr_limits(g):
    # Small limits make listpack <-> skiplist conversions (and STORE's conversion back) common.
    name = g.rng.choice([b"zset-max-listpack-entries", b"zset-max-listpack-value"])
    return step(g, "CONFIG", "SET", name, g.rng.choice([0, 1, 2, 4, 128]))


def _zr_inspect(g):
    return g.pick([(3, lambda: step(g, "ZRANGE", _zr_key(g), 0, -1, g.cased("WITHSCORES"))),
                   (1, lambda: step(g, "ZRANGE", _zr_lex_key(g), 0, -1)),
                   (1, lambda: step(g, "OBJECT", "ENCODING", _zr_key(g))),
                   (1, lambda: step(g, "TYPE", _zr_key(g)))])()


def zranges(g):
    return g.pick([(10, _zr_seed), (5, _zr_lex_seed), (2, _zr_sadd), (8, _zrange), (3, _zrangestore),
                   (2, _zrevrange), (4, _zrangebyscore), (4, _zrangebylex), (3, _zcount),
                   (3, _zremrange), (6, _zalgebra), (4, _zalgebra_store), (2, _zintercard),
                   (1, _zr_limits), (3, _zr_inspect)])(g)


# -- pubsub --------------------------------------------------------------------------------

# Nobody else subscribes during a stream, so PUBLISH counts 0 and PUBSUB lists only what the
# stream's own connection holds inside a `subscribed` step.
PUB_CHANNELS = [b"c1", b"news", b"", b"a*b", "é".encode(), b"c\x00\r\n", b"[x]"]
# Inside a subscribed step: subscribed channels and patterns never match a channel that is
# published to there (all patterns need a leading 'p'), so a RESP3 PUBLISH never pushes to
# its own connection and every command has exactly one reply.
SUB_CHANNELS = [b"s1", b"s2", b"", "é".encode(), b"s\x00\r\n", b"s*"]
SUB_PATTERNS = [b"p*", b"p?", b"[pq]x", b"p\\*", b"p[", b"p", b"p[^a]*"]
SHARD_CHANNELS = [b"h1", b"h2", b""]
SUBSCRIBED_PUBLISH = [b"zz", b"q1", b"x"]
STEP_SEPARATOR = b"|"


def _publish(g):
    cmd = g.rng.choice(["PUBLISH", "SPUBLISH"])
    return step(g, cmd, *g.pick([(8, [g.rng.choice(PUB_CHANNELS), g.value()]), (1, []),
                                 (1, [g.rng.choice(PUB_CHANNELS)]),
                                 (1, [b"c1", b"m", b"extra"])]))


def _pubsub_query(g):
    sub = g.cased(g.rng.choice(["CHANNELS", "SHARDCHANNELS", "NUMSUB", "SHARDNUMSUB", "NUMPAT",
                                "HELP"]))
    upper = sub.upper()
    if upper in ("CHANNELS", "SHARDCHANNELS"):
        args = g.pick([(3, []), (4, [g.pattern()]), (1, [b"*", b"x"])])
    elif upper in ("NUMSUB", "SHARDNUMSUB"):
        args = [g.rng.choice(PUB_CHANNELS) for _ in range(g.rng.randint(0, 3))]
    else:
        args = g.pick([(6, []), (1, [b"x"])])
    return step(g, "PUBSUB", sub, *args)


def _pubsub_errors(g):
    return step(g, *g.rng.choice([["PUBSUB"], ["PUBSUB", b"FOO"], ["PUBSUB", b"NUMPATX", b"1"],
                                  ["SUBSCRIBE"], ["PSUBSCRIBE"], ["SSUBSCRIBE"]]))


def _unsubscribe_unsubscribed(g):
    # At most one name: each name gets its own confirmation, and a step reads one reply.
    cmd = g.rng.choice(["UNSUBSCRIBE", "PUNSUBSCRIBE", "SUNSUBSCRIBE"])
    return step(g, cmd, *g.pick([(3, []), (2, [g.rng.choice(PUB_CHANNELS)])]))


def split_session(args):
    """The commands of a multi-command step: its arguments, separated by STEP_SEPARATOR."""
    commands, current = [], []
    for a in args:
        if a == STEP_SEPARATOR:
            commands.append(current)
            current = []
        else:
            current.append(a)
    commands.append(current)
    return commands


def join_session(commands):
    """The arguments of a multi-command step (split_session's inverse)."""
    flat = []
    for c in commands:
        if flat:
            flat.append(STEP_SEPARATOR)
        flat += c
    return flat


def subscribed_session(call, args):
    """A subscribe ... unsubscribe sequence on the stream's connection (the commands are the
    step's arguments, separated by '|'): every reply, in order, with PUBSUB CHANNELS lists
    sorted (their order is a hash table's)."""
    commands = split_session(args)
    replies = []
    for command in commands:
        reply = call(command)
        if command[:2] in ([b"PUBSUB", b"CHANNELS"], [b"PUBSUB", b"SHARDCHANNELS"]) and \
                reply.kind == ARRAY:
            reply = Reply(ARRAY, tuple(sorted(reply.value)))
        replies.append(reply)
    return Reply("subscribed_session", tuple(replies))


def _subscribed(g):
    """Subscribe to a few names one by one, probe what a subscribed client may and may not
    do (RESP2 refuses most commands; RESP3 allows all), then unsubscribe from every name
    explicitly and check that nothing is left."""
    channels = g.rng.sample(SUB_CHANNELS, g.rng.randint(0, 2))
    patterns = g.rng.sample(SUB_PATTERNS, g.rng.randint(0, 2))
    shards = g.rng.sample(SHARD_CHANNELS, g.rng.randint(0, 1))
    if not (channels or patterns or shards):
        channels = [g.rng.choice(SUB_CHANNELS)]
    cmds = [[b"SUBSCRIBE", c] for c in channels] + [[b"PSUBSCRIBE", p] for p in patterns] + \
        [[b"SSUBSCRIBE", s] for s in shards]
    g.rng.shuffle(cmds)
    probes = [
        lambda: [b"PING"], lambda: [b"PING", g.value()], lambda: [b"GET", g.key()],
        lambda: [b"SET", g.key(), g.value()],
        lambda: [b"PUBSUB", b"NUMSUB", g.rng.choice(SUB_CHANNELS)],
        lambda: [b"PUBSUB", b"NUMPAT"], lambda: [b"PUBSUB", b"CHANNELS"],
        lambda: [b"PUBSUB", b"SHARDCHANNELS"],
        lambda: [b"PUBLISH", g.rng.choice(SUBSCRIBED_PUBLISH), g.value()],
        lambda: [b"SPUBLISH", g.rng.choice(SUBSCRIBED_PUBLISH), g.value()],
        lambda: [b"SUBSCRIBE", (channels or SUB_CHANNELS)[0]],
        lambda: [b"UNSUBSCRIBE", b"never-subscribed"],
        lambda: [b"PUNSUBSCRIBE", b"p-never"],
        lambda: [b"CLIENT", b"GETNAME"], lambda: [b"CLIENT", b"NOPE"], lambda: [b"GET"],
        lambda: [b"NOSUCHCOMMAND", b"x"], lambda: [b"PING", b"a", b"b"],
        lambda: [b"ECHO", g.value()], lambda: [b"DBSIZE"],
    ]
    for _ in range(g.rng.randint(1, 5)):
        cmds.insert(g.rng.randint(1, len(cmds)), g.rng.choice(probes)())
    # Leave nothing behind: a later SUBSCRIBE probe may have re-added a channel.
    tail = [[b"UNSUBSCRIBE", c] for c in set(channels) | {(channels or SUB_CHANNELS)[0]}]
    tail += [[b"PUNSUBSCRIBE", p] for p in patterns] + [[b"SUNSUBSCRIBE", s] for s in shards]
    tail.sort()
    tail += [[b"UNSUBSCRIBE"], [b"PUNSUBSCRIBE"], [b"SUNSUBSCRIBE"], [b"PING"]]
    return Step(join_session(cmds + tail), run=subscribed_session)


def pubsub(g):
    return g.pick([(5, _publish), (5, _pubsub_query), (2, _pubsub_errors),
                   (2, _unsubscribe_unsubscribed), (3, _subscribed)])(g)


# -- transactions --------------------------------------------------------------------------

TX_KEYS = [b"tx:a", b"tx:b", b"tx:l", b"tx:z"]


def _tx_command(g):
    """A command for inside MULTI whose reply is deterministic (EXEC's reply is compared
    exactly), including ones refused while queuing (EXECABORT) and blocking ones (which answer
    at once inside EXEC)."""
    k = g.rng.choice(TX_KEYS)
    return g.pick([
        (3, [g.cased("SET"), k, g.value()]), (3, [g.cased("GET"), k]), (3, [g.cased("INCR"), k]),
        (2, [g.cased("LPUSH"), k, g.value()]), (2, [g.cased("LRANGE"), k, b"0", b"-1"]),
        (2, [g.cased("ZADD"), k, b"1", g.value()]), (1, [g.cased("DEL"), k]),
        (1, [g.cased("EXISTS"), k]), (1, [g.cased("TYPE"), k]), (1, [g.cased("APPEND"), k, b"x"]),
        (1, [g.cased("GET")]), (1, [b"NOSUCHCMD", k]), (1, [g.cased("MULTI")]),
        (1, [g.cased("SET"), k]), (1, [g.cased("CONFIG"), b"NOPE"]),
        (1, [g.cased("BLPOP"), k, b"0"]), (1, [g.cased("BRPOPLPUSH"), k, b"tx:l", b"0"]),
        (1, [g.cased("BLMOVE"), k, b"tx:l", b"LEFT", b"RIGHT", b"0"]),
        (1, [g.cased("BZPOPMIN"), k, b"0"]), (1, [g.cased("BLPOP"), k, b"x"]),
        (1, [g.cased("SELECT"), g.rng.choice([b"0", b"1", b"99"])]), (1, [g.cased("PING")]),
        (1, [g.cased("ECHO"), g.value()])])


def transaction_session(call, args):
    """MULTI ... EXEC/DISCARD on the stream's connection: every reply, in order."""
    return Reply("transaction_session", tuple(call(c) for c in split_session(args)))


def transactions(g):
    """A whole transaction as one step: MULTI, up to 8 queued commands, then EXEC (or DISCARD),
    sometimes followed by a stray EXEC or DISCARD (their errors without MULTI); SELECT 0 last,
    since a queued SELECT changes the database for the steps after. Or a WATCH sequence."""
    if g.chance(0.4):
        return _watch(g)
    cmds = [[g.cased("MULTI")]] + [_tx_command(g) for _ in range(g.rng.randint(0, 8))]
    cmds.append(g.pick([(6, [g.cased("EXEC")]), (2, [g.cased("DISCARD")])]))
    if g.chance(0.2):
        cmds.append([g.cased(g.rng.choice(["EXEC", "DISCARD"]))])
    cmds.append([b"SELECT", b"0"])
    return Step(join_session(cmds), run=transaction_session)


def _plain_data_command(g):
    """A command of a data family whose step is a single plain command (no custom runner)."""
    for _ in range(20):
        st = g.rng.choice([strings, keys, sets, hashes, lists, zsets, zranges])(g)
        if st.run is None:
            return st.args
    return [b"PING"]


def watch_session(call, args):
    """WATCH ... EXEC on the stream's connection. The commands between WATCH and MULTI come
    from the data families, whose own steps compare their replies; here only whether they
    invalidated the WATCH matters, so their replies are left out and the rest is compared."""
    replies = []
    in_between = False
    for command in split_session(args):
        name = command[0].upper()
        if name == b"WATCH" and not replies:
            in_between = True
        elif name == b"MULTI":
            in_between = False
        reply = call(command)
        if not in_between or name in (b"WATCH", b"UNWATCH"):
            replies.append(reply)
    return Reply("watch_session", tuple(replies))


def _watch(g):
    """WATCH some keys, run up to three data commands (from the other families: writes that do
    and do not change a watched key, FLUSHDB, SWAPDB, ...), then MULTI ... EXEC: EXEC runs or
    answers null exactly as Redis decides whether a watched key changed."""
    between = [_plain_data_command(g) for _ in range(g.rng.randint(0, 3))]
    watched = [a for c in between for a in c[1:3]] + g.keys(0, 2)
    cmds = [[g.cased("WATCH")] + (watched or [g.key()])] + between
    if g.chance(0.1):
        cmds.append([g.cased("UNWATCH")])
    cmds.append([g.cased("MULTI")])
    if g.chance(0.1):
        cmds.append([g.cased("WATCH"), g.key()])  # refused, and the transaction goes on
    cmds += [_tx_command(g) for _ in range(g.rng.randint(0, 3))]
    cmds.append(g.pick([(8, [g.cased("EXEC")]), (1, [g.cased("DISCARD")])]))
    cmds.append([b"SELECT", b"0"])
    return Step(join_session(cmds), run=watch_session)


# -- streams -------------------------------------------------------------------------------

FAMILIES = {"strings": strings, "keys": keys, "expiry": expiry, "connection": connection,
            "errors": errors, "sets": sets, "hashes": hashes, "lists": lists, "zsets": zsets,
            "zranges": zranges, "wrongtype": wrongtype, "pubsub": pubsub,
            "transactions": transactions}
FAMILY_WEIGHTS = {"strings": 40, "keys": 25, "expiry": 15, "connection": 8, "errors": 6,
                  "sets": 30, "hashes": 30, "lists": 30, "zsets": 30, "zranges": 30,
                  "wrongtype": 6, "pubsub": 10, "transactions": 8}
DEFAULT_FAMILIES = ["strings", "keys", "expiry", "connection", "errors", "sets", "hashes",
                    "lists", "zsets", "zranges", "wrongtype", "pubsub", "transactions"]


def make_stream(seed, index, length, families):
    """The steps of stream `index` for `seed`: the same for any --streams value, and a shorter
    --commands gives a prefix. Half the streams switch to RESP3 first."""
    g = Gen(random.Random(f"cardinal-diff/{seed}/{index}"))
    steps = []
    if g.chance(0.5):
        steps.append(Step([b"HELLO", b"3"], same=hello_masked))
    # Config a stream may change is reset first, so any stream replays alone (--only-stream).
    steps.append(Step([b"CONFIG", b"SET", b"set-max-intset-entries", b"512",
                       b"hash-max-listpack-entries", b"512", b"hash-max-listpack-value", b"64",
                       b"list-max-listpack-size", b"-2",
                       b"zset-max-listpack-entries", b"128", b"zset-max-listpack-value", b"64"]))
    weighted = [(FAMILY_WEIGHTS[f], FAMILIES[f]) for f in families]
    while len(steps) < length:
        steps.append(g.pick(weighted)(g))
    return steps
