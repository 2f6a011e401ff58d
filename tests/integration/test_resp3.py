"""RESP3 wire format after HELLO 3 (python3-redis 4.3.4 speaks only RESP2, so raw sockets)."""
import re

HELLO3 = re.compile(
    rb"^%7\r\n"
    rb"\$6\r\nserver\r\n\$\d+\r\n[^\r\n]+\r\n"
    rb"\$7\r\nversion\r\n\$\d+\r\n\d+\.\d+\.\d+\r\n"
    rb"\$5\r\nproto\r\n:3\r\n"
    rb"\$2\r\nid\r\n:(\d+)\r\n"
    rb"\$4\r\nmode\r\n\$10\r\nstandalone\r\n"
    rb"\$4\r\nrole\r\n\$6\r\nmaster\r\n"
    rb"\$7\r\nmodules\r\n\*0\r\n$")


def test_hello3_map(raw_conn):
    c = raw_conn()
    reply = c.call("HELLO", "3")
    m = HELLO3.match(reply)
    assert m, reply
    assert c.call("CLIENT", "ID") == b":%s\r\n" % m.group(1)
    # HELLO without a version reports the current protocol
    assert HELLO3.match(c.call("HELLO")), "HELLO after HELLO 3"


def test_hello2_array(raw_conn):
    c = raw_conn()
    reply = c.call("HELLO", "2")
    assert reply.startswith(b"*14\r\n$6\r\nserver\r\n")
    assert b"$5\r\nproto\r\n:2\r\n" in reply
    assert reply.endswith(b"$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n"
                          b"$7\r\nmodules\r\n*0\r\n")
    assert c.call("HELLO").startswith(b"*14\r\n")


def test_hello_errors(raw_conn):
    c = raw_conn()
    assert c.call("HELLO", "4") == b"-NOPROTO unsupported protocol version\r\n"
    assert c.call("HELLO", "1") == b"-NOPROTO unsupported protocol version\r\n"
    assert c.call("HELLO", "abc") == \
        b"-ERR Protocol version is not an integer or out of range\r\n"
    assert c.call("GET", "missing") == b"$-1\r\n"  # still RESP2


def test_hello_setname(raw_conn):
    c = raw_conn()
    assert HELLO3.match(c.call("HELLO", "3", "SETNAME", "r3"))
    assert c.call("CLIENT", "GETNAME") == b"$2\r\nr3\r\n"


def test_nulls(r, raw_conn):
    c = raw_conn(resp3=True)
    r.set("one", "1")
    assert c.call("GET", "missing") == b"_\r\n"
    assert c.call("MGET", "missing", "one") == b"*2\r\n_\r\n$1\r\n1\r\n"
    assert c.call("SET", "new", "x", "GET") == b"_\r\n"
    assert c.call("GETDEL", "missing") == b"_\r\n"
    assert c.call("CLIENT", "GETNAME") == b"_\r\n"
    assert c.call("OBJECT", "ENCODING", "missing") == b"_\r\n"
    assert c.call("RANDOMKEY") != b"_\r\n"
    assert c.call("FLUSHALL") == b"+OK\r\n"
    assert c.call("RANDOMKEY") == b"_\r\n"


def test_scalars_unchanged(r, raw_conn):
    c = raw_conn(resp3=True)
    assert c.call("PING") == b"+PONG\r\n"
    assert c.call("SET", "k", "v") == b"+OK\r\n"
    assert c.call("GET", "k") == b"$1\r\nv\r\n"
    assert c.call("TTL", "k") == b":-1\r\n"
    assert c.call("EXISTS", "k", "missing") == b":1\r\n"
    assert c.call("INCR", "k") == b"-ERR value is not an integer or out of range\r\n"
    assert c.call("SCAN", "0") == b"*2\r\n$1\r\n0\r\n*1\r\n$1\r\nk\r\n"
    assert c.call("KEYS", "nomatch") == b"*0\r\n"


def test_incrbyfloat_is_bulk_not_double(r, raw_conn):
    """Redis 7.0 replies to INCRBYFLOAT with a bulk string even under RESP3."""
    c = raw_conn(resp3=True)
    r.set("f", "1.5")
    assert c.call("INCRBYFLOAT", "f", "1") == b"$3\r\n2.5\r\n"


def test_config_get_is_map(raw_conn):
    c = raw_conn(resp3=True)
    assert c.call("CONFIG", "GET", "hz") == b"%1\r\n$2\r\nhz\r\n$2\r\n10\r\n"
    assert c.call("CONFIG", "GET", "maxmemory") == b"%1\r\n$9\r\nmaxmemory\r\n$1\r\n0\r\n"
    assert c.call("CONFIG", "GET", "nosuchparam*") == b"%0\r\n"
    reply = c.call("CONFIG", "GET", "*max*")
    m = re.match(rb"^%(\d+)\r\n", reply)
    assert m and int(m.group(1)) >= 2


def test_verbatim_strings(raw_conn):
    c = raw_conn(resp3=True)
    info = c.call("INFO", "server")
    m = re.match(rb"^=(\d+)\r\ntxt:# Server\r\n", info)
    assert m, info[:40]
    assert len(info) == m.end() - len(b"txt:# Server\r\n") + int(m.group(1)) + 2
    assert info.endswith(b"\r\n")
    ci = c.call("CLIENT", "INFO")
    m = re.match(rb"^=(\d+)\r\ntxt:id=\d+ addr=", ci)
    assert m, ci[:40]
    # 7.0 ends the line at resp=3; 7.2 (and cardinal, which has CLIENT SETINFO) adds lib fields.
    assert re.search(rb" resp=3( lib-name=\S* lib-ver=\S*)?\n\r\n$", ci), ci
    cl = c.call("CLIENT", "LIST")
    assert re.match(rb"^=\d+\r\ntxt:id=\d+ ", cl), cl[:40]


def test_lcs_idx_map(r, raw_conn):
    c = raw_conn(resp3=True)
    r.set("a", "xabc")
    r.set("b", "abcz")
    assert c.call("LCS", "a", "b", "IDX") == (
        b"%2\r\n$7\r\nmatches\r\n*1\r\n*2\r\n*2\r\n:1\r\n:3\r\n*2\r\n:0\r\n:2\r\n"
        b"$3\r\nlen\r\n:3\r\n")


def test_back_to_resp2(raw_conn):
    c = raw_conn(resp3=True)
    assert c.call("GET", "missing") == b"_\r\n"
    assert c.call("HELLO", "2").startswith(b"*14\r\n")
    assert c.call("GET", "missing") == b"$-1\r\n"
    assert c.call("CONFIG", "GET", "hz") == b"*2\r\n$2\r\nhz\r\n$2\r\n10\r\n"
