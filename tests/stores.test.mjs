// Key:value on a real Redis server (Debian's redis-server, started on loopback by this file), as
// Tarmac's Redis backend runs it: the test host's RedisStore (tarmac-as/host, and `tarmac-as dev`
// with APP_KVSTORE_TYPE=redis) answers the conformance cases on each wire as real Tarmac on
// Redis did, `keys` of an empty store is [], two hosts share the data, and a Redis that is gone
// is a HostFailure on every operation (a get's 404 is not NotFound). Without redis-server these
// cases are skipped, saying why; STORES=required (as in CI) makes that a failure.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { TarmacHost } from "../host/engine/tarmac-host.mjs";
import { RedisStore, TestHost } from "../host/index.mjs";
import { WIRE_NAMES, wireGuests } from "./guests.mjs";
import { Probe, Kind, Op, request } from "./probe.mjs";
import { CASES, groupOf } from "./contract/cases.mjs";
import { runCase, testHostTarget } from "./contract/runner.mjs";
import { redisForTests } from "./servers/stores.mjs";
import { envSettings } from "../cli/dev-config/environment.mjs";
import { join } from "node:path";
import { writeFileSync } from "node:fs";
import { startDev, serving, root, scratch } from "./dev-server.mjs";

const { server: redis, skip } = await redisForTests("stores");
const stores = [];
const storeOn = (server = redis.server) => { const s = new RedisStore({ server }); stores.push(s); return s; };
after(async () => {
  for (const s of stores) s.close();
  await redis?.stop();
});

for (const wire of WIRE_NAMES) {
  for (const profile of ["v0.10.0", "main"]) {
    test(`redis, ${wire} wire, profile ${profile}: the conformance store cases answer as real Tarmac on Redis did`, { skip }, async () => {
      const host = new TarmacHost({ profile, store: storeOn() });
      const guest = await host.instantiate(wireGuests(wire).probe);
      for (const c of CASES.filter((x) => groupOf(x) === "store")) await runCase(testHostTarget(host, guest), c, {}, { wire, profile });
    });
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
  assert.deepEqual(settings.kv, { enabled: true, type: "redis", file: null, redis: { server: redis.server, password: "", database: 0 } });
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
