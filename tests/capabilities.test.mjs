// Logger, metrics and function-to-function calls over a compiled guest on the Tarmac-like host.
import { test } from "node:test";
import assert from "node:assert/strict";
import { guests } from "./guests.mjs";
import { TarmacHost } from "../host/engine/tarmac-host.mjs";
import { Kind, decode } from "./probe.mjs";
import { CapsOp, capsRequest, f64 } from "./caps.mjs";
import { requestBytes } from "./wire.mjs";
import { MESSAGES } from "../scripts/messages.mjs";

const Op = CapsOp;
const req = capsRequest;

async function caps(options) {
  const host = new TarmacHost(options);
  const guest = await host.instantiate(guests.caps);
  const run = (...args) => {
    const r = guest.call(req(...args));
    if (!r.ok) throw new Error(r.error);
    return decode(r.body);
  };
  return { host, guest, run };
}

test("logger: every level reaches the host with the message exactly; lone surrogates become U+FFFD", async () => {
  const { host, guest, run } = await caps();
  for (const level of ["info", "warn", "error", "debug", "trace"]) {
    assert.equal(run(Op.LOG, level, Buffer.from(`at ${level} ✓ "q" \n`, "utf16le")).kind, Kind.OK);
  }
  assert.deepEqual(host.logs.map((l) => [l.level, l.message]), ["info", "warn", "error", "debug", "trace"].map((l) => [l, `at ${l} ✓ "q" \n`]));
  run(Op.LOG, "info", Buffer.from("bad \ud800 text", "utf16le"));
  assert.equal(host.logs.at(-1).message, "bad \ufffd text");
  assert.deepEqual(guest.hostCalls.at(-1).payload, Buffer.from("bad \ufffd text"), "the payload is the raw message");
  assert.equal(run(Op.LOG, "nope", Buffer.from("x", "utf16le")).kind, Kind.Unavailable, "an unknown level is not routed");
});

test("console.log, console.warn and trace go to Tarmac's logger (the preset routes them)", async () => {
  const { host, guest, run } = await caps();
  assert.equal(run(Op.CONSOLE, "hi").kind, Kind.OK);
  assert.deepEqual(host.logs, [{ level: "info", message: "console: hi" }, { level: "warn", message: "warned" }, { level: "trace", message: "traced 42.0" }]);
  const imports = WebAssembly.Module.imports(guest.module).map((i) => `${i.module}.${i.name}`);
  assert.ok(!imports.some((i) => i.startsWith("env.")), `no env imports: ${imports}`);
});

test("metrics: counter, gauge and histogram reach the registry; bad names and types are typed errors", async () => {
  const { host, guest, run } = await caps();
  for (let i = 0; i < 3; i++) assert.equal(run(Op.COUNTER, "cache_hits").kind, Kind.OK);
  run(Op.GAUGE_INC, "in_flight"); run(Op.GAUGE_INC, "in_flight"); run(Op.GAUGE_DEC, "in_flight");
  run(Op.HISTOGRAM, "latency:seconds", f64(0.25)); run(Op.HISTOGRAM, "latency:seconds", f64(1.5)); run(Op.HISTOGRAM, "latency:seconds", f64(3));
  assert.equal(host.metrics.get("cache_hits").value, 3);
  assert.equal(host.metrics.get("in_flight").value, 1);
  assert.deepEqual(host.metrics.get("latency:seconds").observations, [0.25, 1.5, 3]);
  assert.match(host.metrics.exposition(), /^cache_hits 3$/m);
  assert.deepEqual(guest.hostCalls.filter((c) => c.namespace === "metrics").map((c) => c.payload.toString()).slice(3, 6),
    [`{"name":"in_flight","action":"inc"}`, `{"name":"in_flight","action":"inc"}`, `{"name":"in_flight","action":"dec"}`].map(requestBytes));
  assert.equal(guest.hostCalls.at(-1).payload.toString(), requestBytes(`{"name":"latency:seconds","value":3}`));

  const calls = guest.hostCalls.length;
  // A leading digit passes Tarmac's check, but /metrics would show `9jobs` as `_jobs`.
  for (const name of ["", "has space", "dash-ed", "aw3er2324re2309vcqASEDFAQSWWEqwrqwQ!@#$@#VQ", "ünï", "\ud800", "9jobs_count", "0"]) {
    const r = run(Op.COUNTER, name);
    assert.deepEqual([r.kind, r.message], [Kind.InvalidInput, MESSAGES.E_BAD_METRIC_NAME], JSON.stringify(name));
  }
  for (const name of ["http_server", "go_goroutines", "process_cpu_seconds_total", "wasm_callbacks"]) {
    assert.equal(run(Op.COUNTER, name).kind, Kind.InvalidInput, `${name} would panic Tarmac's registry`);
  }
  for (const v of [NaN, Infinity, -Infinity]) assert.equal(run(Op.HISTOGRAM, "h", f64(v)).kind, Kind.InvalidInput);
  assert.equal(guest.hostCalls.length, calls, "none of these reached the host");

  // The host's own errors: a name reused for another type.
  for (const [op, name] of [[Op.GAUGE_INC, "cache_hits"], [Op.HISTOGRAM, "in_flight"], [Op.COUNTER, "latency:seconds"]]) {
    const r = run(op, name, f64(1));
    assert.deepEqual([r.kind, r.message], [Kind.Conflict, "metric name in use"]);
  }
});

