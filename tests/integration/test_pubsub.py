"""Pub/Sub with real clients: redis-py's PubSub (listen with patterns, get_message), several raw
clients for the exact frames, message order and receiver counts, the RESP2 subscribed-mode
rules, disconnects, and a slow subscriber cut off by client-output-buffer-limit while everybody
else carries on. Runs against redis-server too (CARDINAL_BIN=/usr/bin/redis-server), which is
how the expectations were checked."""
import socket
import threading
import time

import redis

from conftest import RawConn, encode_command, wait_until


def frame(*parts, resp3=False):
    """A message or confirmation frame: bulks, except a trailing int for confirmations."""
    out = [b"%s%d\r\n" % (b">" if resp3 else b"*", len(parts))]
    for p in parts:
        if isinstance(p, int):
            out.append(b":%d\r\n" % p)
        elif p is None:
            out.append(b"_\r\n" if resp3 else b"$-1\r\n")
        else:
            p = p.encode() if isinstance(p, str) else p
            out.append(b"$%d\r\n%s\r\n" % (len(p), p))
    return b"".join(out)


def read_frames(c, n):
    return [c.read_reply() for _ in range(n)]


def numsub(r, channel):
    return dict(r.pubsub_numsub(channel))[channel.encode()]


CONTEXT_ERROR = ("ERR Can't execute '%s': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT "
                 "/ RESET are allowed in this context")


def test_redis_py_listen_with_patterns(r):
    p = r.pubsub()
    p.psubscribe("news.*")
    p.subscribe("alerts")
    confirmations = [p.get_message(timeout=5) for _ in range(2)]
    assert {(m["type"], m["channel"], m["data"]) for m in confirmations} == {
        ("psubscribe", b"news.*", 1), ("subscribe", b"alerts", 2)}
    assert r.publish("news.sport", "goal") == 1
    assert r.publish("alerts", "fire") == 1
    assert r.publish("weather", "rain") == 0
    got = []
    for message in p.listen():
        got.append(message)
        if len(got) == 2:
            break
    assert got[0] == {"type": "pmessage", "pattern": b"news.*", "channel": b"news.sport",
                      "data": b"goal"}
    assert got[1] == {"type": "message", "pattern": None, "channel": b"alerts", "data": b"fire"}
    assert r.pubsub_channels() == [b"alerts"]
    assert r.pubsub_numpat() == 1
    # Handlers and ignore_subscribe_messages.
    seen = []
    p.subscribe(**{"handled": lambda m: seen.append(m["data"])})
    assert p.get_message(ignore_subscribe_messages=True, timeout=5) is None
    assert r.publish("handled", "x") == 1
    assert wait_until(lambda: p.get_message(timeout=0.1) is None and seen, timeout=5)
    assert seen == [b"x"]
    p.punsubscribe()
    p.unsubscribe()
    assert wait_until(lambda: r.pubsub_numpat() == 0 and r.pubsub_channels() == [])
    p.close()
    assert r.ping()


def test_redis_py_thread_receives_in_order(r):
    p = r.pubsub(ignore_subscribe_messages=True)
    received = []
    p.subscribe(**{"ordered": lambda m: received.append(int(m["data"]))})
    worker = p.run_in_thread(sleep_time=0.01, daemon=True)
    try:
        assert wait_until(lambda: numsub(r, "ordered") == 1)
        for i in range(200):
            assert r.publish("ordered", i) == 1
        assert wait_until(lambda: len(received) == 200, timeout=10)
        assert received == list(range(200))
    finally:
        worker.stop()
        worker.join(5)
        p.close()


