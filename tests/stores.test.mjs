// Key:value on every store Tarmac runs, as each answers: the conformance store cases on each wire
// and profile on the in-memory store, the BoltDB and Cassandra models, and real servers started
// on loopback by this file - Redis (Debian's redis-server), Redis behind Sentinel
// (redis-sentinel) and NATS JetStream (nats-server, Tarmac's main), one node and a cluster of
// three. Then what each store does differently: `keys` of an empty store, the keys and values it
// refuses (InvalidInput with its words, never NotFound), a server that is gone (HostFailure),
// and `tarmac-as dev` on Redis and NATS; and real Tarmac main's recorded NATS exchanges replayed. Without a server its cases are skipped, saying why;
// STORES=required (as in CI) makes that a failure.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { TarmacHost } from "../host/engine/tarmac-host.mjs";
import { RedisStore, NatsStore, BoltStore, CassandraStore, MemoryStore, TestHost } from "../host/index.mjs";
import { murmur3Token } from "../host/engine/model-stores.mjs";
import { WIRE_NAMES, wireGuests } from "./guests.mjs";
import { Probe, Kind, Op, request } from "./probe.mjs";
import { CASES, groupOf, NATS_LONG_KEY } from "./contract/cases.mjs";
import { runCase, testHostTarget, replay, needsServer } from "./contract/runner.mjs";
import { recordings as allRecordings } from "../scripts/compatibility.mjs";
import { storeForTests, startRedis, startSentinel, startNats, startNatsCluster } from "./servers/stores.mjs";
import { envSettings } from "../cli/dev-config/environment.mjs";
import { join } from "node:path";
import { writeFileSync } from "node:fs";
import { startDev, serving, root, scratch } from "./dev-server.mjs";

const servers = {
  redis: await storeForTests("stores", "Redis", startRedis),
  sentinel: await storeForTests("stores", "Redis Sentinel", startSentinel),
  nats: await storeForTests("stores", "NATS", () => startNats()),
  natsCluster: await storeForTests("stores", "NATS cluster", () => startNatsCluster(3)),
};
const { server: redis, skip } = servers.redis;
const stores = [];
const opened = (store) => { stores.push(store); return store; };
const storeOn = (server = redis.server) => opened(new RedisStore({ server }));
after(async () => {
  for (const s of stores) s.close?.();
  for (const { server } of Object.values(servers)) await server?.stop();
});

/** Each store the cases run on: how to make one, the profiles that have it, why it is skipped. */
const STORES = [
  { name: "in-memory", make: () => new MemoryStore() },
  { name: "boltdb", make: () => new BoltStore() },
  { name: "cassandra", make: () => new CassandraStore() },
  { name: "redis", ...servers.redis, make: ({ server }) => opened(new RedisStore({ server })) },
  { name: "redis-sentinel", ...servers.sentinel, make: ({ sentinels, master }) => opened(new RedisStore({ sentinels, master })) },
  { name: "nats", ...servers.nats, make: ({ url }) => opened(new NatsStore({ servers: [url] })), profiles: ["main"] },
  { name: "nats-cluster", ...servers.natsCluster, make: ({ urls }) => opened(new NatsStore({ servers: urls })), profiles: ["main"] },
];

for (const store of STORES) {
  for (const wire of WIRE_NAMES) {
    for (const profile of store.profiles ?? ["v0.10.0", "main"]) {
      test(`${store.name}, ${wire} wire, profile ${profile}: the conformance store cases answer as real Tarmac on that store did`, { skip: store.skip }, async () => {
        const host = new TarmacHost({ profile, store: store.make(store.server) });
        const guest = await host.instantiate(wireGuests(wire).probe);
        for (const c of CASES.filter((x) => groupOf(x) === "store")) await runCase(testHostTarget(host, guest), c, {}, { wire, profile, store: store.name });
      });
    }
  }
}

test("redis: keys of an empty store is [], and two hosts on one server share every key", { skip }, async () => {
  const a = new Probe(await new TarmacHost({ store: storeOn() }).instantiate(wireGuests("json").probe));
  const b = new Probe(await new TarmacHost({ profile: "main", store: storeOn() }).instantiate(wireGuests("protobuf").probe));
  for (const key of a.keys().keys) a.delete(key);
  const raw = new TarmacHost({ store: storeOn() });
  assert.equal(raw.dispatch("tarmac", "kvstore", "keys", Buffer.alloc(0)).toString(), `{"keys":[],"status":{"code":200,"status":"OK"}}`);
  const value = Buffer.from([0, 255, 0x7b, 0x22, 10]);
  assert.equal(a.set("shared", value).kind, Kind.OK);
  assert.deepEqual(b.get("shared").value, value, "set on one host (JSON), read on another (protobuf)");
  assert.deepEqual(b.keys().keys, ["shared"]);
  assert.equal(b.delete("shared").kind, Kind.OK);
  assert.equal(a.get("shared").kind, Kind.NotFound);
});

