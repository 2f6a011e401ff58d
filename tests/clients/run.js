// Drives cardinal (or redis-server) with the real Node.js clients the way applications do:
// ioredis, node-redis (RESP3) and valkey-glide. Prints one JSON object of everything they
// returned; tests/integration/test_node_clients.py runs it against both servers and compares.
// Usage: node run.js PORT OUTPUT.json   (glide's own logger writes to stdout, so the results go
// to a file)
"use strict";

const Redis = require("ioredis");
const { createClient } = require("redis");
const { GlideClient, Batch } = require("@valkey/valkey-glide");

const fs = require("fs");
const port = Number(process.argv[2]);
const output = process.argv[3];
const host = "127.0.0.1";
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Errors become their message so both servers' outputs compare as data.
const settle = async (p) => {
  try {
    return await p;
  } catch (e) {
    return { error: String(e && e.message ? e.message : e) };
  }
};
const plain = (v) =>
  JSON.parse(
    JSON.stringify(v, (_k, x) => {
      if (x instanceof Map) return Object.fromEntries(x);
      if (x instanceof Set) return [...x].sort();
      if (x instanceof Error) return { error: x.message };
      if (typeof x === "bigint") return x.toString();
      if (x && x.type === "Buffer") return Buffer.from(x.data).toString("latin1");
      return x;
    })
  );
const versionOf = (info) => /redis_version:([^\r\n]+)/.exec(String(info))[1];

async function waitFor(pred, what) {
  for (let i = 0; i < 200; i++) {
    if (pred()) return;
    await sleep(10);
  }
  throw new Error("timed out waiting for " + what);
}

async function ioredis() {
  const o = {};
  const r = new Redis({ host, port, maxRetriesPerRequest: 1 });
  const other = r.duplicate();
  const sub = r.duplicate();
  const blocker = r.duplicate();
  o.flush = await r.flushall();
  o.set = await r.set("io:k", "v\u0000\r\nbin");
  o.get = await r.get("io:k");
  o.pipeline = await r.pipeline().set("io:a", "1").incr("io:a").get("io:a").exec();
  o.multi = await r.multi().set("io:b", "x").lpush("io:l", "a", "b").lrange("io:l", 0, -1).exec();
  o.multiRuntimeError = await r.multi().set("io:s", "x").lpush("io:s", "a").get("io:s").exec();
  o.execAbort = await settle(r.multi().set("io:only-key").get("io:s").exec());
  await r.watch("io:w");
  await other.set("io:w", "changed");
  o.watchAborted = await r.multi().set("io:w", "mine").exec();
  await r.watch("io:w");
  o.watchKept = await r.multi().set("io:w", "mine").exec();
  o.afterWatch = await r.get("io:w");
  const messages = [];
  sub.on("pmessage", (pattern, channel, message) => messages.push([pattern, channel, message]));
  sub.on("message", (channel, message) => messages.push([channel, message]));
  o.psubscribe = await sub.psubscribe("io:ch*");
  o.subscribe = await sub.subscribe("__keyevent@0__:rpush");
  o.notify = await r.config("SET", "notify-keyspace-events", "El");
  o.publish = await r.publish("io:ch1", "hello");
  const popped = blocker.blpop("io:q", 5);
  await sleep(50);
  o.rpush = await r.rpush("io:q", "x", "y");
  o.blpop = await popped;
  await waitFor(() => messages.length >= 2, "ioredis messages");
  o.messages = messages;
  await r.config("SET", "notify-keyspace-events", "");
  o.hset = await r.hset("io:h", { f1: "1", f2: "2" });
  o.hgetall = await r.hgetall("io:h");
  o.zadd = await r.zadd("io:z", 2, "b", 1, "a", 3, "c");
  o.zrange = await r.zrange("io:z", 0, -1, "WITHSCORES");
  o.wrongType = await settle(r.incr("io:l"));
  o.version = versionOf(await r.info("server"));
  for (const c of [r, other, sub, blocker]) c.disconnect();
  return o;
}

