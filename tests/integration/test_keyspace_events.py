"""Keyspace notifications (notify-keyspace-events): the events each write publishes, compared
with Debian's redis-server 7.0 running the same scripts side by side, plus the directive's
parsing and printing.

Every script runs on a fresh server of each kind; a pattern subscriber collects everything on
__key*__ channels, and a marker message on a channel of its own tells when the script's events
have all arrived. Scripts avoid replies that depend on randomness or timing, except expiry,
which waits well past the TTL before touching the key.
"""
import os
import sys
import time

import pytest
import redis

from conftest import Server, cardinal_bin, stop_and_clean

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from servers import REDIS_BIN  # noqa: E402

MARKER = "events:done"


@pytest.fixture(scope="module")
def pair():
    # DEBUG SET-ACTIVE-EXPIRE keeps expiry lazy, so both servers expire keys in script order.
    args = ["--enable-debug-command", "yes"]
    servers = [Server(cardinal_bin(), args).start(), Server(REDIS_BIN, args).start()]
    yield servers
    for s in servers:
        stop_and_clean(s)


def collect(server, flags, script, active_expiry=False):
    """Runs `script` (a list of commands, or callables taking the client) with
    notify-keyspace-events `flags`; returns [(channel, message), ...] in arrival order. Active
    expiry is off unless asked for, so a key past its TTL expires when the script touches it,
    not whenever either server's cron happens to run."""
    client = redis.Redis(host="127.0.0.1", port=server.port, socket_timeout=10)
    client.execute_command("DEBUG", "SET-ACTIVE-EXPIRE", "1" if active_expiry else "0")
    client.flushall()
    client.config_set("notify-keyspace-events", flags)
    sub = client.pubsub()
    sub.psubscribe("__key*__:*")
    sub.subscribe(MARKER)
    for _ in range(2):  # the two subscribe confirmations
        assert sub.get_message(timeout=5) is not None
    for command in script:
        if callable(command):
            command(client)
        else:
            try:
                client.execute_command(*command)
            except redis.ResponseError:
                pass  # an error reply is part of the script (a refused write sends no event)
    client.publish(MARKER, "x")
    events = []
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        m = sub.get_message(timeout=1)
        if m is None:
            continue
        if m["type"] == "message" and m["channel"] == MARKER.encode():
            break
        if m["type"] == "pmessage":
            events.append((m["channel"].decode(errors="replace"), m["data"].decode(errors="replace")))
    else:
        pytest.fail("marker message never arrived")
    client.config_set("notify-keyspace-events", "")
    client.execute_command("DEBUG", "SET-ACTIVE-EXPIRE", "1")
    sub.close()
    client.close()
    return events


def compare(pair, flags, script, active_expiry=False):
    ours, theirs = (collect(s, flags, script, active_expiry) for s in pair)
    assert ours == theirs
    return ours


STRINGS = [
    ["SET", "s", "1"], ["SET", "s", "2", "EX", "100"], ["SET", "s", "3", "KEEPTTL"],
    ["SET", "s", "4", "NX"], ["SET", "n", "5", "XX"], ["SETNX", "s", "x"], ["SETNX", "s2", "x"],
    ["SETEX", "s3", "100", "v"], ["PSETEX", "s4", "100000", "v"], ["GETSET", "s", "9"],
    ["MSET", "m1", "a", "m2", "b"], ["MSETNX", "m1", "a", "m3", "c"], ["MSETNX", "m4", "d"],
    ["APPEND", "s", "x"], ["APPEND", "new", "y"], ["SETRANGE", "s", "1", "zz"],
    ["SETRANGE", "s", "0", ""], ["SETRANGE", "r", "3", "abc"], ["INCR", "c"], ["DECR", "c"],
    ["INCRBY", "c", "5"], ["DECRBY", "c", "2"], ["INCRBYFLOAT", "c", "1.5"], ["INCR", "s"],
    ["GETDEL", "m2"], ["GETDEL", "missing"], ["GETEX", "m1", "EX", "100"],
    ["GETEX", "m1", "PERSIST"], ["GETEX", "m1", "PERSIST"], ["GETEX", "m3", "PXAT", "1"],
    ["SET", "s", "v", "GET"], ["SET", "s", "v", "PXAT", "1"],
]

