"""Server introspection and administration: INFO, CONFIG, CLIENT, OBJECT, TIME, LASTSAVE,
MONITOR, SHUTDOWN."""
import re
import time

import redis

from conftest import RawConn, bulk_text, parse_info, wait_until

CLIENT_FIELDS = ["id", "addr", "laddr", "fd", "name", "age", "idle", "flags", "db", "sub", "psub",
                 "ssub", "multi", "qbuf", "qbuf-free", "argv-mem", "multi-mem", "rbs", "rbp",
                 "obl", "oll", "omem", "tot-mem", "events", "cmd", "user", "redir", "resp"]
# Redis 7.2 appends lib-name and lib-ver (set by CLIENT SETINFO, which cardinal supports).
CLIENT_FIELD_LAYOUTS = [CLIENT_FIELDS, CLIENT_FIELDS + ["lib-name", "lib-ver"]]


def client_fields(line):
    """'k=v k=v ...' -> list of (k, v) in order."""
    return [tuple(item.split("=", 1)) for item in line.split(" ")]


# ----------------------------------------------------------------------------- INFO

def test_info_sections(r, conn):
    server = r.info("server")
    assert re.match(r"^\d+\.\d+\.\d+$", str(server["redis_version"]))
    assert server["tcp_port"] == int(r.connection_pool.connection_kwargs["port"])
    assert server["process_id"] > 0
    assert "uptime_in_seconds" in server
    clients = r.info("clients")
    assert clients["connected_clients"] >= 2  # r and conn
    memory = r.info("memory")
    assert memory["used_memory"] > 0
    assert "used_memory_human" in memory
    # section headers and CRLF line endings on the wire
    text = bulk_text(conn.call("INFO", "server")).decode()
    assert text.startswith("# Server\r\n")
    assert "\r\nredis_version:" in text
    everything = parse_info(bulk_text(conn.call("INFO")))
    for field in ("redis_version", "connected_clients", "used_memory",
                  "total_commands_processed"):
        assert field in everything
    assert "# Keyspace" in bulk_text(conn.call("INFO", "all")).decode()
    assert bulk_text(conn.call("INFO", "nosuchsection")) == b""


def test_info_memory_splits_overhead_and_dataset(r):
    """used_memory = overhead + dataset, as in Redis; loading keys grows both sides, and
    deleting them gives the memory back (cardinal counts every allocation at its usable size;
    Redis's jemalloc numbers pass the same checks)."""
    def memory():
        m = r.info("memory")
        assert m["used_memory_overhead"] + m["used_memory_dataset"] == m["used_memory"]
        assert m["used_memory_startup"] <= m["used_memory_overhead"]
        assert m["used_memory_dataset_perc"].endswith("%") or isinstance(
            m["used_memory_dataset_perc"], float)
        return m
    r.flushall()
    before = memory()
    pipe = r.pipeline(transaction=False)
    for i in range(20000):
        pipe.set(f"mem:{i:08d}", "x" * 100)
    pipe.execute()
    loaded = memory()
    assert loaded["used_memory_dataset"] - before["used_memory_dataset"] >= 20000 * 100
    assert loaded["used_memory_overhead"] > before["used_memory_overhead"]
    r.flushall()
    after = memory()
    assert after["used_memory"] < before["used_memory"] + 20000 * 20


def test_info_connected_clients_counts(server, r, conn):
    def ids():
        listing = bulk_text(conn.call("CLIENT", "LIST")).decode()
        return {dict(client_fields(line))["id"] for line in listing.split("\n") if line}

    before = ids()
    extra = [RawConn(server.port) for _ in range(3)]
    try:
        for c in extra:
            assert c.call("PING") == b"+PONG\r\n"
        new_ids = {c.call("CLIENT", "ID")[1:-2].decode() for c in extra}
        assert new_ids <= ids() and not new_ids & before
        assert r.info("clients")["connected_clients"] >= 5  # r, conn and the three
    finally:
        for c in extra:
            c.close()
    assert wait_until(lambda: not new_ids & ids(), timeout=3)