test("redis gone: set, get and delete are HostFailure with hord's words (the get's 404 is not NotFound)", { skip }, async () => {
  const gone = new Probe(await new TarmacHost({ store: storeOn("127.0.0.1:1") }).instantiate(wireGuests("json").probe));
  const refused = "dial tcp 127.0.0.1:1: connect: connection refused";
  const set = gone.set("k", Buffer.from("v"));
  assert.deepEqual([set.kind, set.code, set.message], [Kind.HostFailure, 500, `Unable to store data using key k - unable to write data to Redis - ${refused}`]);
  const get = gone.get("k");
  assert.deepEqual([get.kind, get.code, get.message], [Kind.HostFailure, 404, `Unable to fetch key k - unable to fetch data from Redis - ${refused}`]);
  const del = gone.delete("k");
  assert.deepEqual([del.kind, del.code, del.message], [Kind.HostFailure, 404, `Unable to delete key k - unable to remove key from Redis - ${refused}`]);
});

test("redis: TestHost takes a RedisStore, and tarmac-as dev reads APP_KVSTORE_TYPE=redis with APP_REDIS_SERVER", { skip }, async () => {
  const host = new TestHost({ store: storeOn() });
  const fn = await host.load(wireGuests("json").probe);
  assert.equal(fn.call(request(Op.SET, "k", Buffer.from("from TestHost"))).status, 200);
  assert.equal(storeOn().get("k").toString(), "from TestHost");
  const settings = envSettings({ APP_KVSTORE_TYPE: "redis", APP_REDIS_SERVER: redis.server }, { projectDir: "/p" });
  assert.deepEqual(settings.kv, { enabled: true, type: "redis", file: null, redis: { server: redis.server, sentinels: [], master: "", password: "", database: 0 } });
});

test("tarmac-as dev with APP_KVSTORE_TYPE=redis keeps kv-counter's count on the Redis server: it survives a restart and any host on the server reads it", { skip, timeout: 240000 }, async () => {
  const store = storeOn();
  try { store.delete("kv-counter:requests"); } catch { /* not there */ }
  // The example as a service of one function on "/" (the examples carry no tarmac.json).
  const example = join(root, "examples", "kv-counter");
  const config = join(scratch("tarmac-as-stores-"), "tarmac.json");
  writeFileSync(config, JSON.stringify({ services: { counter: { name: "counter",
    functions: { "kv-counter": { filepath: join(example, "build", "kv-counter.wasm"), pool_size: 1 } },
    routes: [{ type: "http", path: "/", methods: ["GET"], function: "kv-counter" }] } } }));
  const run = () => startDev(join(root, "bin", "tarmac-as.mjs"), example, { args: ["--config", config], env: { APP_KVSTORE_TYPE: "redis", APP_REDIS_SERVER: redis.server } });
  assert.equal(await serving(run(), async (d) => {
    assert.equal((await d.get()).text, "1");
    assert.equal((await d.get()).text, "2");
    assert.match(d.output(), new RegExp(`key:value on Redis ${redis.server.replaceAll(".", "\\.")}`));
  }), 0);
  assert.equal(store.get("kv-counter:requests").toString(), "2");
  assert.equal(await serving(run(), async (d) => { assert.equal((await d.get()).text, "3"); }), 0);
  store.delete("kv-counter:requests");
});

// Real main's exchanges on NATS (npm run conformance -- --record --as main --store nats,nats-cluster),
// replayed on the server of their kind, each in a fresh bucket: every host call and answer the same.
const natsRecordings = allRecordings().filter(({ recording }) => needsServer(recording));
for (const [kind, on] of [["nats", servers.nats], ["nats-cluster", servers.natsCluster]]) {
  const mine = natsRecordings.filter(({ recording }) => recording.store === kind);
  test(`${kind}: real Tarmac main's recorded exchanges replay identically on the test host with a real NATS (${mine.length} recordings)`, { skip: on.skip }, async () => {
    assert.ok(mine.length > 0, `no recordings of ${kind} in tests/contract/main/`);
    for (const [n, { file, recording }] of mine.entries()) {
      const store = opened(new NatsStore({ servers: on.server.urls ?? [on.server.url], bucket: `replay_${n}` }));
      const differences = await replay(recording, {}, {}, { store });
      assert.equal(differences.length, 0, `${file}: the test host answers differently from Tarmac ${recording.tarmac}:\n${differences.slice(0, 5).join("\n")}`);
    }
  });
}