KEYS = [
    ["SET", "a", "1"], ["SET", "b", "2"], ["DEL", "a", "nope", "b"], ["SET", "a", "1"],
    ["UNLINK", "a"], ["SET", "a", "1"], ["RENAME", "a", "b"], ["SET", "c", "3"],
    ["RENAME", "b", "c"], ["RENAMENX", "c", "d"], ["SET", "e", "1"], ["RENAMENX", "d", "e"],
    ["RENAME", "d", "d"], ["MOVE", "d", "1"], ["SET", "f", "1"], ["COPY", "f", "g"],
    ["COPY", "f", "g"], ["COPY", "f", "g", "REPLACE"], ["COPY", "f", "g", "DB", "2"],
    ["EXPIRE", "f", "100"], ["PEXPIRE", "f", "50000", "GT"], ["EXPIRE", "f", "10", "NX"],
    ["PERSIST", "f"], ["PERSIST", "f"], ["EXPIREAT", "f", "1"], ["EXPIRE", "nope", "10"],
    ["SET", "t", "1"], ["PEXPIREAT", "t", str(int(time.time() * 1000) + 10**7)],
    ["FLUSHDB"], ["SET", "x", "1"], ["SWAPDB", "0", "1"], ["FLUSHALL"],
]

LISTS = [
    ["LPUSH", "l", "a", "b"], ["RPUSH", "l", "c"], ["LPUSHX", "nol", "a"], ["RPUSHX", "l", "d"],
    ["LINSERT", "l", "BEFORE", "a", "x"], ["LINSERT", "l", "BEFORE", "zz", "x"],
    ["LSET", "l", "0", "y"], ["LREM", "l", "0", "nothing"], ["LREM", "l", "1", "y"],
    ["LTRIM", "l", "0", "-1"], ["LTRIM", "l", "0", "1"], ["LPOP", "l"], ["RPOP", "l", "0"],
    ["RPOP", "l", "5"], ["LPOP", "l"], ["RPUSH", "src", "1", "2"], ["LMOVE", "src", "dst", "LEFT", "RIGHT"],
    ["RPOPLPUSH", "src", "dst"], ["RPOPLPUSH", "dst", "dst"], ["LMPOP", "2", "none", "dst", "RIGHT", "COUNT", "5"],
    ["RPUSH", "b", "v"], ["BLPOP", "b", "0.01"], ["BLPOP", "b", "0.01"], ["RPUSH", "b2", "v", "w"],
    ["BLMOVE", "b2", "b3", "RIGHT", "LEFT", "0.01"], ["BRPOPLPUSH", "b2", "b3", "0.01"],
    ["BLMPOP", "0.01", "1", "b3", "LEFT", "COUNT", "1"], ["LTRIM", "b3", "5", "10"],
    ["SET", "str", "x"], ["LPUSH", "str", "a"],
]

SETS = [
    ["SADD", "s", "a", "b", "c"], ["SADD", "s", "a"], ["SREM", "s", "zz"], ["SREM", "s", "a"],
    ["SMOVE", "s", "t", "b"], ["SMOVE", "s", "t", "nope"], ["SADD", "t", "c"],
    ["SMOVE", "s", "t", "c"], ["SMOVE", "t", "t", "c"], ["SADD", "p", "1", "2", "3"],
    ["SPOP", "p"], ["SPOP", "p", "0"], ["SPOP", "p", "1"], ["SPOP", "p", "10"],
    ["SADD", "i1", "1", "2"], ["SADD", "i2", "2", "3"], ["SINTERSTORE", "d", "i1", "i2"],
    ["SUNIONSTORE", "d", "i1", "i2"], ["SDIFFSTORE", "d", "i1", "i2"],
    ["SINTERSTORE", "d", "i1", "none"], ["SINTERSTORE", "d", "i1", "none"],
    ["SDIFFSTORE", "e", "i1", "i1"],
]

HASHES = [
    ["HSET", "h", "a", "1", "b", "2"], ["HSET", "h", "a", "1"], ["HMSET", "h", "c", "3"],
    ["HSETNX", "h", "a", "x"], ["HSETNX", "h", "d", "4"], ["HDEL", "h", "zz"],
    ["HDEL", "h", "a", "b"], ["HINCRBY", "h", "n", "2"], ["HINCRBYFLOAT", "h", "f", "1.5"],
    ["HINCRBY", "h", "c", "x"], ["HDEL", "h", "c", "d", "n", "f"], ["HINCRBY", "h2", "n", "1"],
]