def test_exact_frames_in_both_protocols(raw_conn):
    c2, c3 = raw_conn(), raw_conn(resp3=True)
    pub = raw_conn()
    assert c2.call("SUBSCRIBE", "f1", "f2") == frame("subscribe", "f1", 1)
    assert c2.read_reply() == frame("subscribe", "f2", 2)
    assert c3.call("PSUBSCRIBE", "f*") == frame("psubscribe", "f*", 1, resp3=True)
    assert c3.call("SSUBSCRIBE", "s1") == frame("ssubscribe", "s1", 1, resp3=True)
    assert pub.call("PUBLISH", "f1", "hi") == b":2\r\n"
    assert c2.read_reply() == frame("message", "f1", "hi")
    assert c3.read_reply() == frame("pmessage", "f*", "f1", "hi", resp3=True)
    assert pub.call("SPUBLISH", "s1", "sh") == b":1\r\n"
    assert c3.read_reply() == frame("smessage", "s1", "sh", resp3=True)
    # Unsubscribing from everything, then from nothing.
    # In an unspecified order of names; the counts go down one by one.
    first, second = c2.call("UNSUBSCRIBE"), c2.read_reply()
    assert {first, second} in ({frame("unsubscribe", "f1", 1), frame("unsubscribe", "f2", 0)},
                               {frame("unsubscribe", "f2", 1), frame("unsubscribe", "f1", 0)})
    assert c2.call("UNSUBSCRIBE") == frame("unsubscribe", None, 0)
    assert c2.call("PUNSUBSCRIBE") == frame("punsubscribe", None, 0)
    assert c3.call("PUNSUBSCRIBE") == frame("punsubscribe", "f*", 0, resp3=True)
    assert c3.call("PUNSUBSCRIBE") == frame("punsubscribe", None, 0, resp3=True)
    assert c3.call("SUNSUBSCRIBE") == frame("sunsubscribe", "s1", 0, resp3=True)
    assert c3.call("SUNSUBSCRIBE") == frame("sunsubscribe", None, 0, resp3=True)
    assert c2.call("GET", "nothing") == b"$-1\r\n"
    # A RESP3 subscriber may run anything; its own PUBLISH shows the push before the reply.
    assert c3.call("SUBSCRIBE", "self") == frame("subscribe", "self", 1, resp3=True)
    assert c3.call("GET", "nothing") == b"_\r\n"
    assert c3.call("PING") == b"+PONG\r\n"
    assert c3.call("PUBLISH", "self", "me") == frame("message", "self", "me", resp3=True)
    assert c3.read_reply() == b":1\r\n"


def test_resp2_subscribed_mode_rules(raw_conn, r):
    c = raw_conn()
    assert c.call("SUBSCRIBE", "rules") == frame("subscribe", "rules", 1)
    assert c.error("GET", "x") == CONTEXT_ERROR % "get"
    assert c.error("CLIENT", "LIST") == CONTEXT_ERROR % "client|list"
    assert c.error("HELLO", "3") == CONTEXT_ERROR % "hello"
    assert c.error("GET") == "ERR wrong number of arguments for 'get' command"
    assert c.call("PING") == b"*2\r\n$4\r\npong\r\n$0\r\n\r\n"
    assert c.call("PING", "hey") == b"*2\r\n$4\r\npong\r\n$3\r\nhey\r\n"
    assert c.call("PSUBSCRIBE", "r*") == frame("psubscribe", "r*", 2)
    # Messages and replies interleave in order on the one connection.
    c.send(encode_command("PING", "a") + encode_command("SUBSCRIBE", "rules2"))
    assert c.read_reply() == b"*2\r\n$4\r\npong\r\n$1\r\na\r\n"
    assert c.read_reply() == frame("subscribe", "rules2", 3)
    assert r.publish("rules", "m") == 2
    assert c.read_reply() == frame("message", "rules", "m")
    assert c.read_reply() == frame("pmessage", "r*", "rules", "m")
    # RESET leaves subscribed mode silently and drops every subscription.
    assert c.call("RESET") == b"+RESET\r\n"
    assert c.call("PING") == b"+PONG\r\n"
    assert r.publish("rules", "m") == 0
    assert c.read_available(0.2) == b""
    # QUIT is allowed and closes.
    c.call("SUBSCRIBE", "rules")
    assert c.call("QUIT") == b"+OK\r\n"
    assert c.read_all_until_closed() == b""
    assert wait_until(lambda: numsub(r, "rules") == 0)


