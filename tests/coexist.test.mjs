// A function may import as-wasi, json-as or as-base64 beside tarmac-as: each guest in
// tests/guests/coexist/ is built here with the preset (json-as's with its transform added in
// its own asconfig) and called on the Tarmac-like host. The SDK uses none of them itself
// (docs/design.md, libraries.test.mjs shows why).
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { WASI } from "node:wasi";
import { buildWasm } from "../scripts/build.mjs";
import { TarmacHost } from "../host/engine/tarmac-host.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const guest = (p) => join(root, "tests", "guests", p);
const out = (name) => join(root, "tests", "build", `coexist-${name}.wasm`);
const GUESTS = {
  "as-wasi": { config: guest("asconfig.json"), entry: guest("coexist/with-as-wasi.ts") },
  "json-as": { config: guest("coexist/json-as.json"), entry: guest("coexist/with-json-as.ts") },
  "as-base64": { config: guest("asconfig.json"), entry: guest("coexist/with-as-base64.ts") },
};
const built = {};

before(async () => {
  for (const [name, g] of Object.entries(GUESTS)) {
    try { built[name] = await buildWasm({ ...g, outFile: out(name) }); } catch (e) { built[name] = e; }
  }
});

/** The built module for `name` (the build's error fails the test that needs it) on a fresh host. */
async function load(name) {
  if (built[name] instanceof Error) throw built[name];
  const host = new TarmacHost();
  return { host, fn: await host.instantiate(built[name]) };
}

const importsOf = (module, from) => WebAssembly.Module.imports(module).filter((i) => i.module === from).map((i) => i.name).sort();
const call = (fn, body) => {
  const r = fn.call(body);
  assert.ok(r.ok, `the function failed: ${r.error}`);
  return r.body;
};

test("as-wasi beside tarmac-as: builds with the preset, imports only WASI preview1 functions node:wasi provides (as-wasi adds args, environ and random_get to the SDK's clock_time_get)", async () => {
  const { fn } = await load("as-wasi");
  const provided = Object.keys(new WASI({ version: "preview1" }).wasiImport);
  const wasi = importsOf(fn.module, "wasi_snapshot_preview1");
  assert.deepEqual(wasi, ["args_get", "args_sizes_get", "clock_time_get", "environ_get", "environ_sizes_get", "random_get"]);
  for (const name of wasi) assert.ok(provided.includes(name), `node:wasi provides ${name}`);
  assert.deepEqual(importsOf(fn.module, "env"), [], "no env imports: the preset's abort, console and trace still replace AssemblyScript's");
  assert.deepEqual(WebAssembly.Module.exports(fn.module).map((e) => e.name).sort(), ["__guest_call", "memory"]);
});

test("as-wasi beside tarmac-as: as-wasi's clock and random bytes work on the test host, beside the SDK's clock and key:value", async () => {
  const { host, fn } = await load("as-wasi");
  const seen = new Set();
  for (let i = 0; i < 3; i++) {
    const before = Date.now();
    const r = JSON.parse(call(fn, "clock").toString());
    const after = Date.now();
    for (const clock of ["wasiNow", "sdkNow"]) {
      assert.ok(Math.floor(r[clock]) >= before && Math.floor(r[clock]) <= after, `${clock} ${r[clock]} is the host's wall clock (${before}..${after})`);
    }
    call(fn, "random");
    const random = host.store.get("random");
    assert.equal(random.length, 16, "as-wasi's 16 random bytes, stored through the SDK");
    seen.add(random.toString("hex"));
  }
  assert.equal(seen.size, 3, "random_get gives new bytes each call");
});

test("as-wasi beside tarmac-as: CommandLine.all and Environ.all abort on the test host, whose node:wasi answers args_get and environ_get with EINVAL (28) when there are none; the request fails and the instance serves the next one", async () => {
  const { host, fn } = await load("as-wasi");
  // What as-wasi sees: the sizes are fine (none of either), the lists are not.
  assert.deepEqual(JSON.parse(call(fn, "errno").toString()),
    { args_sizes_get: 0, argc: 0, args_get: 28, environ_sizes_get: 0, envc: 0, environ_get: 28 });
  for (const what of ["args", "env"]) {
    const r = fn.call(what);
    assert.deepEqual([r.ok, r.trapped, r.error], [false, true, "error invoking guest: wasm error: unreachable"], `${what}: as-wasi calls abort() on the errno`);
    assert.deepEqual(host.logs.at(-1), { level: "error", message: "abort" }, "the preset's abort reports it to Tarmac's logger");
    assert.equal(typeof JSON.parse(call(fn, "clock").toString()).wasiNow, "number", "the instance serves the next request");
  }
});

test("json-as beside tarmac-as: builds with the preset plus json-as/transform, and json-as parses the request and writes the answer, with key:value through the SDK", async () => {
  const { host, fn } = await load("json-as");
  assert.deepEqual(importsOf(fn.module, "env"), []);
  const order = { item: `tea "green" ü 😀 \\ </script>`, qty: 2 };
  for (const orders of [1, 2]) {
    assert.deepEqual(JSON.parse(call(fn, JSON.stringify(order)).toString()), { ...order, total: 6, orders });
  }
  assert.equal(host.store.get("last-order").toString(), JSON.stringify(order), "json-as's stringify, as JSON.stringify writes it");
  assert.equal(host.store.get("orders").toString(), "2");
});

test("as-base64 beside tarmac-as: builds with the preset, encodes as Node does, and its text round-trips through the SDK's key:value", async () => {
  const { host, fn } = await load("as-base64");
  assert.deepEqual(importsOf(fn.module, "env"), []);
  for (const n of [1, 2, 3, 4, 5, 256, 1000]) {
    const bytes = Buffer.from(Array.from({ length: n }, (_, i) => (i * 37 + n) & 0xff));
    const encoded = bytes.toString("base64");
    assert.equal(call(fn, bytes).toString(), `${encoded} same`, `${n} bytes`);
    assert.equal(host.store.get("encoded").toString(), encoded);
  }
});