ZSETS = [
    ["ZADD", "z", "1", "a", "2", "b", "3", "c"], ["ZADD", "z", "1", "a"],
    ["ZADD", "z", "NX", "5", "a"], ["ZADD", "z", "XX", "5", "a"], ["ZADD", "z", "CH", "5", "a"],
    ["ZADD", "z", "INCR", "1", "a"], ["ZADD", "z", "INCR", "0", "a"], ["ZINCRBY", "z", "1", "b"],
    ["ZINCRBY", "z", "0", "b"], ["ZADD", "nz", "XX", "1", "a"], ["ZREM", "z", "zz"],
    ["ZREM", "z", "a"], ["ZADD", "z", "4", "d", "5", "e", "6", "f"],
    ["ZREMRANGEBYRANK", "z", "10", "20"], ["ZREMRANGEBYRANK", "z", "0", "0"],
    ["ZREMRANGEBYSCORE", "z", "100", "200"], ["ZREMRANGEBYSCORE", "z", "5", "5"],
    ["ZADD", "lz", "0", "a", "0", "b", "0", "c"], ["ZREMRANGEBYLEX", "lz", "[a", "[a"],
    ["ZREMRANGEBYLEX", "lz", "-", "+"], ["ZPOPMIN", "z"], ["ZPOPMAX", "z", "0"],
    ["ZPOPMAX", "z", "10"], ["ZADD", "u1", "1", "a", "2", "b"], ["ZADD", "u2", "2", "b"],
    ["ZUNIONSTORE", "d", "2", "u1", "u2"], ["ZINTERSTORE", "d", "2", "u1", "u2"],
    ["ZDIFFSTORE", "d", "2", "u1", "u2"], ["ZINTERSTORE", "d", "2", "u1", "none"],
    ["ZRANGESTORE", "r", "u1", "0", "-1"], ["ZRANGESTORE", "r", "u1", "5", "6"],
    ["ZMPOP", "2", "none", "u1", "MIN", "COUNT", "5"], ["BZPOPMIN", "u2", "0.01"],
    ["ZADD", "u3", "1", "a"], ["BZPOPMAX", "u3", "0.01"], ["ZADD", "u4", "1", "a", "2", "b"],
    ["BZMPOP", "0.01", "1", "u4", "MAX"],
]


def _transaction(client):
    pipe = client.pipeline(transaction=True)
    pipe.set("tx", "1").lpush("txl", "a").incr("tx").delete("txl")
    pipe.execute()


def _expiry(client):
    client.execute_command("DEBUG", "SET-ACTIVE-EXPIRE", "0")
    client.set("e1", "v", px=20)
    client.set("e2", "v", px=20)
    client.set("e3", "v", px=20)
    time.sleep(0.15)
    client.get("e1")  # lazily expired on access
    client.set("e2", "new")  # overwritten after expiring
    client.execute_command("DEL", "e3")  # deleting a dead key expires it, deletes nothing


@pytest.mark.parametrize("name,script", [
    ("strings", STRINGS), ("keys", KEYS), ("lists", LISTS), ("sets", SETS),
    ("hashes", HASHES), ("zsets", ZSETS), ("transaction", [_transaction]),
    ("expiry", [_expiry]),
])
def test_events_match_redis_for_all_classes(pair, name, script):
    events = compare(pair, "KEA", script)
    assert events, "the script published nothing"
    # Every event goes to both channel kinds, keyspace first.
    for (space_ch, space_msg), (event_ch, event_msg) in zip(events[::2], events[1::2]):
        assert space_ch.startswith("__keyspace@") and event_ch.startswith("__keyevent@")
        assert space_ch.split("__:", 1)[1] == event_msg
        assert event_ch.split("__:", 1)[1] == space_msg


@pytest.mark.parametrize("flags", ["Kl", "E$", "Eg", "KEs", "Kh", "Ez", "KEx", "Egx"])
def test_class_filters_match_redis(pair, flags):
    events = compare(pair, flags, STRINGS[:8] + LISTS[:12] + SETS[:6] + HASHES[:6] + ZSETS[:8]
                     + KEYS[:8] + [_expiry])
    if flags.startswith("K") and "E" not in flags:
        assert all(ch.startswith("__keyspace@") for ch, _ in events)
    if flags.startswith("E") and "K" not in flags:
        assert all(ch.startswith("__keyevent@") for ch, _ in events)


def test_new_and_keymiss_classes_match_redis(pair):
    script = [["SET", "a", "1"], ["SET", "a", "2"], ["GET", "nope"], ["GET", "a"],
              ["LPUSH", "l", "x"], ["LPUSH", "l", "y"], ["HGET", "nope", "f"],
              ["RENAME", "a", "b"], ["SET", "c", "1"], ["RENAME", "b", "c"], ["MOVE", "c", "3"],
              ["SADD", "s", "a"], ["COPY", "s", "s2"], ["EXISTS", "nope"], ["MGET", "a", "l"],
              ["ZADD", "z", "1", "m"], ["ZSCORE", "nope", "m"], ["LRANGE", "nope", "0", "-1"],
              _expiry]
    events = compare(pair, "KEA" + "nm", script)
    names = {msg for ch, msg in events if ch.startswith("__keyspace@")}
    assert "new" in names and "keymiss" in names
    compare(pair, "En", script)
    compare(pair, "Km", script)


def test_nothing_is_published_without_K_or_E(pair):
    assert compare(pair, "A", STRINGS[:5]) == []
    assert compare(pair, "", STRINGS[:5]) == []