def test_info_stats_commands_processed(r):
    first = r.info("stats")["total_commands_processed"]
    for _ in range(10):
        r.ping()
    second = r.info("stats")["total_commands_processed"]
    assert second >= first + 11
    assert "total_connections_received" in r.info("stats")


def test_info_commandstats_and_resetstat(r, conn):
    assert conn.call("CONFIG", "RESETSTAT") == b"+OK\r\n"
    for i in range(5):
        r.set("k%d" % i, i)
    r.get("k1")
    stats = r.info("commandstats")
    assert stats["cmdstat_set"]["calls"] == 5
    assert stats["cmdstat_get"]["calls"] == 1
    assert "usec" in stats["cmdstat_set"] and "usec_per_call" in stats["cmdstat_set"]
    text = bulk_text(conn.call("INFO", "commandstats")).decode()
    assert text.startswith("# Commandstats\r\n")
    assert re.search(r"\r\ncmdstat_set:calls=5,usec=\d+,usec_per_call=[\d.]+,"
                     r"rejected_calls=0,failed_calls=0\r\n", text)
    assert conn.call("CONFIG", "RESETSTAT") == b"+OK\r\n"
    stats = r.info("commandstats")
    assert "cmdstat_set" not in stats


def test_info_errorstats_counts_by_code(r, conn):
    assert conn.call("CONFIG", "RESETSTAT") == b"+OK\r\n"
    assert conn.call("NOSUCHCMD").startswith(b"-ERR unknown command")
    assert conn.call("GET").startswith(b"-ERR wrong number")
    assert conn.call("INCR", "k", "x").startswith(b"-ERR wrong number")
    r.set("s", "abc")
    assert conn.call("INCR", "s") == b"-ERR value is not an integer or out of range\r\n"
    text = bulk_text(conn.call("INFO", "errorstats")).decode()
    assert text.startswith("# Errorstats\r\n")
    assert "errorstat_ERR:count=4\r\n" in text
    stats = r.info("stats")
    assert stats["total_error_replies"] == 4
    # the rejected/failed split per command, as Redis keeps it
    cmd = r.info("commandstats")
    assert cmd["cmdstat_get"]["rejected_calls"] == 1
    assert cmd["cmdstat_incr"]["failed_calls"] == 1
    assert conn.call("CONFIG", "RESETSTAT") == b"+OK\r\n"
    assert "errorstat_ERR" not in bulk_text(conn.call("INFO", "errorstats")).decode()


def test_info_instantaneous_ops_per_sec_reflects_load(r):
    deadline = time.time() + 1.5
    while time.time() < deadline:
        pipe = r.pipeline(transaction=False)
        for _ in range(200):
            pipe.ping()
        pipe.execute()
    assert r.info("stats")["instantaneous_ops_per_sec"] > 0


# ----------------------------------------------------------------------------- CONFIG

def test_config_get_glob(r, conn):
    pairs = r.execute_command("CONFIG", "GET", "*max*")
    assert len(pairs) % 2 == 0 and len(pairs) >= 4
    names = pairs[0::2]
    assert len(set(names)) == len(names)
    assert all(b"max" in n for n in names)
    assert b"maxclients" in names and b"maxmemory" in names
    assert conn.call("CONFIG", "GET", "maxmemory") == b"*2\r\n$9\r\nmaxmemory\r\n$1\r\n0\r\n"
    assert conn.call("CONFIG", "GET", "nosuchparameter*") == b"*0\r\n"
    assert conn.call("CONFIG", "GET", "nosuchparameter") == b"*0\r\n"
    # several patterns in one call (7.0)
    got = r.config_get("hz")
    assert got == {"hz": "10"}
    both = dict(zip(*[iter(r.execute_command("CONFIG", "GET", "hz", "port"))] * 2))
    assert set(both) == {b"hz", b"port"}
    assert conn.error("CONFIG", "GET") == "ERR wrong number of arguments for 'config|get' command"