test("metrics: the host's 'invalid action' and 'invalid metric name' texts are InvalidInput", async () => {
  const { guest, run } = await caps();
  guest.intercept = () => ({ ok: false, error: "invalid action", body: Buffer.alloc(0) });
  assert.deepEqual([run(Op.GAUGE_INC, "g").kind, run(Op.GAUGE_INC, "g").message], [Kind.InvalidInput, "invalid action"]);
  guest.intercept = () => ({ ok: false, error: "invalid metric name" });
  assert.equal(run(Op.COUNTER, "c").kind, Kind.InvalidInput);
  guest.intercept = () => ({ ok: false, error: "callback not found" });
  assert.equal(run(Op.COUNTER, "c").kind, Kind.Unavailable);
  guest.intercept = () => ({ ok: false, error: "unable to parse input JSON - x" });
  assert.equal(run(Op.COUNTER, "c").kind, Kind.HostFailure);
});

test("function-to-function: bytes in, bytes out; the other function's error; an unrouted name is NotFound", async () => {
  const { host, run } = await caps();
  const echo = await host.instantiate(guests.caps);
  host.routeFunction("echo", echo);
  const payload = (name, body) => req(Op.ECHO, name, body);
  let r = run(Op.CALL, "echo", payload("", Buffer.from("héllo \u0000 bytes")));
  assert.equal(r.kind, Kind.OK);
  assert.equal(r.rest.toString(), "echo:héllo \u0000 bytes");
  assert.deepEqual(host.logs.at(-1), { level: "info", message: "echo called" });
  r = run(Op.CALL, "echo", payload("fail"));
  assert.deepEqual([r.kind, r.message], [Kind.HostFailure, "failed to execute wasm module - echo failed on purpose"]);
  r = run(Op.CALL, "missing", Buffer.from("x"));
  assert.equal(r.kind, Kind.NotFound);
  assert.equal(run(Op.CALL, "", Buffer.alloc(0)).kind, Kind.InvalidInput);
  r = run(Op.CALL, "echo", payload("", Buffer.alloc(3 << 20, 0x41)));
  assert.equal(r.rest.length, 5 + (3 << 20), "3 MiB through a function call");
});

test("function-to-function: a reply too large to read is InvalidResponse, not an empty success", async () => {
  const { guest, run } = await caps();
  guest.intercept = () => ({ ok: true, body: Buffer.alloc(0), bodyLen: 2 ** 31 });
  assert.deepEqual([run(Op.CALL, "echo", Buffer.from("x")).kind, run(Op.CALL, "echo", Buffer.from("x")).message], [Kind.InvalidResponse, MESSAGES.E_RESPONSE_TOO_LARGE]);
});

test("SqlValue.asFloat takes a whole decimal number and nothing else", async () => {
  const { run } = await caps();
  const floatOf = (text) => { const r = run(Op.FLOAT_OF, text); return r.kind === Kind.OK ? r.rest.readDoubleLE(0) : r.kind; };
  for (const [text, want] of [["1.5", 1.5], ["-2", -2], ["+3.25e2", 325], [".5", 0.5], ["7.", 7], ["1E-3", 0.001], ["0.50", 0.5]]) assert.equal(floatOf(text), want, text);
  for (const text of ["1.5kg", "", "kg", "1.2.3", "e5", "1e", "- 1", " 1", "1 ", "Infinity", "NaN", "0x10", "."]) assert.equal(floatOf(text), Kind.InvalidData, JSON.stringify(text));
});

test("setHostCall swaps the host call for a user's own guest-side tests, and null restores it", async () => {
  const { guest } = await caps();
  const r = guest.call(req(12, "k"));
  assert.equal(r.body.toString(), `faked|tarmac:kvstore:get ${requestBytes(`{"key":"k"}`)};|kvstore.get: not_found (404): Unable to fetch key k - nil value returned from database`);
});

test("responses are read after __guest_call returns, as wapc-go reads its view of guest memory: every size arrives intact", async () => {
  const { guest } = await caps();
  for (let n = 0; n <= 300; n++) {
    const text = "x".repeat(n) + "!";
    const r = guest.call(req(Op.ECHO, "", Buffer.from(text)));
    assert.equal(r.ok, true);
    assert.equal(r.body.toString(), "echo:" + text, `${n + 1} bytes`);
  }
});

test("a response stays intact while later requests run on the instance (Tarmac v0.10.0 writes it out after returning the instance to its pool)", async () => {
  const { guest } = await caps();
  const pending = [];
  for (let i = 0; i < 400; i++) {
    const text = `response ${i} ` + "y".repeat(i % 200);
    const r = guest.call(req(Op.ECHO, "", Buffer.from(text)));
    pending.push({ view: r.view, want: "echo:" + text });
    // Read each response only after 50 more requests have run on the same instance.
    if (pending.length > 50) {
      const { view, want } = pending.shift();
      assert.equal(guest.bytes(...view).toString(), want);
    }
  }
});