async function nodeRedis() {
  const o = {};
  const c = createClient({ url: `redis://${host}:${port}`, RESP: 3 });
  c.on("error", () => {});
  await c.connect();
  const other = c.duplicate();
  await other.connect();
  const sub = c.duplicate();
  await sub.connect();
  o.hello = plain(await c.sendCommand(["HELLO", "3"])).proto;
  o.set = await c.set("nr:k", "v");
  o.get = await c.get("nr:k");
  o.multi = plain(await c.multi().set("nr:a", "1").incr("nr:a").get("nr:a").hSet("nr:h", "f", "v").exec());
  o.pipeline = plain(await c.multi().set("nr:p", "1").get("nr:p").execAsPipeline());
  await c.watch("nr:w");
  await other.set("nr:w", "changed");
  o.watchAborted = await settle(c.multi().set("nr:w", "mine").exec());
  await c.watch("nr:w");
  o.watchKept = plain(await c.multi().set("nr:w", "mine").exec());
  o.hgetall = plain(await c.hGetAll("nr:h"));
  o.smembers = plain(await c.sMembers("nr:none"));
  o.zadd = await c.zAdd("nr:z", [{ score: 1, value: "a" }, { score: 2, value: "b" }]);
  o.zrangeWithScores = plain(await c.zRangeWithScores("nr:z", 0, -1));
  const messages = [];
  await sub.pSubscribe("nr:ch*", (message, channel) => messages.push([channel, message]));
  o.publish = await c.publish("nr:ch9", "hi");
  await waitFor(() => messages.length >= 1, "node-redis message");
  o.messages = messages;
  o.wrongType = await settle(c.lPush("nr:k", "x"));
  o.version = versionOf(await c.info("server"));
  const clients = String(await c.sendCommand(["CLIENT", "INFO"]));
  // 7.2's CLIENT SETINFO fields: not in 7.0's CLIENT INFO, so not compared between servers.
  const lib = /lib-name=(\S*)/.exec(clients);
  o.uncompared = { libName: lib ? lib[1] : null };
  for (const x of [c, other, sub]) await x.quit();
  return o;
}

async function glide() {
  const o = {};
  const g = await GlideClient.createClient({ addresses: [{ host, port }], requestTimeout: 3000 });
  const other = await GlideClient.createClient({ addresses: [{ host, port }] });
  o.set = await g.set("gl:k", "v");
  o.get = await g.get("gl:k");
  const batch = new Batch(true).set("gl:a", "1").incr("gl:a").get("gl:a").lpush("gl:l", ["x"]);
  o.transaction = plain(await g.exec(batch, true));
  await g.watch(["gl:w"]);
  await other.set("gl:w", "changed");
  o.watchAborted = plain(await g.exec(new Batch(true).set("gl:w", "mine"), true));
  await g.watch(["gl:w"]);
  o.watchKept = plain(await g.exec(new Batch(true).set("gl:w", "mine"), true));
  o.runtimeError = plain(await settle(g.exec(new Batch(true).set("gl:s", "x").lpush("gl:s", ["a"]), true)));
  o.hset = await g.hset("gl:h", { f: "v" });
  o.hgetall = plain(await g.hgetall("gl:h"));
  o.custom = plain(await g.customCommand(["ECHO", "glide"]));
  o.version = versionOf(await g.info());
  g.close();
  other.close();
  return o;
}

(async () => {
  const out = {};
  out.ioredis = await ioredis();
  out.nodeRedis = await nodeRedis();
  out.glide = await glide();
  fs.writeFileSync(output, JSON.stringify(plain(out), null, 1) + "\n");
  process.exit(0);
})().catch((e) => {
  process.stderr.write(String(e && e.stack ? e.stack : e) + "\n");
  process.exit(1);
});