def test_message_order_and_counts_with_many_clients(raw_conn, r):
    channel_subs = [raw_conn(resp3=(i % 2 == 1)) for i in range(4)]
    pattern_subs = [raw_conn(resp3=(i % 2 == 0)) for i in range(3)]
    for c in channel_subs:
        c.call("SUBSCRIBE", "orders")
    for c in pattern_subs:
        c.call("PSUBSCRIBE", "ord*")
    pattern_subs[0].call("SUBSCRIBE", "orders")  # gets both a message and a pmessage
    assert dict(r.pubsub_numsub("orders"))[b"orders"] == 5
    assert r.pubsub_numpat() == 1
    pub, pub2 = raw_conn(), raw_conn()
    n = 300
    # Two publishers pipeline their messages; each receiver sees each one's in order.
    pub.send(b"".join(encode_command("PUBLISH", "orders", "a%d" % i) for i in range(n)))
    pub2.send(b"".join(encode_command("PUBLISH", "orders", "b%d" % i) for i in range(n)))
    assert [pub.read_reply() for _ in range(n)] == [b":8\r\n"] * n
    assert [pub2.read_reply() for _ in range(n)] == [b":8\r\n"] * n
    for i, c in enumerate(channel_subs):
        frames = read_frames(c, 2 * n)
        resp3 = i % 2 == 1
        kinds = {f[:1] for f in frames}
        assert kinds == {b">" if resp3 else b"*"}
        datas = [f.rsplit(b"\r\n", 2)[-2].decode() for f in frames]
        assert [d for d in datas if d[0] == "a"] == ["a%d" % i for i in range(n)]
        assert [d for d in datas if d[0] == "b"] == ["b%d" % i for i in range(n)]
    both = read_frames(pattern_subs[0], 4 * n)
    assert sum(f.startswith(b">3") for f in both) == 2 * n
    assert sum(f.startswith(b">4") for f in both) == 2 * n
    for c in pattern_subs[1:]:
        frames = read_frames(c, 2 * n)
        assert all(b"pmessage" in f and b"$4\r\nord*\r\n" in f for f in frames)
    for c in channel_subs + pattern_subs:
        assert c.read_available(0.05) == b""
    # A disconnected subscriber is gone at once from the counts.
    channel_subs[0].close()
    assert wait_until(lambda: dict(r.pubsub_numsub("orders"))[b"orders"] == 4)
    assert r.publish("orders", "last") == 7


def test_client_list_and_info(raw_conn, r):
    c = raw_conn()
    c.call("CLIENT", "SETNAME", "listener")
    c.call("SUBSCRIBE", "i1", "i2")
    c.read_reply()
    c.call("PSUBSCRIBE", "i*")
    c.call("SSUBSCRIBE", "is")
    line = next(cl for cl in r.client_list() if cl["name"] == "listener")
    assert line["flags"] == "P"
    assert (line["sub"], line["psub"], line["ssub"]) == ("2", "1", "1")
    info = r.info("stats")
    assert (info["pubsub_channels"], info["pubsub_patterns"], info["pubsubshard_channels"]) == \
        (2, 1, 1)
    assert sorted(r.execute_command("PUBSUB", "SHARDCHANNELS")) == [b"is"]
    assert r.execute_command("PUBSUB", "SHARDNUMSUB", "is", "x") == [b"is", 1, b"x", 0]
    c.close()
    assert wait_until(lambda: r.info("stats")["pubsub_channels"] == 0)
    assert r.info("stats")["pubsubshard_channels"] == 0


