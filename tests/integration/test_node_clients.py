"""The Node.js client libraries applications use — ioredis, node-redis (RESP3) and
valkey-glide (HELLO 3, CLIENT SETINFO) — driven by tests/clients/run.js against cardinal and
against redis-server 7.0 side by side: strings, pipelines, MULTI/EXEC with runtime errors and
EXECABORT, WATCH (aborted and kept), Pub/Sub with patterns, a keyspace notification, BLPOP
woken by a push, hashes, sorted sets, WRONGTYPE, INFO's version. Every value the libraries
returned must be the same. The packages come from npm (tests/clients/package-lock.json),
installed by `make test` (target deps-node)."""
import json
import os
import shutil
import subprocess

import pytest

from conftest import IS_REDIS, Server, cardinal_bin, stop_and_clean
from servers import REDIS_BIN

CLIENTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "clients")


def run_clients(port, out_path):
    node = shutil.which("node")
    assert node, "node is not installed: run `make test` (it installs nodejs)"
    assert os.path.isdir(os.path.join(CLIENTS, "node_modules")), \
        "tests/clients/node_modules is missing: run `make deps-node`"
    proc = subprocess.run([node, "run.js", str(port), out_path], cwd=CLIENTS,
                          capture_output=True, timeout=120)
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")[-3000:]
    with open(out_path) as f:
        return json.load(f)


def test_node_clients_see_what_they_see_on_redis(tmp_path):
    servers = [Server(cardinal_bin()).start(), Server(REDIS_BIN).start()]
    try:
        ours, theirs = (run_clients(s.port, str(tmp_path / ("%d.json" % s.port)))
                        for s in servers)
    finally:
        for s in servers:
            stop_and_clean(s)
    our_lib = ours["nodeRedis"].pop("uncompared")
    theirs["nodeRedis"].pop("uncompared")
    for library in ("ioredis", "nodeRedis", "glide"):
        assert ours[library] == theirs[library], library
    # The comparison is only worth something if the scenarios did what they claim.
    io = ours["ioredis"]
    assert io["watchAborted"] is None and io["afterWatch"] == "mine"
    assert io["execAbort"]["error"].startswith("EXECABORT")
    assert io["blpop"] == ["io:q", "x"]
    assert ["__keyevent@0__:rpush", "io:q"] in io["messages"]
    assert ours["nodeRedis"]["hello"] == 3
    assert "watched keys has been changed" in ours["nodeRedis"]["watchAborted"]["error"]
    assert ours["glide"]["watchAborted"] is None
    assert ours["glide"]["transaction"] == ["OK", 2, "2", 1]
    if not IS_REDIS:  # CLIENT SETINFO is 7.2's; cardinal keeps what node-redis sends
        assert our_lib["libName"] == "node-redis"
