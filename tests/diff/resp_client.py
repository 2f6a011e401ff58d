"""A tiny raw RESP2/RESP3 client for the differential test (stdlib only).

Replies are parsed into `Reply(kind, value)` objects that keep the wire type, because the
point of the diff is to catch type confusions: `+OK` (simple) is not `$2 OK` (bulk), and in
RESP2 the null bulk `$-1` is not the null array `*-1`. Nothing is decoded or coerced:
strings stay bytes, doubles keep their exact text.

RESP3 push frames (`>`) are returned by `call()` like any reply rather than set aside: no
generated command should cause an out-of-band push yet, so one showing up is a diff.
"""
import socket

# Reply kinds and the Python type of their value.
SIMPLE = "simple"          # +...        bytes
ERROR = "error"            # -...        bytes
BLOB_ERROR = "blob_error"  # !n ...      bytes (RESP3; kept apart from "-" errors)
INT = "int"                # :...        int
BULK = "bulk"              # $n ...      bytes
NULL_BULK = "null_bulk"    # $-1         None (RESP2)
NULL_ARRAY = "null_array"  # *-1         None (RESP2)
NULL = "null"              # _           None (RESP3)
ARRAY = "array"            # *n ...      tuple of Reply
MAP = "map"                # %n ...      tuple of (Reply, Reply), wire order kept
SET = "set"                # ~n ...      tuple of Reply, wire order kept
DOUBLE = "double"          # ,...        bytes, exact text ("1.5", "inf", ...)
BOOL = "bool"              # #t / #f     bool
VERBATIM = "verbatim"      # =n fmt:...  bytes including the "fmt:" prefix
BIGNUM = "bignum"          # (...        bytes
PUSH = "push"              # >n ...      tuple of Reply
ATTRIBUTED = "attributed"  # |n ... then the reply: (tuple of pairs, Reply)

_NULLS = {NULL_BULK: "null_bulk", NULL_ARRAY: "null_array", NULL: "null"}


class Reply:
    """One typed reply; hashable and ordered by repr so replies can be compared as multisets."""
    __slots__ = ("kind", "value")

    def __init__(self, kind, value=None):
        self.kind = kind
        self.value = value

    def __eq__(self, other):
        return isinstance(other, Reply) and self.kind == other.kind and self.value == other.value

    def __hash__(self):
        return hash((self.kind, self.value))

    def __lt__(self, other):
        return repr(self) < repr(other)

    def __repr__(self):
        if self.kind in _NULLS:
            return _NULLS[self.kind]
        if self.kind in (ARRAY, SET, PUSH):
            return f"{self.kind}[{', '.join(map(repr, self.value))}]"
        if self.kind == MAP:
            return "map{" + ", ".join(f"{k!r}: {v!r}" for k, v in self.value) + "}"
        return f"{self.kind}({self.value!r})"


class ProtocolError(Exception):
    """The peer sent something that is not RESP, or closed / stalled mid-reply."""


def encode_command(args):
    """RESP multibulk encoding of a command; args are bytes or str (str is sent as UTF-8)."""
    parts = [b"*%d\r\n" % len(args)]
    for arg in args:
        if isinstance(arg, str):
            arg = arg.encode()
        parts.append(b"$%d\r\n%s\r\n" % (len(arg), arg))
    return b"".join(parts)


class RespClient:
    """One blocking connection. `call(args)` sends one command and returns its Reply."""

    def __init__(self, host, port, timeout=10.0):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = bytearray()

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def call(self, args):
        self.sock.sendall(encode_command(args))
        return self.read_reply()

    # -- parsing -----------------------------------------------------------------------

    def _fill(self):
        try:
            chunk = self.sock.recv(65536)
        except socket.timeout:
            raise ProtocolError("timed out waiting for a reply") from None
        if not chunk:
            raise ProtocolError("connection closed by server")
        self.buf += chunk

    def _line(self):
        while True:
            end = self.buf.find(b"\r\n")
            if end >= 0:
                line = bytes(self.buf[:end])
                del self.buf[:end + 2]
                return line
            self._fill()

    def _exact(self, n):
        while len(self.buf) < n + 2:
            self._fill()
        data = bytes(self.buf[:n])
        if self.buf[n:n + 2] != b"\r\n":
            raise ProtocolError(f"bulk payload of {n} bytes not followed by CRLF")
        del self.buf[:n + 2]
        return data

    def _int(self, text):
        try:
            return int(text)
        except ValueError:
            raise ProtocolError(f"bad length/integer {text!r}") from None

    def read_reply(self):
        line = self._line()
        if not line:
            raise ProtocolError("empty reply line")
        tag, rest = line[:1], line[1:]
        handler = self._HANDLERS.get(tag)
        if handler is None:
            raise ProtocolError(f"unknown reply type byte in {line[:80]!r}")
        return handler(self, rest)

    def _simple(self, rest):
        return Reply(SIMPLE, rest)

    def _error(self, rest):
        return Reply(ERROR, rest)

    def _integer(self, rest):
        return Reply(INT, self._int(rest))

    def _bulk(self, rest):
        n = self._int(rest)
        return Reply(NULL_BULK) if n == -1 else Reply(BULK, self._exact(n))

    def _array(self, rest):
        n = self._int(rest)
        return Reply(NULL_ARRAY) if n == -1 else Reply(ARRAY, self._items(n))

    def _items(self, n):
        return tuple(self.read_reply() for _ in range(n))

    def _pairs(self, n):
        return tuple((self.read_reply(), self.read_reply()) for _ in range(n))

    def _map(self, rest):
        return Reply(MAP, self._pairs(self._int(rest)))

    def _set(self, rest):
        return Reply(SET, self._items(self._int(rest)))

    def _push(self, rest):
        return Reply(PUSH, self._items(self._int(rest)))

    def _null(self, rest):
        return Reply(NULL)

    def _double(self, rest):
        return Reply(DOUBLE, rest)

    def _bool(self, rest):
        if rest not in (b"t", b"f"):
            raise ProtocolError(f"bad boolean {rest!r}")
        return Reply(BOOL, rest == b"t")

    def _verbatim(self, rest):
        return Reply(VERBATIM, self._exact(self._int(rest)))

    def _bignum(self, rest):
        return Reply(BIGNUM, rest)

    def _blob_error(self, rest):
        return Reply(BLOB_ERROR, self._exact(self._int(rest)))

    def _attribute(self, rest):
        attrs = self._pairs(self._int(rest))
        return Reply(ATTRIBUTED, (attrs, self.read_reply()))

    _HANDLERS = {
        b"+": _simple, b"-": _error, b":": _integer, b"$": _bulk, b"*": _array,
        b"%": _map, b"~": _set, b">": _push, b"_": _null, b",": _double, b"#": _bool,
        b"=": _verbatim, b"(": _bignum, b"!": _blob_error, b"|": _attribute,
    }