def test_config_set_get_roundtrip(r, conn):
    try:
        assert conn.call("CONFIG", "SET", "hz", "20") == b"+OK\r\n"
        assert conn.call("CONFIG", "GET", "hz") == b"*2\r\n$2\r\nhz\r\n$2\r\n20\r\n"
        assert conn.call("CONFIG", "SET", "timeout", "300") == b"+OK\r\n"
        assert r.config_get("timeout") == {"timeout": "300"}
        # several parameters at once; memory units are accepted and shown in bytes
        assert conn.call("CONFIG", "SET", "maxmemory", "1gb", "hz", "15") == b"+OK\r\n"
        assert r.config_get("maxmemory") == {"maxmemory": "1073741824"}
        assert r.config_get("hz") == {"hz": "15"}
        # a failing multi-set changes nothing
        assert conn.error("CONFIG", "SET", "timeout", "5", "hz", "abc") == \
            "ERR CONFIG SET failed (possibly related to argument 'hz') - " \
            "argument couldn't be parsed into an integer"
        assert r.config_get("timeout") == {"timeout": "300"}
        assert conn.error("CONFIG", "SET", "timeout", "-1") == \
            "ERR CONFIG SET failed (possibly related to argument 'timeout') - " \
            "argument must be between 0 and 2147483647 inclusive"
        assert conn.error("CONFIG", "SET", "nosuchparam", "1") == \
            "ERR Unknown option or number of arguments for CONFIG SET - 'nosuchparam'"
        assert conn.error("CONFIG", "SET", "hz") == \
            "ERR wrong number of arguments for 'config|set' command"
        assert conn.error("CONFIG", "FOO") == "ERR unknown subcommand 'FOO'. Try CONFIG HELP."
    finally:
        conn.call("CONFIG", "SET", "hz", "10", "timeout", "0", "maxmemory", "0")
    assert r.config_get("hz") == {"hz": "10"}


# ----------------------------------------------------------------------------- CLIENT

def test_client_id_setname_getname(server, conn, raw_conn):
    other = raw_conn()
    id1 = int(conn.call("CLIENT", "ID")[1:-2])
    id2 = int(other.call("CLIENT", "ID")[1:-2])
    assert id1 > 0 and id2 > id1
    assert conn.call("CLIENT", "GETNAME") == b"$-1\r\n"
    assert conn.call("CLIENT", "SETNAME", "worker-1") == b"+OK\r\n"
    assert conn.call("CLIENT", "GETNAME") == b"$8\r\nworker-1\r\n"
    assert conn.call("CLIENT", "SETNAME", "") == b"+OK\r\n"
    assert conn.call("CLIENT", "GETNAME") == b"$-1\r\n"
    for bad in ("a b", "a\nb"):
        assert conn.error("CLIENT", "SETNAME", bad) == \
            "ERR Client names cannot contain spaces, newlines or special characters."
    assert conn.error("CLIENT", "FOO") == "ERR unknown subcommand 'FOO'. Try CLIENT HELP."


def test_client_list_and_info_format(server, conn, raw_conn):
    conn.call("CLIENT", "SETNAME", "lister")
    my_id = int(conn.call("CLIENT", "ID")[1:-2])
    conn.call("SELECT", "2")
    other = raw_conn()
    other.call("PING")
    listing = bulk_text(conn.call("CLIENT", "LIST")).decode()
    assert listing.endswith("\n")
    lines = listing[:-1].split("\n")
    assert len(lines) >= 2
    mine = None
    for line in lines:
        fields = client_fields(line)
        assert [k for k, _ in fields] in CLIENT_FIELD_LAYOUTS, line
        d = dict(fields)
        if int(d["id"]) == my_id:
            mine = d
    assert mine is not None
    assert mine["name"] == "lister"
    assert mine["db"] == "2"
    assert mine["cmd"] == "client|list"
    assert mine["user"] == "default"
    assert mine["resp"] == "2"
    assert mine["flags"] == "N"
    assert mine["laddr"] == "127.0.0.1:%d" % server.port
    assert re.match(r"^127\.0\.0\.1:\d+$", mine["addr"])

    info = bulk_text(conn.call("CLIENT", "INFO")).decode()
    assert info.endswith("\n") and info.count("\n") == 1
    d = dict(client_fields(info[:-1]))
    assert [k for k, _ in client_fields(info[:-1])] in CLIENT_FIELD_LAYOUTS
    assert int(d["id"]) == my_id and d["cmd"] == "client|info" and d["name"] == "lister"

    only = bulk_text(conn.call("CLIENT", "LIST", "ID", str(my_id))).decode()
    assert only.count("\n") == 1 and only.startswith("id=%d " % my_id)
    assert bulk_text(conn.call("CLIENT", "LIST", "TYPE", "normal")).decode().count("\n") >= 2
    assert conn.error("CLIENT", "LIST", "TYPE", "foo") == "ERR Unknown client type 'foo'"
    assert conn.error("CLIENT", "LIST", "ID", "abc") == "ERR Invalid client ID"