const nats = servers.nats;
const storeOf = (bucket) => opened(new NatsStore({ servers: [nats.server.url], bucket }));
const natsProbe = async (wire = "json", store = opened(new NatsStore({ servers: [nats.server.url] }))) =>
  new Probe(await new TarmacHost({ profile: "main", store }).instantiate(wireGuests(wire).probe));

test("nats: a key outside -/_=.a-zA-Z0-9 is InvalidInput in NATS's words on get, set and delete, on each wire; keys of an empty bucket is []", { skip: nats.skip }, async () => {
  const raw = new TarmacHost({ profile: "main", store: opened(new NatsStore({ servers: [nats.server.url], bucket: "empty_one" })) });
  assert.equal(raw.dispatch("tarmac", "kvstore", "keys", Buffer.alloc(0)).toString(), `{"keys":[],"status":{"code":200,"status":"OK"}}`);
  for (const wire of WIRE_NAMES) {
    const p = await natsProbe(wire);
    for (const key of ["user:42", "é", "with space", ".leading", "trailing."]) {
      const set = p.set(key, Buffer.from("v"));
      assert.deepEqual([set.kind, set.code], [Kind.InvalidInput, 500], `${wire} set ${key}: ${set.message}`);
      assert.ok(set.message.endsWith("unable to set key: nats: invalid key"), set.message);
      for (const r of [p.get(key), p.delete(key)]) {
        assert.deepEqual([r.kind, r.code], [Kind.InvalidInput, 404], `${wire} ${key}: ${r.message}`);
        assert.ok(r.message.endsWith("nats: invalid key"), r.message);
      }
    }
    assert.equal(p.set("user/42.name=x_y-z", Buffer.from("fits")).kind, Kind.OK);
    assert.equal(p.get("user/42.name=x_y-z").value.toString(), "fits");
  }
});

test("nats: keys come in the order they were last written, not sorted", { skip: nats.skip }, async () => {
  const store = opened(new NatsStore({ servers: [nats.server.url], bucket: "ordered" }));
  const p = await natsProbe("json", store);
  for (const key of ["b", "c", "a", "b"]) assert.equal(p.set(key, Buffer.from(key)).kind, Kind.OK);
  assert.deepEqual(p.keys().keys, ["c", "a", "b"]);
});

test("nats: a value over the server's max payload (1 MiB) is InvalidInput, \"nats: maximum payload exceeded\"; 1 MiB exactly fits", { skip: nats.skip }, async () => {
  const p = await natsProbe("protobuf");
  const over = p.set("big", Buffer.alloc((1 << 20) + 1, 7));
  assert.deepEqual([over.kind, over.code, over.message], [Kind.InvalidInput, 500, "Unable to store data - unable to set key: nats: maximum payload exceeded"]);
  assert.equal(p.get("big").kind, Kind.NotFound, "nothing was stored");
  assert.equal(p.set("big", Buffer.alloc(1 << 20, 7)).kind, Kind.OK);
  assert.equal(p.get("big").value.length, 1 << 20);
  p.delete("big");
});

test(`nats: a key of ${NATS_LONG_KEY} bytes closes the connection (NATS's control line), and it stays closed, as Tarmac's client never reconnects: every later call is HostFailure, "nats: connection closed"`, { skip: nats.skip }, async () => {
  const store = new NatsStore({ servers: [nats.server.url] });
  try {
    const p = await natsProbe("json", store);
    assert.equal(p.set("before", Buffer.from("1")).kind, Kind.OK);
    const long = p.set("k".repeat(NATS_LONG_KEY), Buffer.from("v"));
    assert.deepEqual([long.kind, long.code], [Kind.HostFailure, 500], long.message);
    for (const r of [p.get("before"), p.set("after", Buffer.from("2")), p.keys()]) {
      assert.equal(r.kind, Kind.HostFailure, r.message);
      assert.ok(r.message.endsWith("nats: connection closed"), r.message);
    }
    // The server itself is fine: a new connection (a restarted Tarmac) reads the data.
    assert.equal((await natsProbe()).get("before").value.toString(), "1");
  } finally {
    store.close();
  }
});