def test_database_number_in_channel_names(pair):
    def script(client):
        client.execute_command("SELECT", "5")
        client.set("k", "v")
        client.execute_command("MOVE", "k", "9")
        client.execute_command("SELECT", "0")
    events = compare(pair, "KEA", [script])
    assert ("__keyspace@5__:k", "set") in events
    assert ("__keyevent@9__:move_to", "k") in events


def test_binary_keys_in_channels(pair):
    events = compare(pair, "KEA", [["SET", b"bin\x00\r\nkey", "v"], ["DEL", b"bin\x00\r\nkey"]])
    assert len(events) == 4


@pytest.mark.parametrize("value", ["KEA", "Kg", "g", "AKE", "KEAnm", "Ez$lshzxetdmn", "",
                                   "Agm", "KExlm", "nnnK", "AA"])
def test_config_get_prints_as_redis_does(pair, value):
    got = []
    for s in pair:
        c = redis.Redis(host="127.0.0.1", port=s.port)
        c.config_set("notify-keyspace-events", value)
        got.append(c.config_get("notify-keyspace-events"))
        c.config_set("notify-keyspace-events", "")
        c.close()
    assert got[0] == got[1]


@pytest.mark.parametrize("value", ["Q", "KEAQ", "k", " ", "KE A"])
def test_invalid_classes_refused_as_redis_does(pair, value):
    errors = []
    for s in pair:
        c = redis.Redis(host="127.0.0.1", port=s.port)
        with pytest.raises(redis.ResponseError) as e:
            c.config_set("notify-keyspace-events", value)
        errors.append(str(e.value))
        assert c.config_get("notify-keyspace-events") == {"notify-keyspace-events": ""}
        c.close()
    assert errors[0] == errors[1]
    assert "Invalid event class character" in errors[0]


def test_events_reach_a_resp3_subscriber_and_many_subscribers(pair):
    """Several raw clients: each gets every event once, in the same order."""
    from conftest import RawConn
    server = pair[0]
    admin = redis.Redis(host="127.0.0.1", port=server.port)
    admin.flushall()
    admin.config_set("notify-keyspace-events", "KEgl")
    subscribers = [RawConn(server.port) for _ in range(3)]
    resp3 = RawConn(server.port)
    resp3.hello3()
    for c in subscribers + [resp3]:
        c.call("PSUBSCRIBE", "__keyevent@0__:*")
    admin.rpush("q", "a", "b")
    admin.lpop("q")
    admin.rpop("q")
    expected = [b"rpush", b"lpop", b"rpop", b"del"]
    for c in subscribers + [resp3]:
        got = []
        for _ in expected:
            msg = c.read_reply()
            got.append(msg.rsplit(b"__keyevent@0__:", 1)[1].split(b"\r\n")[0])
            assert msg.startswith(b">4\r\n" if c is resp3 else b"*4\r\n")
        assert got == expected
    for c in subscribers + [resp3]:
        c.close()
    admin.config_set("notify-keyspace-events", "")
    admin.close()


def test_active_expiry_publishes_expired(pair):
    """The cron's expiry (no client touches the key) publishes like lazy expiry does."""
    def script(client):
        client.set("gone", "v", px=10)
        deadline = time.monotonic() + 5
        while client.dbsize() and time.monotonic() < deadline:  # DBSIZE does not expire keys
            time.sleep(0.05)
    events = compare(pair, "KEx", [script], active_expiry=True)
    assert events == [("__keyspace@0__:gone", "expired"), ("__keyevent@0__:expired", "gone")]


def test_blocked_clients_served_by_a_push_publish_as_redis_does(pair):
    """A waiter served after another client's push: the push's events, then the pop's (and
    "del" when that empties the list), for BLPOP, BLMOVE and BZPOPMIN."""
    from conftest import RawConn, encode_command

    def script(client):
        port = client.connection_pool.connection_kwargs["port"]
        waiters = [RawConn(port) for _ in range(3)]
        waiters[0].send(encode_command("BLPOP", "q", "5"))
        waiters[1].send(encode_command("BLMOVE", "q2", "dst", "LEFT", "RIGHT", "5"))
        waiters[2].send(encode_command("BZPOPMIN", "zq", "5"))
        deadline = time.monotonic() + 5
        while int(client.info("clients")["blocked_clients"]) < 3:
            assert time.monotonic() < deadline
            time.sleep(0.01)
        client.rpush("q", "a", "b")
        client.rpush("q2", "x")
        client.zadd("zq", {"m": 1})
        for w in waiters:
            assert not w.read_reply().startswith(b"-")
            w.close()
    events = compare(pair, "KEA", [script])
    assert ("__keyevent@0__:lpop", "q") in events