def test_client_kill_by_id(conn, raw_conn):
    victim = raw_conn()
    vid = victim.call("CLIENT", "ID")[1:-2].decode()
    assert conn.call("CLIENT", "KILL", "ID", vid) == b":1\r\n"
    assert victim.read_all_until_closed() == b""
    assert conn.call("CLIENT", "KILL", "ID", vid) == b":0\r\n"
    assert conn.error("CLIENT", "KILL", "ID", "abc") == "ERR client-id should be greater than 0"
    # SKIPME defaults to yes: a client cannot kill itself by filter
    my_id = conn.call("CLIENT", "ID")[1:-2].decode()
    assert conn.call("CLIENT", "KILL", "ID", my_id) == b":0\r\n"
    assert conn.call("PING") == b"+PONG\r\n"


def test_client_kill_by_addr(conn, raw_conn):
    def addr_of(c):
        return dict(client_fields(bulk_text(c.call("CLIENT", "INFO")).decode().strip()))["addr"]

    v1 = raw_conn()
    assert conn.call("CLIENT", "KILL", "ADDR", addr_of(v1)) == b":1\r\n"
    assert v1.read_all_until_closed() == b""
    v2 = raw_conn()
    assert conn.call("CLIENT", "KILL", addr_of(v2)) == b"+OK\r\n"  # old form
    assert v2.read_all_until_closed() == b""
    assert conn.call("CLIENT", "KILL", "ADDR", "10.1.1.1:1") == b":0\r\n"
    assert conn.error("CLIENT", "KILL", "10.1.1.1:1") == "ERR No such client"
    assert conn.error("CLIENT", "KILL", "FOO", "bar") == "ERR syntax error"


def test_client_reply_modes(conn):
    conn.send(b"CLIENT REPLY OFF\r\nSET a 1\r\nGET a\r\nCLIENT REPLY ON\r\n")
    assert conn.read_reply() == b"+OK\r\n"  # only the reply to REPLY ON
    conn.send(b"CLIENT REPLY SKIP\r\nSET b 2\r\nGET b\r\n")
    assert conn.read_reply() == b"$1\r\n2\r\n"
    assert conn.call("GET", "a") == b"$1\r\n1\r\n"
    assert conn.error("CLIENT", "REPLY", "FOO") == "ERR syntax error"


def test_client_no_evict(conn):
    assert conn.call("CLIENT", "NO-EVICT", "ON") == b"+OK\r\n"
    assert conn.call("CLIENT", "NO-EVICT", "off") == b"+OK\r\n"
    assert conn.error("CLIENT", "NO-EVICT", "maybe") == "ERR syntax error"


# ----------------------------------------------------------------------------- OBJECT

def test_object_encoding(r, conn):
    r.set("int", "123")
    r.set("neg", "-5")
    r.set("str", "abc")
    r.set("e44", "x" * 44)
    r.set("r45", "x" * 45)
    r.set("lead0", "0123")
    r.set("big", "12345678901234567890")
    r.set("app", "ab")
    r.append("app", "c")
    r.incr("ctr")
    expected = {"int": b"int", "neg": b"int", "str": b"embstr", "e44": b"embstr",
                "r45": b"raw", "lead0": b"embstr", "big": b"embstr", "app": b"raw",
                "ctr": b"int"}
    for key, enc in expected.items():
        assert r.object("encoding", key) == enc, key
    assert conn.call("OBJECT", "ENCODING", "missing") == b"$-1\r\n"
    assert conn.error("OBJECT", "ENCODING") == \
        "ERR wrong number of arguments for 'object|encoding' command"
    assert conn.error("OBJECT", "FOO", "x") == "ERR unknown subcommand 'FOO'. Try OBJECT HELP."


