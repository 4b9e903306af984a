// The handler and the waPC entry point: errors reach the host as Tarmac expects, traps and
// aborts end only the current request, and pooled instances keep serving.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { probeInstance, guests } from "./guests.mjs";
import { TarmacHost, ManualClock } from "../host/engine/tarmac-host.mjs";
import { Op, Kind, request } from "./probe.mjs";
import { unknownOperation } from "./wire.mjs";
import { MESSAGES, GENERATED } from "../scripts/messages.mjs";

test("a handler error reaches the host through __guest_error, message intact", async () => {
  const { guest } = await probeInstance();
  for (const message of ["bad request", "ünïcödé ✓ 😀", "quote \" backslash \\ newline \n", "x".repeat(100000)]) {
    const r = guest.call(request(Op.FAIL, message));
    assert.deepEqual([r.ok, r.trapped, r.error], [false, false, message]);
  }
  assert.equal(guest.call(request(Op.FAIL, "")).error, MESSAGES.E_HANDLER_FAILED, "an empty message is replaced");
});

test("an operation other than handler is answered as waPC's Go guest answers it (Tarmac's Bad Handler Route)", async () => {
  const { guest, probe } = await probeInstance();
  for (const operation of ["noroute", "", "Handler", "handler\u0000", "ünï"]) {
    const r = guest.call(request(Op.FAIL, "x"), operation);
    assert.deepEqual([r.ok, r.trapped, r.error], [false, false, unknownOperation(operation)]);
  }
  assert.equal(probe.set("k", Buffer.from("v")).kind, Kind.OK, "the instance serves the handler after");
});

test("a failed handler reaches an HTTP caller as Tarmac sends it: v0.10.0 an empty 500, main the message", async () => {
  for (const [profile, body] of [["v0.10.0", ""], ["main", "failed to execute wasm module - out of stock"]]) {
    const { host, guest } = await probeInstance({ profile });
    assert.deepEqual(host.httpAnswer(guest.call(request(Op.FAIL, "out of stock"))), { status: 500, body: Buffer.from(body) });
    const ok = guest.call(request(Op.NOW));
    assert.deepEqual(host.httpAnswer(ok), { status: 200, body: ok.body });
  }
});

test("the SDK's generated files (messages.ts, limits.ts) match the registry and the message list, and a message reaches the host intact", async () => {
  for (const [file, make] of Object.entries(GENERATED)) {
    assert.equal(readFileSync(new URL(`../assembly/${file}`, import.meta.url), "utf8"), make(), `assembly/${file}: run node scripts/messages.mjs`);
  }
  const guest = await new TarmacHost().instantiate(guests.noHandler);
  assert.equal(guest.call("x").error, MESSAGES.E_NO_HANDLER);
});

test("a module without a registered handler fails each call with a message saying what to do", async () => {
  const guest = await new TarmacHost().instantiate(guests.noHandler);
  const r = guest.call("x");
  assert.equal(r.ok, false);
  assert.match(r.error, /no handler registered: call handle\(fn\)/);
});

test("5,000 traps in a row do not wear the instance down (shadow stack reset)", async () => {
  const { guest, probe } = await probeInstance();
  probe.set("k", Buffer.from("v"));
  for (let i = 0; i < 5000; i++) {
    const r = guest.call(request(Op.TRAP));
    assert.equal(r.trapped, true);
    assert.match(r.error, /^error invoking guest: wasm error: unreachable/);
  }
  assert.deepEqual(probe.get("k").value, Buffer.from("v"));
});

test("abort reports its message through __guest_error and the logger, and the instance survives", async () => {
  const { host, guest, probe } = await probeInstance();
  for (let i = 0; i < 1000; i++) {
    const r = guest.call(request(Op.ABORT, `n${i}`));
    assert.equal(r.trapped, true, "abort ends the request");
    assert.equal(r.guestError, `boom: n${i}`);
  }
  assert.equal(host.logs.length, 1000);
  assert.deepEqual(host.logs[999], { level: "error", message: "boom: n999" });
  assert.equal(guest.aborts.length, 0, "env.abort is never called");
  assert.equal(probe.set("k", Buffer.from("v")).kind, Kind.OK);
});