test("nats gone: set, get and delete are HostFailure, \"nats: connection closed\" (the get's 404 is not NotFound), and it stays so when the server is back", { skip: nats.skip, timeout: 60000 }, async () => {
  const node = await startNats({ name: "gone" });
  const store = new NatsStore({ servers: [node.url] });
  try {
    const p = await natsProbe("json", store);
    assert.equal(p.set("k", Buffer.from("v")).kind, Kind.OK);
    await node.kill();
    await node.restart();
    const answers = [p.set("k", Buffer.from("v")), p.get("k"), p.delete("k")];
    assert.deepEqual(answers.map((r) => [r.kind, r.code, r.message]), [
      [Kind.HostFailure, 500, "Unable to store data using key k - unable to set key: nats: connection closed"],
      [Kind.HostFailure, 404, "Unable to fetch key k - unable to fetch key: nats: connection closed"],
      [Kind.HostFailure, 404, "Unable to delete key k - unable to remove key: nats: connection closed"],
    ]);
    assert.equal((await natsProbe("json", opened(new NatsStore({ servers: [node.url] })))).get("k").value.toString(), "v", "the node kept the data through kill -9");
  } finally {
    store.close();
    await node.stop();
  }
});

test("nats cluster: a value set through one node is read through each of the others", { skip: servers.natsCluster.skip }, async () => {
  const { urls } = servers.natsCluster.server;
  const writer = await natsProbe("json", opened(new NatsStore({ servers: [urls[0]], bucket: "shared" })));
  assert.equal(writer.set("across", Buffer.from([1, 2, 3])).kind, Kind.OK);
  for (const url of urls.slice(1)) assert.deepEqual((await natsProbe("protobuf", opened(new NatsStore({ servers: [url], bucket: "shared" })))).get("across").value, Buffer.from([1, 2, 3]), url);
});

test("redis sentinel: TestHost finds the master through Sentinel; tarmac-as dev reads APP_REDIS_SENTINEL_SERVERS and APP_REDIS_SENTINEL_MASTER as Tarmac does", { skip: servers.sentinel.skip }, async () => {
  const { sentinels, master, redis: node } = servers.sentinel.server;
  const fn = await new TestHost({ store: opened(new RedisStore({ sentinels, master })) }).load(wireGuests("json").probe);
  assert.equal(fn.call(request(Op.SET, "through-sentinel", Buffer.from("yes"))).status, 200);
  assert.equal(storeOn(node.server).get("through-sentinel").toString(), "yes", "on the master");
  const settings = envSettings({ APP_KVSTORE_TYPE: "redis", APP_REDIS_SENTINEL_SERVERS: `${sentinels[0]} 127.0.0.1:1`, APP_REDIS_SENTINEL_MASTER: master }, { projectDir: "/p" });
  assert.deepEqual(settings.kv.redis, { server: "", sentinels: [sentinels[0], "127.0.0.1:1"], master, password: "", database: 0 });
  assert.throws(() => envSettings({ APP_KVSTORE_TYPE: "redis", APP_REDIS_SENTINEL_SERVERS: sentinels[0] }, { projectDir: "/p" }), /Redis Master must be defined/);
});

test("boltdb model: a key over 32,768 bytes is InvalidInput in bbolt's words; keys in byte order; keys of an empty store is null", async () => {
  const store = new BoltStore();
  const host = new TarmacHost({ store });
  const p = new Probe(await host.instantiate(wireGuests("json").probe));
  assert.equal(host.dispatch("tarmac", "kvstore", "keys", Buffer.alloc(0)).toString(), `{"keys":null,"status":{"code":200,"status":"OK"}}`);
  const long = "k".repeat(32769);
  const r = p.set(long, Buffer.from("v"));
  assert.deepEqual([r.kind, r.code, r.message], [Kind.InvalidInput, 500, `Unable to store data using key ${long} - error while executing Set transaction - error while executing Set - key too large`]);
  assert.equal(p.set("k".repeat(32768), Buffer.from("v")).kind, Kind.OK);
  assert.equal(p.get(long).kind, Kind.NotFound, "bbolt finds no such key");
  for (const key of ["b", "é", "B", "a", "aa"]) p.set(key, Buffer.from("v"));
  assert.deepEqual(store.keys().filter((k) => k.length < 10), ["B", "a", "aa", "b", "é"]);
});