def test_object_refcount_idletime_help(r, conn):
    r.set("s", "abc")
    r.set("n", "99999")
    r.set("shared", "123")  # small integers are shared objects in Redis
    assert conn.call("OBJECT", "REFCOUNT", "s") == b":1\r\n"
    assert conn.call("OBJECT", "REFCOUNT", "n") == b":1\r\n"
    assert conn.call("OBJECT", "REFCOUNT", "shared") == b":2147483647\r\n"
    assert conn.call("OBJECT", "IDLETIME", "s") == b":0\r\n"
    assert conn.call("OBJECT", "REFCOUNT", "missing") == b"$-1\r\n"
    assert conn.call("OBJECT", "IDLETIME", "missing") == b"$-1\r\n"
    # an array of status lines; the first one names the command
    reply = conn.call("OBJECT", "HELP")
    m = re.match(rb"^\*(\d+)\r\n", reply)
    assert m and int(m.group(1)) > 5
    lines = reply[m.end():].split(b"\r\n")[:-1]
    assert len(lines) == int(m.group(1))
    assert all(line.startswith(b"+") for line in lines)
    assert lines[0].startswith(b"+OBJECT <subcommand>")
    text = b"\n".join(lines)
    for sub in (b"ENCODING", b"REFCOUNT", b"IDLETIME", b"FREQ", b"HELP"):
        assert sub in text


# ----------------------------------------------------------------------------- TIME / LASTSAVE

def test_time(r, conn):
    reply = conn.call("TIME")
    m = re.match(rb"^\*2\r\n\$\d+\r\n(\d+)\r\n\$\d+\r\n(\d+)\r\n$", reply)
    assert m, reply
    secs, usecs = int(m.group(1)), int(m.group(2))
    assert abs(secs - time.time()) < 5
    assert 0 <= usecs < 1_000_000
    t1 = r.time()
    t2 = r.time()
    assert t2 >= t1


def test_lastsave(conn):
    reply = conn.call("LASTSAVE")
    assert reply.startswith(b":")
    assert 0 < int(reply[1:-2]) <= time.time() + 1


# ----------------------------------------------------------------------------- MONITOR

def test_monitor(server, r, raw_conn):
    mon = raw_conn()
    assert mon.call("MONITOR") == b"+OK\r\n"
    r.set("k", "v v")
    r.execute_command("SET", "bin", b'x\ny"\x01\\')
    other = raw_conn()
    other.call("SELECT", "3")
    other.call("GET", "foo")
    lines = [mon.read_reply() for _ in range(4)]
    prefix = rb'^\+\d+\.\d{6} \[(\d+) 127\.0\.0\.1:\d+\] '
    m = re.match(prefix + rb'"SET" "k" "v v"\r\n$', lines[0])
    assert m and m.group(1) == b"0", lines[0]
    assert re.match(prefix + rb'"SET" "bin" "x\\ny\\"\\x01\\\\"\r\n$', lines[1]), lines[1]
    assert re.match(prefix + rb'"SELECT" "3"\r\n$', lines[2]), lines[2]
    m = re.match(prefix + rb'"GET" "foo"\r\n$', lines[3])
    assert m and m.group(1) == b"3", lines[3]
    # the stamp is wall-clock time
    stamp = float(lines[0][1:].split(b" ")[0])
    assert abs(stamp - time.time()) < 5


# ----------------------------------------------------------------------------- SHUTDOWN

def test_shutdown_nosave(start_server):
    srv = start_server()
    c = RawConn(srv.port)
    c.send(b"*2\r\n$8\r\nSHUTDOWN\r\n$6\r\nNOSAVE\r\n")
    assert c.read_all_until_closed(timeout=10) == b""  # no reply on success
    srv.proc.wait(timeout=10)
    assert srv.proc.returncode == 0
    c.close()


def test_shutdown_via_redis_py(start_server):
    srv = start_server()
    client = redis.Redis(port=srv.port, socket_timeout=10)
    assert client.ping() is True
    client.shutdown(nosave=True)  # redis-py treats the dropped connection as success
    assert srv.proc.wait(timeout=10) == 0
