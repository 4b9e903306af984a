// npm run bench - builds release modules and measures what the SDK adds to a function: bytes in
// the module, time per key:value call against the raw waPC floor and a straightforward json-as +
// as-base64 guest (all in one process, one host, one run), base64 throughput, an 8 MiB round trip
// and a 1,000,000-call soak. Prints a table and writes bench/results.json.
import { statSync, writeFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { buildWasm } from "../scripts/build.mjs";
import { examples, buildExamples, root } from "../scripts/examples.mjs";
import { TarmacHost } from "../host/engine/tarmac-host.mjs";
import { measureTarmacOps, measureInstanceMemory } from "./tarmac-http.mjs";
import { writeReport } from "./report.mjs";

process.removeAllListeners("warning");
const MiB = 1 << 20;
const build = join(root, "bench", "build");
const wasm = { sdk: join(build, "sdk.wasm"), sdkProtobuf: join(build, "sdk-protobuf.wasm"), raw: join(build, "raw.wasm"), naive: join(build, "naive.wasm"), sdkNewest: join(build, "sdk-newest.wasm"), kvProtobuf: join(build, "kv-counter-protobuf.wasm") };
const quick = process.argv.includes("--quick");

console.log("building release modules...");
await buildExamples();
await buildWasm({ config: join(root, "bench/guests/asconfig.json"), entry: join(root, "bench/guests/sdk.ts"), outFile: wasm.sdk });
await buildWasm({ config: join(root, "bench/guests/asconfig.json"), entry: join(root, "bench/guests/sdk-newest.ts"), outFile: wasm.sdkNewest });
// The same source on the protobuf wire, and the kv-counter example built for it.
await buildWasm({ config: join(root, "bench/guests/asconfig.json"), entry: join(root, "bench/guests/sdk.ts"), outFile: wasm.sdkProtobuf, extra: ["--use", "TARMAC_WIRE=1"] });
await buildWasm({ config: join(root, "examples/kv-counter/asconfig.json"), outFile: wasm.kvProtobuf, extra: ["--use", "TARMAC_WIRE=1"] });
await buildWasm({ config: join(root, "bench/guests/raw.json"), entry: join(root, "bench/guests/raw.ts"), outFile: wasm.raw });
await buildWasm({ config: join(root, "tests/guests/naive/asconfig.json"), entry: join(root, "tests/guests/naive/naive-kv.ts"), outFile: wasm.naive });

const u32 = (n) => { const b = Buffer.alloc(4); b.writeUInt32LE(n >>> 0); return b; };
const sdkReq = (op, n, key, rest = Buffer.alloc(0)) => Buffer.concat([Buffer.from([op]), u32(n), u32(Buffer.byteLength(key)), Buffer.from(key), rest]);
const retention = (count, millis, budget) => Buffer.concat([u32(count), u32(millis), u32(budget)]);
const naiveReq = (op, key, rest = Buffer.alloc(0)) => Buffer.concat([Buffer.from([op]), u32(Buffer.byteLength(key)), Buffer.from(key), rest]);
const varint = (n) => { const out = []; do { out.push((n & 0x7f) | (n > 0x7f ? 0x80 : 0)); n >>>= 7; } while (n); return Buffer.from(out); };
const rawReq = (n, operation, body, op = 1) => Buffer.concat([Buffer.from([op]), u32(n), Buffer.from([operation.length]), Buffer.from(operation), body]);

function call(guest, req) {
  const r = guest.call(req);
  if (!r.ok) throw new Error(`benchmark call failed: ${r.error}`);
  if (r.body.length === 4 && r.body.readUInt32LE(0) !== 0) throw new Error(`${r.body.readUInt32LE(0)} failures`);
  return r;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * Calibrates one measurement: a loop of n inside one guest call, n grown until a call takes
 * 40 ms, after warming the guest and the host's JavaScript up for 300 ms. Returns a function
 * that times one call and gives ns per operation.
 */
function calibrate(makeReq, guest) {
  const warm = process.hrtime.bigint();
  for (let n = 1; Number(process.hrtime.bigint() - warm) < (quick ? 100e6 : 300e6); n = Math.min(n * 2, 256)) call(guest, makeReq(n));
  let n = 1;
  for (;;) {
    const t = process.hrtime.bigint();
    call(guest, makeReq(n));
    const ms = Number(process.hrtime.bigint() - t) / 1e6;
    if (ms >= (quick ? 10 : 40) || n >= 1 << 22) break;
    n *= 2;
  }
  const req = makeReq(n);
  return () => {
    const t = process.hrtime.bigint();
    call(guest, req);
    return Number(process.hrtime.bigint() - t) / n;
  };
}

/**
 * ns per operation for each named measurement: the median of 7 rounds, each round running every
 * measurement once in turn, so a burst of noise on this shared machine lands on all of them.
 */
function perOp(measurements) {
  const timers = Object.fromEntries(Object.entries(measurements).map(([k, [makeReq, guest]]) => [k, calibrate(makeReq, guest)]));
  const runs = Object.fromEntries(Object.keys(timers).map((k) => [k, []]));
  for (let i = 0; i < 7; i++) for (const [k, time] of Object.entries(timers)) runs[k].push(time());
  return Object.fromEntries(Object.entries(runs).map(([k, xs]) => [k, median(xs)]));
}

const modules = Object.fromEntries(await Promise.all(Object.entries(wasm).map(async ([k, p]) => [k, await WebAssembly.compile(readFileSync(p))])));

async function trio() {
  const host = new TarmacHost();
  const [sdk, raw, naive] = await Promise.all([host.instantiate(modules.sdk), host.instantiate(modules.raw), host.instantiate(modules.naive)]);
  for (const g of [sdk, raw, naive]) g.recordHostCalls = false;
  return { host, sdk, raw, naive };
}

const results = { sizes: {}, kv_get: [], kv_set: [] };
for (const ex of examples()) results.sizes[ex.name] = statSync(ex.wasm).size;
results.sizes["kv-counter on the protobuf wire"] = statSync(wasm.kvProtobuf).size;

const SIZES = [16, 1024, 64 * 1024, MiB];
for (const size of SIZES) {
  const { host, sdk, raw, naive } = await trio();
  const value = Buffer.alloc(size, 0x61).map((_, i) => (i * 31) & 0xff);
  host.store.set("bench", value);
  const getBody = Buffer.from(JSON.stringify({ key: "bench" }));
  const setBody = Buffer.from(JSON.stringify({ key: "bench", data: value.toString("base64") }));
  results.kv_get.push({
    value_bytes: size,
    ...perOp({
      sdk_ns: [(n) => sdkReq(1, n, "bench"), sdk],
      naive_ns: [(n) => naiveReq(5, "bench", u32(n)), naive],
      raw_ns: [(n) => rawReq(n, "get", getBody), raw],
    }),
  });
  results.kv_set.push({
    value_bytes: size,
    ...perOp({
      sdk_ns: [(n) => sdkReq(2, n, "bench", value), sdk],
      naive_ns: [(n) => naiveReq(6, "bench", Buffer.concat([u32(n), value])), naive],
      raw_ns: [(n) => rawReq(n, "set", setBody), raw],
    }),
  });
  console.log(`measured kv get/set at ${size} B`);
}

{
  const { sdk, naive } = await trio();
  const bytes = Buffer.from(Array.from({ length: MiB }, (_, i) => (i * 7919) & 0xff));
  const text = Buffer.from(bytes.toString("base64"));
  const textString = text.toString();
  const mbs = (ns) => (MiB / 1e6) / (ns / 1e9);
  const nodeEnc = [], nodeDec = [];
  for (let i = 0; i < 9; i++) {
    let t = process.hrtime.bigint(); bytes.toString("base64"); nodeEnc.push(Number(process.hrtime.bigint() - t));
    t = process.hrtime.bigint(); Buffer.from(textString, "base64"); nodeDec.push(Number(process.hrtime.bigint() - t));
  }
  const t = perOp({
    sdk_encode: [(n) => sdkReq(3, n, "", bytes), sdk],
    sdk_decode: [(n) => sdkReq(4, n, "", text), sdk],
    as_base64_encode: [(n) => naiveReq(7, "", Buffer.concat([u32(n), bytes])), naive],
    as_base64_decode: [(n) => naiveReq(8, "", Buffer.concat([u32(n), text])), naive],
  });
  results.base64 = {
    sdk_encode_mb_s: mbs(t.sdk_encode),
    sdk_decode_mb_s: mbs(t.sdk_decode),
    as_base64_encode_mb_s: mbs(t.as_base64_encode),
    as_base64_decode_mb_s: mbs(t.as_base64_decode),
    node_encode_mb_s: mbs(median(nodeEnc)),
    node_decode_mb_s: mbs(median(nodeDec)),
  };
  console.log("measured base64");
}

{
  const value = Buffer.from(Array.from({ length: 8 * MiB }, (_, i) => (i * 131) & 0xff));
  // One instance per guest, as Tarmac keeps one for many requests: the first set + get also
  // grows the instance's memory (its peak is the memory figure, its time is reported as cold);
  // the times are medians of the 15 round trips after it. The three guests take turns, so noise
  // on this shared machine lands on all of them alike.
  const { host, sdk, raw, naive } = await trio();
  // The SDK's own working memory is measured with response retention at its minimum (only the
  // newest response kept, as Tarmac may still be sending it); what the default policy keeps on
  // top is measured on a second instance below.
  call(sdk, sdkReq(7, 0, "", retention(1, 0, 0)));
  call(sdk, sdkReq(6, 1, "warm", Buffer.from("x")));
  call(naive, naiveReq(2, "warm", Buffer.from("x")));
  const idle = { sdk: sdk.memorySize(), naive: naive.memorySize() };
  const setBody = Buffer.from(JSON.stringify({ key: "big", data: value.toString("base64") }));
  const getBody = Buffer.from(JSON.stringify({ key: "big" }));
  const rounds = {
    sdk: () => { call(sdk, sdkReq(6, 1, "big", value)); return call(sdk, sdkReq(5, 1, "big")).body; },
    naive: () => { call(naive, naiveReq(2, "big", value)); return call(naive, naiveReq(1, "big")).body; },
    // The floor: the same two host calls with precomputed requests, nothing decoded.
    raw: () => { call(raw, rawReq(1, "set", setBody)); call(raw, rawReq(1, "get", getBody)); return host.store.get("big"); },
  };
  const times = { sdk: [], naive: [], raw: [] };
  for (let i = 0; i < 16; i++) {
    for (const kind of ["sdk", "naive", "raw"]) {
      host.store.delete("big");
      const t = process.hrtime.bigint();
      const got = rounds[kind]();
      times[kind].push(Number(process.hrtime.bigint() - t) / 1e6);
      if (!got.equals(value)) throw new Error(`${kind} 8 MiB round trip corrupted the value`);
    }
  }
  const warm = (kind) => median(times[kind].slice(1));
  const kept = await host.instantiate(modules.sdk);
  kept.recordHostCalls = false;
  call(kept, sdkReq(6, 1, "warm", Buffer.from("x")));
  const keptIdle = kept.memorySize();
  for (let i = 0; i < 8; i++) { call(kept, sdkReq(6, 1, "big", value)); call(kept, sdkReq(5, 1, "big")); }
  results.roundtrip_8mib = {
    sdk_default_retention_peak_guest_mib: (kept.memorySize() - keptIdle) / MiB,
    sdk_ms: warm("sdk"),
    naive_ms: warm("naive"),
    sdk_peak_guest_mib: (sdk.memorySize() - idle.sdk) / MiB,
    naive_peak_guest_mib: (naive.memorySize() - idle.naive) / MiB,
    raw_ms: warm("raw"),
    sdk_cold_ms: times.sdk[0],
    naive_cold_ms: times.naive[0],
    raw_cold_ms: times.raw[0],
  };
  console.log("measured 8 MiB round trip");
}

{
  const { sdk } = await trio();
  const calls = quick ? 100000 : 1000000;
  const reqs = [sdkReq(6, 1, "soak", Buffer.from("0123456789abcdef")), sdkReq(5, 1, "soak"), sdkReq(5, 1, "soak-missing"), sdkReq(1, 1, "soak")];
  const run = (n) => { for (let i = 0; i < n; i++) sdk.call(reqs[i & 3]); };
  run(1000);
  const start = sdk.memorySize();
  run(calls);
  results.soak = { calls, guest_mib_start: start / MiB, guest_mib_end: sdk.memorySize() / MiB };
  console.log(`soaked ${calls} calls`);
}

// The memory of one pooled instance (linear memory), with the default response retention: new,
// after 100 small requests, and after responses of 1 MiB (hello answers with its request, so a
// 1 MiB name gives a 1 MiB response) and, for kv-counter, after 100 requests on a 1 MiB store value.
{
  const instance = async (name) => {
    const host = new TarmacHost();
    const ex = examples().find((e) => e.name === name);
    return { host, guest: await host.instantiate(ex.wasm) };
  };
  const KiB = 1024;
  const hello = await instance("hello");
  const helloNew = hello.guest.memorySize();
  for (let i = 0; i < 100; i++) hello.guest.call(Buffer.from(`name ${i}`));
  const helloSmall = hello.guest.memorySize();
  for (let i = 0; i < 20; i++) hello.guest.call(Buffer.alloc(MiB - 8, 0x61));
  const helloLarge = hello.guest.memorySize();
  const counter = await instance("kv-counter");
  const counterNew = counter.guest.memorySize();
  for (let i = 0; i < 100; i++) counter.guest.call(Buffer.alloc(0));
  const counterSmall = counter.guest.memorySize();
  results.instance_memory_kib = {
    hello: { new: helloNew / KiB, after_small: helloSmall / KiB, after_1mib_responses: helloLarge / KiB },
    "kv-counter": { new: counterNew / KiB, after_small: counterSmall / KiB },
    note: "linear memory of one instance on the embedded host, default retention (8 responses, 1000 ms, 16 MiB)",
  };
  // After 20 gets of a 1 MiB value: the raw guest; the SDK's guest dropping the value; and
  // answering with it, under the default retention and with retention at its minimum (only
  // the newest response kept, which Tarmac may still be sending).
  const host = new TarmacHost();
  host.store.set("m", Buffer.from(Array.from({ length: MiB }, (_, i) => (i * 131) & 0xff)));
  const after = async (module, req, setup) => {
    const guest = await host.instantiate(module);
    guest.recordHostCalls = false;
    if (setup) call(guest, setup);
    for (let i = 0; i < 20; i++) call(guest, req);
    return guest.memorySize() / KiB;
  };
  results.instance_memory_kib.after_1mib_gets = {
    raw: await after(modules.raw, rawReq(1, "get", Buffer.from(JSON.stringify({ key: "m" })))),
    sdk: await after(modules.sdk, sdkReq(1, 1, "m")),
    sdk_responding: await after(modules.sdk, sdkReq(5, 1, "m")),
    sdk_responding_newest_only: await after(modules.sdk, sdkReq(5, 1, "m"), sdkReq(7, 0, "", retention(1, 0, 0))),
  };
}

// Real Tarmac over HTTP, when a binary is given (it cannot be installed from the Go module
// proxy, so the keys are omitted otherwise): the SDK's guest against the raw host call per
// operation and size (one client; 16 rounds alternating which goes first; the ratio of requests
// per second within each round), and Tarmac's RSS per pooled instance (pool of 100 against 1).
// Both guests answer with an empty response, so the difference is what each does in the guest.
if (process.env.TARMAC_BIN) {
  const bin = process.env.TARMAC_BIN;
  const ops = [16, 64 * 1024, MiB].flatMap((n) => {
    const value = Buffer.from(Array.from({ length: n }, (_, i) => (i * 131) & 0xff));
    const key = `bench-${n}`;
    const setJson = Buffer.from(JSON.stringify({ key, data: value.toString("base64") }));
    const getJson = Buffer.from(JSON.stringify({ key }));
    // The protobuf wire's requests: KVStoreGet { key = 1 }, KVStoreSet { key = 1, data = 2 }.
    const field = (num, bytes) => Buffer.concat([Buffer.from([(num << 3) | 2]), varint(bytes.length), bytes]);
    const getProto = field(1, Buffer.from(key));
    const setProto = Buffer.concat([field(1, Buffer.from(key)), field(2, value)]);
    return [
      { name: `protobuf get ${n}`, runs: {
        sdk: { guest: "sdkProtobuf", seed: sdkReq(6, 1, key, value), request: sdkReq(1, 1, key) },
        raw: { guest: "raw", seed: rawReq(1, "set", setProto), request: rawReq(1, "get", getProto) },
        floor: { guest: "raw", seed: rawReq(1, "set", setProto), request: rawReq(1, "get", getProto, 3) }, // also copies the value out
      } },
      { name: `protobuf set ${n}`, runs: {
        sdk: { guest: "sdkProtobuf", request: sdkReq(2, 1, key, value) },
        raw: { guest: "raw", request: rawReq(1, "set", setProto) },
        floor: { guest: "raw", request: rawReq(1, "set", setProto, 4) }, // also copies the message into a buffer of its own
      } },
      { name: `get ${n}`, runs: {
        sdk: { guest: "sdk", seed: sdkReq(6, 1, key, value), request: sdkReq(1, 1, key) },
        raw: { guest: "raw", seed: rawReq(1, "set", setJson), request: rawReq(1, "get", getJson) },
        floor: { guest: "raw", seed: rawReq(1, "set", setJson), request: rawReq(1, "get", getJson, 2) }, // also decodes the value
      } },
      { name: `set ${n}`, runs: { sdk: { guest: "sdk", request: sdkReq(2, 1, key, value) }, raw: { guest: "raw", request: rawReq(1, "set", setJson) } } },
    ];
  });
  results.tarmac_http = await measureTarmacOps({ bin, guests: { sdk: wasm.sdk, sdkProtobuf: wasm.sdkProtobuf, raw: wasm.raw }, ops, rounds: quick ? 2 : 20, ms: quick ? 200 : 500 });
  console.log("measured real Tarmac per operation");
  const big = Buffer.from(Array.from({ length: MiB }, (_, i) => (i * 131) & 0xff));
  const little = Buffer.from("0123456789abcdef");
  const rawSet = (key, v) => rawReq(1, "set", Buffer.from(JSON.stringify({ key, data: v.toString("base64") })));
  const rawGet = (key) => rawReq(1, "get", Buffer.from(JSON.stringify({ key })));
  const sdkSeeds = [sdkReq(6, 1, "m", big), sdkReq(6, 1, "s", little)];
  results.tarmac_memory_kib_per_instance = {
    raw: await measureInstanceMemory({ bin, wasm: wasm.raw, seeds: [rawSet("m", big), rawSet("s", little)], small: rawGet("s"), large: rawGet("m") }),
    sdk: await measureInstanceMemory({ bin, wasm: wasm.sdk, seeds: sdkSeeds, small: sdkReq(1, 1, "s"), large: sdkReq(1, 1, "m") }),
    // The same gets answering with the 1 MiB value, which the response retention keeps.
    sdk_responding: await measureInstanceMemory({ bin, wasm: wasm.sdk, seeds: sdkSeeds, small: sdkReq(5, 1, "s"), large: sdkReq(5, 1, "m") }),
    // And with retention at its minimum: the difference is what the default policy keeps.
    sdk_responding_newest_only: await measureInstanceMemory({ bin, wasm: wasm.sdkNewest, seeds: sdkSeeds, small: sdkReq(5, 1, "s"), large: sdkReq(5, 1, "m") }),
  };
  console.log("measured Tarmac's memory per instance");
} else {
  results.tarmac_http_note = "omitted: set TARMAC_BIN to a Tarmac binary to measure real Tarmac (it cannot be installed from the Go module proxy)";
}

writeFileSync(join(root, "bench", "results.json"), JSON.stringify(results, null, 2) + "\n");

// The tables and the targets, as ratios measured in this run (bench/report.mjs).
writeReport(results);

