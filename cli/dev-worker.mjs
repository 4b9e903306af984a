// The function side of `tarmac-as dev`, in a worker thread: one TestHost with the project's
// functions in their pools, its function routes, init routes (run at start, with Tarmac's
// retries) and scheduled tasks. The HTTP server on the main thread sends calls by message and
// gets answers by message; a host call that blocks (real HTTP or SQL waits on Atomics) blocks
// this thread only. Calls run one at a time, in the order they arrive.
//
// Messages in: { type: "call", id, function, payload } | { type: "metrics", id } |
// { type: "snapshot", id } | { type: "pause", id } | { type: "resume", id } | { type: "stop", id }.
// Messages out: { type: "log", ... } as functions log and tasks run, { type: "reply", id, ... },
// then { type: "ready" } once init routes have run, or { type: "fatal", message }.
import { parentPort, workerData } from "node:worker_threads";
import { performance } from "node:perf_hooks";
import { TestHost } from "../host/index.mjs";
import { FileStore } from "../host/file-store.mjs";
import { RedisStore, NatsStore } from "../host/engine/server-stores.mjs";
import { CassandraStore } from "../host/engine/model-stores.mjs";

const { config, profile, kv, seed, sql, debug, trace } = workerData;
const post = (message) => parentPort.postMessage(message);
const fatal = (message) => { post({ type: "fatal", message }); };

let store = null;
let host = null;
const functions = new Map();
const running = []; // names of the functions running now (a function route nests them)
const timers = [];
let paused = false;

// What the host saw of one call, for the debug log: each host call, decoded.
const show = (v) => (v === undefined ? "" : Buffer.isBuffer(v) ? `<${v.length} bytes>` : JSON.stringify(v));
function hostCallLines(calls) {
  if (!debug) return [];
  return calls.map((c) => `host call ${c.capability}.${c.operation}${trace ? ` ${show(c.request)}` : ""} -> ${c.ok ? "ok" : `failed (${c.error})`}${trace ? ` ${show(c.reply)}` : ""}`);
}

/** Wraps a loaded function so the log knows which function wrote a line. */
function named(name, fn) {
  const as = (method) => (payload) => { running.push(name); try { return fn[method](payload); } finally { running.pop(); } };
  return { call: as("call"), invokeRaw: as("invokeRaw") };
}

/**
 * Runs `name`'s handler with `payload` as Tarmac's runWASM does: { status, body, error, ms }.
 * A function that is not loaded fails as it does under Tarmac ("module not found").
 */
function run(name, payload) {
  const fn = functions.get(name);
  const t0 = performance.now();
  let result;
  if (!fn) {
    const error = "unable to load wasi environment - module not found";
    // main writes the error when there is no response; v0.10.0 writes nothing.
    result = { status: 500, body: Buffer.from(profile === "main" ? error : ""), error, calls: [] };
  } else {
    try {
      const r = fn.call(payload);
      result = { status: r.status, body: r.body, error: r.error, calls: r.calls };
    } catch (e) {
      // Not the function's doing: a fault of this host. Answered as a failure, and said so.
      result = { status: 500, body: Buffer.alloc(0), error: `tarmac-as dev: ${e.stack ?? e.message}`, calls: [] };
    }
  }
  const ms = performance.now() - t0;
  // Recorded calls and logs were handed on as they happened; a long session keeps none of them.
  host.calls.length = 0;
  host.logs.length = 0;
  if (store?.flush) {
    try { store.flush(); } catch (e) { post({ type: "log", level: "error", source: "dev", message: `could not write the key:value file ${store.path}: ${e.message}` }); }
  }
  for (const line of hostCallLines(result.calls)) post({ type: "log", level: "debug", source: name, message: line });
  return { status: result.status, body: result.body, error: result.error, ms };
}

function startTasks() {
  for (const t of config.scheduled) {
    const every = t.frequency * 1000;
    const timer = setInterval(() => {
      if (paused) return;
      const r = run(t.function, Buffer.alloc(0));
      post({ type: "task", function: t.function, status: r.status, error: r.error, ms: r.ms });
    }, every);
    timers.push(timer);
    post({ type: "log", level: "debug", source: "dev", message: `scheduled_task ${t.function}: every ${every} ms` });
  }
}

function stopTasks() {
  for (const t of timers.splice(0)) clearInterval(t);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Tarmac's init routes: each runs until it succeeds, retried `retries` times, waiting frequency, then its square, ... seconds. */
async function runInit() {
  for (const r of config.init) {
    let delay = r.frequency;
    for (let attempt = 0; attempt <= r.retries; attempt++) {
      const result = run(r.function, Buffer.alloc(0));
      post({ type: "init", function: r.function, attempt: attempt + 1, of: r.retries + 1, status: result.status, error: result.error, ms: result.ms });
      if (result.status === 200) break;
      if (attempt === r.retries) return `init function ${r.function} exceeded retries (${result.error})`;
      await sleep(delay * 1000);
      delay *= delay;
    }
  }
  return null;
}

async function start() {
  try {
    if (kv.enabled && kv.type === "file") store = new FileStore(kv.file);
    if (kv.enabled && kv.type === "redis") store = new RedisStore(kv.redis);
    if (kv.enabled && kv.type === "nats") store = new NatsStore(kv.nats);
    if (kv.enabled && kv.type === "cassandra") store = new CassandraStore();
    const entries = kv.enabled && !store ? Object.fromEntries(seed ?? []) : {};
    host = new TestHost({
      profile,
      kv: kv.enabled ? entries : false,
      store,
      sql,
      log: (entry) => {
        if (!entry) return;
        post({ type: "log", level: entry.level, source: running.at(-1) ?? "?", message: entry.message });
      },
    });
    for (const [name, fn] of config.functions) {
      try {
        functions.set(name, named(name, await host.load(fn.filepath, { pool: fn.pool })));
      } catch (e) {
        fatal(`could not load function ${name} from path ${fn.filepath} - ${e.message}`);
        return;
      }
    }
    for (const name of config.functionRoutes) {
      if (functions.has(name)) host.route(name, functions.get(name));
    }
  } catch (e) {
    fatal(e.message);
    return;
  }
  post({ type: "loaded", functions: [...functions.keys()] });
  // As Tarmac: scheduled tasks are on the scheduler before init functions run.
  startTasks();
  const failed = await runInit();
  if (failed) { stopTasks(); fatal(failed); return; }
  post({ type: "ready" });
}

parentPort.on("message", async (m) => {
  switch (m.type) {
    case "call": {
      const r = run(m.function, Buffer.from(m.payload));
      post({ type: "reply", id: m.id, status: r.status, body: r.body, error: r.error, ms: r.ms });
      break;
    }
    case "metrics":
      post({ type: "reply", id: m.id, text: host ? host.metricsText() : "" });
      break;
    case "snapshot":
      // The in-memory store's entries, for the next worker after a reload.
      post({ type: "reply", id: m.id, entries: host && kv.enabled && !store ? host.kv.entries() : [] });
      break;
    case "pause":
    case "resume":
      // While the next functions start: no scheduled runs; they start again if these stay.
      paused = m.type === "pause";
      if (paused) stopTasks(); else startTasks();
      post({ type: "reply", id: m.id });
      break;
    case "stop":
      stopTasks();
      try { store?.flush?.(); } catch { /* reported after each call already */ }
      try { await host?.close(); } catch { /* the I/O worker is gone with this thread anyway */ }
      post({ type: "reply", id: m.id });
      break;
  }
});

start();