def slow_subscriber(port, channel):
    """A subscriber with a tiny receive buffer that never reads after subscribing."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.connect(("127.0.0.1", port))
    c = RawConn.__new__(RawConn)
    c.sock, c.buf, c.eof = s, b"", False
    s.settimeout(10)
    assert c.call("CLIENT", "SETNAME", "slow") == b"+OK\r\n"
    assert c.call("SUBSCRIBE", channel) == frame("subscribe", channel, 1)
    return c


def test_slow_subscriber_is_disconnected_others_unaffected(start_server):
    srv = start_server()
    r = redis.Redis(host="127.0.0.1", port=srv.port, socket_timeout=20)
    assert r.config_set("client-output-buffer-limit", "pubsub 1mb 0 0")
    assert r.config_get("client-output-buffer-limit")["client-output-buffer-limit"] == \
        "normal 0 0 0 slave 268435456 67108864 60 pubsub 1048576 0 0"
    slow = slow_subscriber(srv.port, "firehose")
    fast = RawConn(srv.port)
    assert fast.call("SUBSCRIBE", "firehose") == frame("subscribe", "firehose", 1)

    payload = b"x" * 16384
    n = 1000  # ~16 MB, far more than the kernel buffers of the slow connection hold
    received = []

    def drain():
        for _ in range(n):
            received.append(fast.read_reply())

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    pub = RawConn(srv.port)
    counts = []
    batch = 10
    for i in range(0, n, batch):
        pub.send(b"".join(encode_command("PUBLISH", "firehose", payload) for _ in range(batch)))
        counts += [pub.read_reply() for _ in range(batch)]
        assert r.ping()  # other clients keep being served
        # The reader keeps up (never more than a batch behind), so only the slow one lags.
        assert wait_until(lambda: len(received) >= i + batch, timeout=20)
    reader.join(60)
    assert not reader.is_alive()
    assert len(received) == n
    assert all(f == frame("message", "firehose", payload) for f in received)
    # Both counted until the slow one was cut off, only the reader after.
    assert counts[0] == b":2\r\n" and counts[-1] == b":1\r\n"
    assert counts == sorted(counts, reverse=True)
    assert not any(cl["name"] == "slow" for cl in r.client_list())
    assert numsub(r, "firehose") == 1
    # The slow client finds its connection closed after what had reached its socket.
    data = slow.read_all_until_closed(timeout=10)
    assert len(data) < n * len(payload)
    assert pub.call("PUBLISH", "firehose", "after") == b":1\r\n"
    assert fast.read_reply() == frame("message", "firehose", "after")
    r.close()


def test_soft_limit_needs_its_seconds(start_server):
    srv = start_server()
    r = redis.Redis(host="127.0.0.1", port=srv.port, socket_timeout=20)
    # A soft limit only: exceeded for more than 1 s without a break closes the client.
    assert r.config_set("client-output-buffer-limit", "pubsub 0 128kb 1")
    slow = slow_subscriber(srv.port, "soft")
    payload = "y" * 65536
    start = time.monotonic()
    closed_after = None
    while time.monotonic() - start < 10:
        r.publish("soft", payload)
        if not any(cl["name"] == "slow" for cl in r.client_list()):
            closed_after = time.monotonic() - start
            break
        time.sleep(0.05)
    assert closed_after is not None, "slow subscriber was never closed"
    assert closed_after > 1.0
    slow.read_all_until_closed(timeout=10)
    r.close()


def test_subscribers_are_exempt_from_the_idle_timeout(start_server):
    srv = start_server()
    r = redis.Redis(host="127.0.0.1", port=srv.port, socket_timeout=20)
    assert r.config_set("timeout", "1")
    sub = RawConn(srv.port)
    assert sub.call("SUBSCRIBE", "idle") == frame("subscribe", "idle", 1)
    sub3 = RawConn(srv.port)
    sub3.hello3()
    assert sub3.call("SSUBSCRIBE", "idle") == frame("ssubscribe", "idle", 1, resp3=True)
    plain = RawConn(srv.port)
    assert plain.call("PING") == b"+PONG\r\n"
    assert plain.read_all_until_closed(timeout=6) == b""  # the idle plain client goes
    time.sleep(1.5)
    assert sub.call("PING") == b"*2\r\n$4\r\npong\r\n$0\r\n\r\n"
    assert sub3.call("PING") == b"+PONG\r\n"
    r.close()  # idle itself by now; a fresh client publishes
    assert RawConn(srv.port).call("PUBLISH", "idle", "still here") == b":1\r\n"
    assert sub.read_reply() == frame("message", "idle", "still here")


def test_client_list_and_kill_by_type_pubsub(raw_conn, r):
    a = raw_conn()
    a.call("CLIENT", "SETNAME", "ksub")
    a.call("SUBSCRIBE", "k")
    b = raw_conn(resp3=True)
    b.call("CLIENT", "SETNAME", "ksub3")
    b.call("PSUBSCRIBE", "k*")
    m = raw_conn()
    m.call("CLIENT", "SETNAME", "kmon")
    assert m.call("MONITOR") == b"+OK\r\n"
    names = lambda t: sorted(cl["name"] for cl in r.client_list(_type=t))  # noqa: E731
    assert names("pubsub") == ["ksub", "ksub3"]
    assert "kmon" in names("normal") and "ksub" not in names("normal")
    assert names("replica") == [] and names("master") == []
    killer = raw_conn()
    killer.send(encode_command("CLIENT", "KILL", "TYPE", "pubsub") +
                encode_command("PUBLISH", "k", "gone"))
    assert killer.read_reply() == b":2\r\n"
    assert killer.read_reply() == b":0\r\n"
    assert r.pubsub_numpat() == 0
    a.read_all_until_closed()
    b.read_all_until_closed()
    assert m.read_reply().startswith(b"+")  # the monitor lives on