test("without the preset, wazero's env.abort closes the instance for good (why the preset installs its own)", async () => {
  const { guest, probe } = await probeInstance({}, guests.noPreset);
  assert.equal(probe.set("k", Buffer.from("v")).kind, Kind.OK);
  const r = guest.call(request(Op.ABORT, "x"));
  assert.equal(r.error, "error invoking guest: module closed with exit_code(255)");
  assert.equal(guest.call(request(Op.GET, "k")).error, "error invoking guest: module closed with exit_code(255)");
});

test("reading .value of an error result aborts only that request, with the error's text", async () => {
  const { host, guest, probe } = await probeInstance();
  const r = guest.call(request(Op.GET_VALUE_MISUSE, "missing"));
  assert.equal(r.trapped, true);
  assert.equal(r.guestError, "kvstore.get: not_found (404): Unable to fetch key missing - nil value returned from database");
  assert.equal(host.logs.length, 1);
  assert.equal(probe.set("k", Buffer.from("v")).kind, Kind.OK);
});

test("handlers are registered in every pooled instance; instances share nothing but the store", async () => {
  const host = new TarmacHost();
  const pool = await Promise.all([1, 2, 3, 4].map(() => host.instantiate(guests.probe)));
  pool.forEach((g, i) => {
    const r = g.call(request(Op.SET, `k${i}`, Buffer.from(`v${i}`)));
    assert.equal(r.ok, true);
  });
  pool.forEach((g, i) => {
    const r = g.call(request(Op.GET, `k${(i + 1) % 4}`));
    assert.equal(r.ok, true);
    assert.ok(r.body.subarray(9).equals(Buffer.from(`v${(i + 1) % 4}`)));
  });
});

test("empty and 8 MiB request bodies reach the handler intact", async () => {
  const { guest } = await probeInstance();
  const big = Buffer.alloc(8 << 20, 0xab);
  const r = guest.call(request(Op.B64_ENCODE, "", big));
  assert.equal(r.ok, true);
  assert.equal(r.body.subarray(13).toString(), big.toString("base64"));
  assert.deepEqual(guest.call(Buffer.alloc(0)), { ok: false, body: null, error: "short request: 0 bytes", trapped: false });
});

test("a runtime error in user code (a 4 GiB string) traps only that request, and its abort names the place", async () => {
  const { guest, probe } = await probeInstance();
  const r = guest.call(Buffer.from([1, 0xff, 0xff, 0xff, 0x7f]));
  assert.equal(r.trapped, true);
  assert.equal(r.guestError, "Allocation too large at ~lib/rt/tcms.ts:125:30", "the compiler-inserted abort carries file:line:column");
  assert.equal(probe.set("k", Buffer.from("v")).kind, Kind.OK);
});

test("now() is the host's realtime clock: a clock the test moves gives exactly its time", async () => {
  const clock = new ManualClock({ realtime: 1750000000123n * 1000000n });
  const { guest } = await probeInstance({ clock });
  const now = () => Number(guest.call(request(Op.NOW)).body.subarray(13).toString());
  assert.equal(now(), 1750000000123);
  clock.advance(2500);
  assert.equal(now(), 1750000002623);
});

test("now() reads the clock through WASI preview1 (AssemblyScript's Date.now would import env.Date.now)", async () => {
  const { guest } = await probeInstance();
  const r = guest.call(request(Op.NOW));
  const ms = Number(r.body.subarray(13).toString());
  assert.ok(Math.abs(ms - Date.now()) < 5000, `${ms}`);
  const imports = WebAssembly.Module.imports(guest.module).map((i) => `${i.module}.${i.name}`);
  assert.ok(imports.includes("wasi_snapshot_preview1.clock_time_get"));
  assert.ok(!imports.some((i) => i.startsWith("env.Date")));
});
