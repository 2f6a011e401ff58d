"""Binary safety of keys and values."""
import os

from conftest import encode_command

NASTY = [b"\x00", b"a\x00b", b"\r\n", b"*1\r\n$4\r\nPING\r\n", b"\xff\xfe\xfd", b" ", b"\t\n",
         bytes(range(256)), b"\x00" * 100, b"$-1\r\n"]


def test_binary_values(r):
    for i, value in enumerate(NASTY):
        key = "v%d" % i
        assert r.set(key, value) is True
        assert r.get(key) == value
        assert r.strlen(key) == len(value)
    assert r.mget(["v%d" % i for i in range(len(NASTY))]) == NASTY


def test_binary_keys(r):
    for i, key in enumerate(NASTY):
        r.set(key, i)
    for i, key in enumerate(NASTY):
        assert r.get(key) == str(i).encode()
    assert r.dbsize() == len(NASTY)
    assert sorted(r.keys("*")) == sorted(NASTY)
    assert sorted(r.scan_iter()) == sorted(NASTY)
    assert r.exists(b"a\x00b") == 1 and r.exists(b"a") == 0 and r.exists(b"a\x00") == 0
    assert r.type(b"\xff\xfe\xfd") == b"string"
    assert r.rename(b"a\x00b", b"a\x00c") is True
    assert r.get(b"a\x00c") == b"1"
    assert r.keys(b"a\x00?") == [b"a\x00c"]
    assert r.delete(*NASTY) == len(NASTY) - 1
    assert r.delete(b"a\x00c") == 1


def test_binary_append_getrange_setrange(r):
    r.set(b"k", b"\x00\x01")
    assert r.append(b"k", b"\r\n\xff") == 5
    assert r.get(b"k") == b"\x00\x01\r\n\xff"
    assert r.getrange(b"k", 1, 3) == b"\x01\r\n"
    assert r.setrange(b"k", 2, b"\x00\x00") == 5
    assert r.get(b"k") == b"\x00\x01\x00\x00\xff"
    assert r.getset(b"k", b"\xff" * 3) == b"\x00\x01\x00\x00\xff"


def test_binary_exact_wire_bytes(conn):
    value = b"x\r\ny\x00z"
    assert conn.call("SET", b"bin\x00key", value) == b"+OK\r\n"
    assert conn.call("GET", b"bin\x00key") == b"$6\r\nx\r\ny\x00z\r\n"


def test_ten_megabyte_value(r, conn):
    big = os.urandom(10 * 1024 * 1024)
    assert r.set("big", big) is True
    assert r.strlen("big") == len(big)
    assert r.get("big") == big
    assert r.getrange("big", 5_000_000, 5_000_009) == big[5_000_000:5_000_010]
    assert r.append("big", b"tail") == len(big) + 4
    assert r.get("big")[-8:] == big[-4:] + b"tail"
    # the same over a raw connection, whole frame in one write
    conn.send(encode_command("SET", "big2", big))
    assert conn.read_reply() == b"+OK\r\n"
    reply = conn.call("GET", "big2")
    assert reply[:12] == b"$10485760\r\n" + big[:1]
    assert reply[11:-2] == big and reply.endswith(b"\r\n")