test("cassandra model: a key over 65,535 bytes is InvalidInput in Cassandra's words, a value over 16 MiB is HostFailure (never NotFound), keys in token order, keys of an empty store is null", async () => {
  const store = new CassandraStore();
  const host = new TarmacHost({ store });
  const p = new Probe(await host.instantiate(wireGuests("json").probe));
  assert.equal(host.dispatch("tarmac", "kvstore", "keys", Buffer.alloc(0)).toString(), `{"keys":null,"status":{"code":200,"status":"OK"}}`);
  const long = "é".repeat(32768); // 65,536 bytes of UTF-8
  for (const [r, code] of [[p.set(long, Buffer.from("v")), 500], [p.get(long), 404], [p.delete(long), 404]]) {
    assert.deepEqual([r.kind, r.code], [Kind.InvalidInput, code], r.message);
    assert.ok(r.message.endsWith("Key length of 65536 is longer than maximum of 65535"), r.message);
  }
  const big = p.set("big", Buffer.alloc(16 * 1024 * 1024));
  assert.deepEqual([big.kind, big.code], [Kind.HostFailure, 500], big.message);
  assert.match(big.message, /oversized mutation/);
  for (const key of ["a", "hello", "user:42", "é"]) p.set(key, Buffer.from("v"));
  // Tokens from the DataStax Python driver's murmur3 (cassandra-driver), which Cassandra's
  // Murmur3Partitioner matches: a -8839064797231613815, hello -3758069500696749310,
  // user:42 -3674646904862786968, é 5461403030378599040.
  assert.deepEqual(store.keys(), ["a", "hello", "user:42", "é"]);
  const vectors = { "": 0n, a: -8839064797231613815n, hello: -3758069500696749310n, "user:42": -3674646904862786968n, "é": 5461403030378599040n,
    ["k".repeat(15)]: 4196457338881644714n, ["k".repeat(16)]: 366243685468693092n, ["k".repeat(17)]: -8383949562513126127n };
  for (const [key, token] of Object.entries(vectors)) assert.equal(murmur3Token(Buffer.from(key)), token, key);
  assert.equal(murmur3Token(Buffer.from("fffe808190a0b0c0d0", "hex")), -4414060940967459643n, "the tail's bytes sign-extended, as Cassandra does");
});

test("tarmac-as dev with APP_KVSTORE_TYPE=nats runs on a NATS bucket as Tarmac's main reads it (APP_NATS_URL, APP_NATS_SERVERS, APP_NATS_BUCKET): kv-counter's key holds a colon, which NATS refuses, so its request fails in NATS's words", { skip: nats.skip, timeout: 240000 }, async () => {
  const url = nats.server.url;
  const settings = envSettings({ APP_KVSTORE_TYPE: "nats", APP_NATS_URL: url, APP_NATS_SERVERS: "nats://127.0.0.1:1 nats://127.0.0.1:2", APP_NATS_BUCKET: "counter" }, { projectDir: "/p" });
  assert.deepEqual(settings.kv.nats, { servers: [url, "nats://127.0.0.1:1", "nats://127.0.0.1:2"], bucket: "counter" });
  const example = join(root, "examples", "kv-counter");
  const config = join(scratch("tarmac-as-stores-"), "tarmac.json");
  writeFileSync(config, JSON.stringify({ services: { counter: { name: "counter",
    functions: { "kv-counter": { filepath: join(example, "build", "kv-counter.wasm"), pool_size: 1 } },
    routes: [{ type: "http", path: "/", methods: ["GET"], function: "kv-counter" }] } } }));
  // kv-counter's key holds a colon, which NATS refuses: the count fails with NATS's words.
  const run = () => startDev(join(root, "bin", "tarmac-as.mjs"), example, { args: ["--config", config], env: { APP_KVSTORE_TYPE: "nats", APP_NATS_URL: url, APP_NATS_BUCKET: "counter" } });
  assert.equal(await serving(run(), async (d) => {
    assert.equal((await d.get()).status, 500);
    assert.equal(storeOf("counter").keys().length, 0, "nothing stored");
    assert.match(d.output(), /nats: invalid key/, "the function's error, in the log");
    assert.match(d.output(), new RegExp(`key:value on NATS ${url.replaceAll(".", "\\.")} bucket counter`));
  }), 0);
});
