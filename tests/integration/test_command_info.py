"""COMMAND's view of every command cardinal has, against redis-server 7.0.15 started beside it:
arity, flags, legacy key positions and ACL categories (in Redis's order), and in RESP3 the
empty sets Redis sends for missing tips, key specs and subcommands. Key specs themselves are
simplified in cardinal (docs/ARCHITECTURE.md, Known gaps) and not compared."""
import os
import sys

import pytest

from conftest import Server, cardinal_bin, stop_and_clean
from servers import REDIS_BIN

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "diff"))
from resp_client import RespClient  # noqa: E402

# Newer than 7.0 on purpose (docs/ARCHITECTURE.md): CLIENT SETINFO is 7.2's; ZRANK/ZREVRANK
# take 7.2's WITHSCORE, so their arity is -3.
NEWER = {"client|setinfo": None, "zrank": "arity", "zrevrank": "arity"}


def table(port, resp3=False):
    with RespClient("127.0.0.1", port) as c:
        if resp3:
            c.call([b"HELLO", b"3"])
        reply = c.call([b"COMMAND"])
    out = {}

    def walk(entry):
        v = entry.value
        name = v[0].value.decode()
        out[name] = {
            "arity": v[1].value,
            "flags": sorted(x.value for x in v[2].value),
            "keys": (v[3].value, v[4].value, v[5].value),
            "categories": [x.value for x in v[6].value],
            "empty_kinds": tuple(f.kind for f in (v[7], v[8], v[9]) if not f.value),
        }
        for sub in v[9].value:
            walk(sub)

    for entry in reply.value:
        walk(entry)
    return out


@pytest.fixture(scope="module")
def tables():
    servers = [Server(cardinal_bin()).start(), Server(REDIS_BIN).start()]
    try:
        yield [(table(s.port), table(s.port, resp3=True)) for s in servers]
    finally:
        for s in servers:
            stop_and_clean(s)


def test_every_command_is_described_as_redis_describes_it(tables):
    (ours, ours3), (theirs, theirs3) = tables
    assert len(ours) > 200
    mismatches = []
    for name, mine in sorted(ours.items()):
        if NEWER.get(name, "") is None:
            continue
        assert name in theirs, "%s is not a Redis 7.0 command" % name
        ref = dict(theirs[name])
        if NEWER.get(name) == "arity":
            ref["arity"] = mine["arity"]
        for field in ("arity", "flags", "keys", "categories"):
            if mine[field] != ref[field]:
                mismatches.append((name, field, mine[field], ref[field]))
        if ours3[name]["empty_kinds"] != theirs3[name]["empty_kinds"]:
            mismatches.append((name, "resp3 empty", ours3[name]["empty_kinds"],
                               theirs3[name]["empty_kinds"]))
    assert mismatches == []
