// The wire setting: one source built for json, protobuf and auto (asc `--use TARMAC_WIRE=<n>`,
// `tarmac-as build --wire <name>`), each module speaking only its wire, `auto` asking the host
// once per instance, and a bad setting refused when the module is compiled.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { buildWasm } from "../scripts/build.mjs";
import { root } from "../scripts/examples.mjs";
import { WIRES, wireArgs } from "../cli/build.mjs";
import { TestHost } from "../host/index.mjs";

const out = mkdtempSync(join(tmpdir(), "tarmac-as-wire-"));
const config = join(root, "examples/kv-counter/asconfig.json");
const modules = {};
before(async () => {
  for (const wire of Object.keys(WIRES)) {
    modules[wire] = readFileSync(await buildWasm({ config, outFile: join(out, `${wire}.wasm`), extra: wireArgs(wire) }));
  }
});

// The calls the counter made for three requests, and what it answered.
async function count(wire, profile, hook) {
  const host = new TestHost({ profile });
  if (hook) host.addHook(hook);
  const fn = await host.load(modules[wire]);
  const answers = [];
  for (let i = 0; i < 3; i++) { const r = await fn.call(Buffer.alloc(0)); answers.push(r.ok ? r.body.toString() : `error: ${r.error}`); }
  const calls = host.calls.map((c) => ({ call: `${c.namespace}:${c.operation}`, first: c.payload[0] }));
  host.close();
  return { answers, calls };
}

const GUARD = 0x0d; // every JSON request starts with the protobuf guard (tarmac-json.ts)
const KEY_FIELD = 0x0a; // field 1, length-delimited: every protobuf request here starts with it

test("the setting's names are asc's TARMAC_WIRE values, and an unknown one is refused", () => {
  assert.deepEqual(WIRES, { json: 0, protobuf: 1, auto: 2 });
  assert.deepEqual(wireArgs("protobuf"), ["--use", "TARMAC_WIRE=1"]);
  assert.deepEqual(wireArgs(null), []);
  assert.throws(() => wireArgs("xml"), /unknown wire "xml"/);
});

test("TARMAC_WIRE outside 0-2 fails the build with a message that names the settings", async () => {
  await assert.rejects(buildWasm({ config, outFile: join(out, "bad.wasm"), extra: ["--use", "TARMAC_WIRE=7"] }),
    /TARMAC_WIRE must be 0 \(json\), 1 \(protobuf\) or 2 \(auto\)/);
});

test("a module built for one wire carries only its codec: protobuf is the smallest, auto the largest", () => {
  assert.ok(modules.protobuf.length < modules.json.length && modules.json.length < modules.auto.length,
    `protobuf ${modules.protobuf.length}, json ${modules.json.length}, auto ${modules.auto.length}`);
});

for (const profile of ["v0.10.0", "main"]) {
  test(`${profile}: the same counter counts on every wire; json sends JSON, protobuf sends protobuf and never probes`, async () => {
    for (const wire of ["json", "protobuf"]) {
      const { answers, calls } = await count(wire, profile);
      assert.deepEqual(answers, ["1", "2", "3"], wire);
      assert.deepEqual(calls.map((c) => c.call), Array(3).fill(["kvstore:get", "kvstore:set"]).flat(), wire);
      assert.ok(calls.every((c) => c.first === (wire === "json" ? GUARD : KEY_FIELD)), `${wire}: ${JSON.stringify(calls)}`);
    }
  });
}

test("auto probes once per instance: main answers the first probe in protobuf, v0.10.0 the second; then protobuf", async () => {
  for (const [profile, probes] of [["main", 1], ["v0.10.0", 2]]) {
    const { answers, calls } = await count("auto", profile);
    assert.deepEqual(answers, ["1", "2", "3"], profile);
    assert.deepEqual(calls.slice(0, probes).map((c) => c.call), Array(probes).fill("httpclient:call"), profile);
    const rest = calls.slice(probes);
    assert.deepEqual(rest.map((c) => c.call), Array(3).fill(["kvstore:get", "kvstore:set"]).flat(), profile);
    assert.ok(rest.every((c) => c.first === KEY_FIELD), `${profile}: ${JSON.stringify(rest)}`);
  }
});

test("auto on a host that answers the probes in JSON (older than v0.8.1) speaks JSON", async () => {
  const jsonOnly = (call, next) => (call.namespace === "httpclient"
    ? { ok: false, body: Buffer.from('{"status":{"code":400,"status":"Error Parsing Input"}}'), error: "Error Parsing Input" }
    : next(call));
  const { answers, calls } = await count("auto", "v0.10.0", jsonOnly);
  assert.deepEqual(answers, ["1", "2", "3"]);
  assert.deepEqual(calls.slice(0, 2).map((c) => c.call), ["httpclient:call", "httpclient:call"]);
  assert.ok(calls.slice(2).every((c) => c.first === GUARD), JSON.stringify(calls));
});
