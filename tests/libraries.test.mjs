// Why the SDK replaces json-as and as-base64 on its path: each check runs the straightforward
// guest (tests/guests/naive/naive-kv.ts, json-as + as-base64 + @wapc/as-guest's hostCall) next
// to the SDK on the same input.
import { test } from "node:test";
import assert from "node:assert/strict";
import { probeInstance, guests } from "./guests.mjs";
import { TarmacHost } from "../host/engine/tarmac-host.mjs";
import { Op, Kind, request } from "./probe.mjs";

const naiveRequest = (op, key = "", value = Buffer.alloc(0)) => {
  const k = Buffer.from(key);
  const head = Buffer.alloc(5);
  head[0] = op;
  head.writeUInt32LE(k.length, 1);
  return Buffer.concat([head, k, Buffer.from(value)]);
};

async function naive() {
  const host = new TarmacHost();
  return { host, guest: await host.instantiate(guests.naive) };
}

test("json-as: a malformed host reply kills the naive guest's instance; the SDK returns InvalidResponse", async () => {
  for (const body of [`{"status":{"code":200,"status":"OK"},"data":5}`, `not json`, ``, `{"status":{"code":200},"data":"aGk="} x`]) {
    const { guest } = await naive();
    guest.intercept = () => ({ ok: true, body: Buffer.from(body) });
    const r = guest.call(naiveRequest(1, "k"));
    assert.equal(r.ok, false, body);
    assert.equal(r.trapped, true, `json-as traps on ${JSON.stringify(body)}`);
    guest.intercept = null;
    const next = guest.call(naiveRequest(1, "k"));
    assert.equal(next.ok, false, "and the instance is gone (env.abort closed it)");

    const { guest: g2, probe } = await probeInstance();
    g2.intercept = () => ({ ok: true, body: Buffer.from(body) });
    assert.equal(probe.get("k").kind, Kind.InvalidResponse);
    g2.intercept = null;
    assert.equal(probe.get("k").kind, Kind.NotFound, "the SDK's instance keeps serving");
  }
});

test("@wapc/as-guest's hostCall drops the body of a failed call, so not-found cannot be told from a broken store", async () => {
  const { guest } = await naive();
  const r = guest.call(naiveRequest(1, "missing"));
  assert.equal(r.ok, true);
  assert.equal(r.body.length, 0, "the naive guest only knows the call failed");
  const { probe } = await probeInstance();
  assert.equal(probe.get("missing").kind, Kind.NotFound);
});

test("as-base64: traps on unpadded input and whitespace, invents bytes for junk; the SDK's codec rejects all of it", async () => {
  const traps = ["aGk", "aGk=\n", " aGk=", "é==="];
  const silent = { "@@@@": Buffer.from([0, 0, 0]), "====": Buffer.from([0]), "aGVsbG8=aGVsbG8=": Buffer.from("hello\0hello") };
  const { guest: sdk } = await probeInstance();
  const sdkDecode = (s) => sdk.call(request(Op.B64_DECODE, "", Buffer.from(s))).body;
  for (const s of traps) {
    const { guest } = await naive();
    assert.equal(guest.call(naiveRequest(3, "", Buffer.from(s))).trapped, true, `as-base64 traps on ${JSON.stringify(s)}`);
    assert.deepEqual(sdkDecode(s), Buffer.from([1]), "SDK: rejected");
  }
  for (const [s, wrong] of Object.entries(silent)) {
    const { guest } = await naive();
    const r = guest.call(naiveRequest(3, "", Buffer.from(s)));
    assert.ok(r.body.subarray(0, wrong.length).equals(wrong), `as-base64 decodes ${s} to ${wrong.toString("hex")}`);
    assert.deepEqual(sdkDecode(s), Buffer.from([1]), "SDK: rejected");
  }
});

test("base64 encoding: the SDK, as-base64 and Node agree on every length 0-300 and on all byte values", async () => {
  const { guest: sdk } = await probeInstance();
  const { guest: nv } = await naive();
  for (let n = 0; n <= 300; n++) {
    const bytes = Buffer.from(Array.from({ length: n }, (_, i) => (i * 37 + n) & 0xff));
    const node = bytes.toString("base64");
    const ours = sdk.call(request(Op.B64_ENCODE, "", bytes)).body.subarray(13).toString();
    assert.equal(ours, node, `SDK encode of ${n} bytes`);
    assert.equal(nv.call(naiveRequest(4, "", bytes)).body.toString(), node, `as-base64 encode of ${n} bytes`);
    const back = sdk.call(request(Op.B64_DECODE, "", Buffer.from(node))).body;
    assert.deepEqual(back, Buffer.concat([Buffer.from([0]), bytes]), `SDK decode of ${n} bytes`);
  }
});
