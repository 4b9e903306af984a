// A Node host that runs waPC guests the way Tarmac does (wapc-go on wazero): the waPC imports
// with UTF-8 byte lengths, WASI preview1 through node:wasi, env.abort/trace/seed as wazero's
// AssemblyScript module provides them, Tarmac's callbacks routed on binding:namespace:operation,
// instances reused for many calls, and a pool that takes an instance back before its response is
// read, as Tarmac's does. `profile` picks the Tarmac version it behaves as ("v0.10.0", "main").

import { WASI } from "node:wasi";
import { readFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { kvstoreCallbacks, MemoryStore } from "./kvstore.mjs";
import { loggerCallbacks } from "./logger.mjs";
import { metricsCallbacks, Metrics } from "./metrics.mjs";
import { httpclientCallbacks } from "./httpclient.mjs";
import { sqlCallbacks } from "./sql.mjs";
import { SyncBridge } from "./sync.mjs";
import { withClock } from "./clock.mjs";
import { profile as tarmacProfile } from "./profiles.mjs";
import { CallbackError, HostPanic } from "./errors.mjs";
import { HOST_ANSWERS } from "../../spec/capabilities.mjs";

const utf8 = new TextDecoder("utf-8");
const enc = new TextEncoder();

export { CallbackError, HostPanic };
export { ManualClock } from "./clock.mjs";

/** What Tarmac's JSON request or reply looks like to a reader: parsed JSON, or the bytes. */
function decoded(bytes) {
  try { return JSON.parse(Buffer.from(bytes).toString("utf8")); } catch { return Buffer.from(bytes); }
}

/**
 * One host call as Tarmac's router sees it: { binding, namespace, operation, payload } and,
 * once answered, { ok, body, error } (`body`: the reply's bytes, null when a failure had none).
 * `capability` is the namespace; `request` and `reply` are the payload and the reply parsed as
 * JSON (or their bytes), read when asked for. `guest` (not enumerable) is the instance that made it.
 */
export function hostCall(guest, binding, namespace, operation, payload) {
  const call = {
    binding, namespace, operation, payload, ok: undefined, body: null, error: undefined,
    get capability() { return this.namespace; },
    get request() { return decoded(this.payload); },
    get reply() { return this.body == null && !this.ok ? null : decoded(this.body ?? Buffer.alloc(0)); },
  };
  return Object.defineProperty(call, "guest", { value: guest, enumerable: false });
}

/**
 * A Tarmac-like host. `capabilities` maps "namespace" to { operation: (payload: Buffer) =>
 * Buffer } functions, which throw CallbackError to fail. A capability missing from the map is
 * disabled: calls to it fail with `callback not found`, as in Tarmac.
 *
 * Every host call goes through one chain: the calling guest's `intercept` if it has one, then
 * the hooks added with `addHook`, in the order added, then Tarmac's router (`dispatch`). Each
 * call is recorded once, in `calls`, with the answer the guest got.
 */
export class TarmacHost {
  constructor({ profile = "v0.10.0", kvstore = true, store = new MemoryStore(), capabilities = {}, log = null, httpMaxBody, sql = null, io = null, clock = null } = {}) {
    /** WASI's clocks for the guests (clock.mjs: ManualClock); null: the machine's, through node:wasi. */
    this.clock = clock;
    /** Every host call the guests made (unless a guest's `recordHostCalls` is off), in order: see hostCall(). */
    this.calls = [];
    /** (call, next) => answer: see addHook. */
    this.hooks = [];
    /** The Tarmac version this host behaves as (profiles.mjs). */
    this.profile = tarmacProfile(profile);
    this.store = store;
    this.capabilities = { ...capabilities };
    if (kvstore) this.capabilities.kvstore = kvstoreCallbacks(store, this.profile);
    /** Every message the guests logged through Tarmac's logger: { level, message }. */
    this.logs = [];
    this.capabilities.logger ??= loggerCallbacks(this.logs, log);
    /** The metrics guests recorded. */
    this.metrics = new Metrics();
    this.capabilities.metrics ??= metricsCallbacks(this.metrics, this.profile);
    // Real HTTP requests, through a worker started on first use.
    // `io(kind, args, real)` may answer an I/O request itself (HTTP routes, canned SQL rows) or
    // pass it on to `real`.
    const real = (kind, args) => (this.bridge ??= new SyncBridge()).call(kind, args);
    const lazyBridge = { call: io ? (kind, args) => io(kind, args, real) : real };
    this.capabilities.httpclient ??= httpclientCallbacks(lazyBridge, { maxBody: httpMaxBody, profile: this.profile });
    // SQL only when configured ({ driver: "postgres" | "mysql", config }), as APP_ENABLE_SQL.
    if (sql) this.capabilities.sql ??= sqlCallbacks(lazyBridge, sql, this.profile);
    /** Function routes: name -> guest instance that answers `tarmac:function:<name>`. */
    this.functions = new Map();
    const host = this;
    this.capabilities.function ??= new Proxy(Object.create(null), {
      has: (_, name) => host.functions.has(name),
      get: (_, name) => (payload) => host.callFunction(name, payload),
    });
  }

  /** Instantiates a guest (a path, bytes or a compiled module); runs _start, _initialize, wapc_init if exported. */
  async instantiate(wasm) {
    const module = wasm instanceof WebAssembly.Module ? wasm
      : await WebAssembly.compile(typeof wasm === "string" ? readFileSync(wasm) : wasm);
    const guest = new Guest(this, module);
    await guest.start();
    return guest;
  }

  /** A pool of `size` instances of `wasm`, handed out and taken back as Tarmac's pool does. */
  async pool(wasm, size) {
    const module = wasm instanceof WebAssembly.Module ? wasm
      : await WebAssembly.compile(typeof wasm === "string" ? readFileSync(wasm) : wasm);
    const instances = [];
    for (let i = 0; i < size; i++) instances.push(await this.instantiate(module));
    return new Pool(instances);
  }

  /**
   * What Tarmac's HTTP server sends for a call's result: 200 with the response, or 500 with the
   * profile's body for a failed handler (v0.10.0: empty; main: `failed to execute wasm module - <error>`).
   */
  httpAnswer(result) {
    if (result.ok) return { status: 200, body: result.body };
    return { status: 500, body: Buffer.from(this.profile.handlerErrorBody(result.error)) };
  }

  /** Stops the I/O worker, if one was started. */
  close() {
    return this.bridge?.close();
  }

  /** Adds a `function` route: other guests reach `guest` as `tarmac:function:<name>`. */
  routeFunction(name, guest) {
    this.functions.set(name, guest);
  }

  /** Tarmac's function-to-function callback: runs the routed guest's handler with the raw bytes. */
  callFunction(name, payload) {
    const r = this.functions.get(name).call(payload);
    if (r.ok) return r.body;
    throw new CallbackError(`failed to execute wasm module - ${r.error}`, null);
  }

  /**
   * Adds a hook that sees every host call before Tarmac's router does: `hook(call, next)`
   * returns the answer, { ok, body, error, bodyLen? } (`bodyLen` overrides the length the
   * guest is told), either its own or `next(call)`'s, the answer of the hooks after it and the
   * router. Returns a function that removes the hook.
   */
  addHook(hook) {
    this.hooks.push(hook);
    return () => {
      const i = this.hooks.indexOf(hook);
      if (i >= 0) this.hooks.splice(i, 1);
    };
  }

  /**
   * Answers a guest's host call (see hostCall()) through the chain, records it unless the
   * guest's `recordHostCalls` is off, and returns { ok, body: an own Buffer, bodyLen, error }.
   * A HostPanic passes through: wazero fails the whole invocation.
   */
  serve(guest, call) {
    if (guest.recordHostCalls) this.calls.push(call);
    let answer;
    try {
      answer = this.answer(call);
    } catch (e) {
      Object.assign(call, { ok: false, body: null, error: e.message });
      throw e;
    }
    // The guest gets its own copy of a reply that is not a Buffer, or is a view of its memory.
    const b = answer.body;
    const body = b == null ? null : Buffer.isBuffer(b) && b.buffer !== guest.memory.buffer ? b : Buffer.from(b);
    Object.assign(call, { ok: Boolean(answer.ok), body, error: answer.ok ? undefined : answer.error ?? "" });
    const bytes = body ?? Buffer.alloc(0);
    return { ok: call.ok, body: bytes, bodyLen: answer.bodyLen ?? bytes.length, error: call.error };
  }

  /** The answer of the chain to `call`: the guest's intercept, the hooks, the router. */
  answer(call) {
    const intercept = call.guest?.intercept;
    const chain = intercept ? [(c, next) => intercept(c) ?? next(c), ...this.hooks] : this.hooks;
    const at = (i) => (c) => (i < chain.length ? chain[i](c, at(i + 1)) : this.route(c));
    return at(0)(call);
  }

  /** Tarmac's router as the end of the chain: a callback's reply, or its CallbackError as a failed answer. */
  route(call) {
    try {
      return { ok: true, body: this.dispatch(call.binding, call.namespace, call.operation, call.payload) };
    } catch (e) {
      if (!(e instanceof CallbackError)) throw e;
      return { ok: false, body: e.body, error: e.message };
    }
  }

  /** Routes a host call like Tarmac's router: binding must be "tarmac". */
  dispatch(binding, namespace, operation, payload) {
    const cap = binding === "tarmac" ? this.capabilities[namespace] : undefined;
    const own = cap && (Object.getPrototypeOf(cap) === null ? operation in cap : Object.prototype.hasOwnProperty.call(cap, operation));
    const fn = own ? cap[operation] : undefined;
    if (!fn) throw new CallbackError(HOST_ANSWERS.callbackNotFound);
    return fn(payload, operation);
  }
}

/** One instance of a guest module, called many times. */
export class Guest {
  constructor(host, module) {
    this.host = host;
    this.module = module;
    /** Whether the host records this guest's calls (off: the payload is not copied, nothing is kept). */
    this.recordHostCalls = true;
    /** If set, (call) => { ok, body, error, bodyLen? } | undefined answers this guest's host calls first, in the host's hook chain (malformed responses). */
    this.intercept = null;
    /** Messages the guest sent to env.abort, env.trace and __console_log. */
    this.aborts = [];
    this.traces = [];
    this.consoleLogs = [];
    this.closed = null;
    this.ctx = null;
  }

  async start() {
    this.wasi = new WASI({ version: "preview1", args: [], env: {}, returnOnExit: true });
    this.instance = await WebAssembly.instantiate(this.module, this.imports());
    this.memory = this.instance.exports.memory;
    const ex = this.instance.exports;
    this.ctx = { operation: Buffer.alloc(0), payload: Buffer.alloc(0) };
    if (typeof ex._start === "function") this.wasi.start(this.instance);
    else this.wasi.initialize(this.instance);
    if (typeof ex.wapc_init === "function") ex.wapc_init();
    this.ctx = null;
  }

  /** This guest's calls in the host's record (`host.calls`), in order. */
  get hostCalls() {
    return this.host.calls.filter((c) => c.guest === this);
  }

  bytes(ptr, len) {
    return Buffer.from(new Uint8Array(this.memory.buffer, ptr >>> 0, len >>> 0));
  }

  view(ptr, len) {
    return Buffer.from(this.memory.buffer, ptr >>> 0, len >>> 0);
  }

  write(ptr, data) {
    new Uint8Array(this.memory.buffer, ptr >>> 0, data.length).set(data);
  }

  /** An AssemblyScript string at ptr (UTF-16, its byte length in the header before it). */
  asString(ptr) {
    if (!ptr) return null;
    const len = new Uint32Array(this.memory.buffer, (ptr >>> 0) - 4, 1)[0];
    return Buffer.from(new Uint8Array(this.memory.buffer, ptr >>> 0, len)).toString("utf16le");
  }

  imports() {
    const g = this;
    const wapc = {
      __guest_request(opPtr, payloadPtr) {
        g.write(opPtr, g.ctx.operation);
        g.write(payloadPtr, g.ctx.payload);
      },
      // wapc-go keeps what wazero's Memory.Read returns, a view of guest memory, and hands it to
      // Tarmac after __guest_call returns: the bytes are read then, as they are then.
      __guest_response(ptr, len) { g.ctx.response = [ptr, len]; },
      __guest_error(ptr, len) { g.ctx.guestError = utf8.decode(g.bytes(ptr, len)); },
      __host_call(bPtr, bLen, nPtr, nLen, oPtr, oLen, pPtr, pLen) {
        // The payload is a view of guest memory, as wazero hands Tarmac's callbacks; a copy when recorded.
        const call = hostCall(g, utf8.decode(g.bytes(bPtr, bLen)), utf8.decode(g.bytes(nPtr, nLen)), utf8.decode(g.bytes(oPtr, oLen)),
          g.recordHostCalls ? g.bytes(pPtr, pLen) : g.view(pPtr, pLen));
        const ctx = g.ctx;
        ctx.hostResp = Buffer.alloc(0);
        ctx.hostErr = null;
        const answer = g.host.serve(g, call);
        ctx.hostResp = answer.body;
        ctx.hostRespLen = answer.bodyLen;
        ctx.hostErr = answer.ok ? null : answer.error;
        return answer.ok ? 1 : 0;
      },
      __host_response_len() { return g.ctx.hostRespLen ?? 0; },
      __host_response(ptr) { g.write(ptr, g.ctx.hostResp); },
      __host_error_len() { return g.ctx.hostErr == null ? 0 : enc.encode(g.ctx.hostErr).length; },
      __host_error(ptr) { if (g.ctx.hostErr != null) g.write(ptr, enc.encode(g.ctx.hostErr)); },
      __console_log(ptr, len) { g.consoleLogs.push(utf8.decode(g.bytes(ptr, len))); },
    };
    const env = {
      // wazero's AssemblyScript abort as wapc-go configures it (message disabled): closes the
      // module with exit code 255. The pool keeps the closed instance, so it stays dead.
      abort(msg, file, line, col) {
        g.aborts.push(`${g.asString(msg)} at ${g.asString(file)}:${line}:${col}`);
        g.closed = "module closed with exit_code(255)";
        throw new ExitError(255, g.closed);
      },
      // A no-op in wazero's default configuration; recorded here for tests.
      trace(msg, n, ...args) {
        g.traces.push([g.asString(msg), ...args.slice(0, n)].join(" "));
      },
      // wazero reads 8 random bytes and passes their bits as the f64.
      seed() { return new Float64Array(randomBytes(8).buffer)[0]; },
    };
    const wasi = this.host.clock ? withClock(this.wasi.wasiImport, this.host.clock, () => g.instance.exports.memory) : this.wasi.wasiImport;
    return { wapc, env, wasi_snapshot_preview1: wasi };
  }

  /**
   * Calls the guest's handler like wapc-go's Invoke, and reads the response at once:
   * { ok, body, error, trapped }. After env.abort the instance stays closed, as on wazero.
   */
  call(payload = Buffer.alloc(0), operation = "handler") {
    const r = this.invoke(payload, operation);
    return r.ok ? { ...r, body: r.read() } : r;
  }

  /**
   * Calls the guest's handler like wapc-go's Invoke, leaving the response where it lies in
   * guest memory: { ok, error, trapped, view, read() }, where `read()` copies it out as it is
   * *then*. Tarmac reads it after the instance is back in its pool, so later calls may run first.
   */
  invoke(payload = Buffer.alloc(0), operation = "handler") {
    if (this.closed) return { ok: false, body: null, error: `error invoking guest: ${this.closed}`, trapped: true };
    const p = typeof payload === "string" ? Buffer.from(payload) : Buffer.isBuffer(payload) ? payload : Buffer.from(payload);
    const op = Buffer.from(operation);
    this.ctx = { operation: op, payload: p, response: null, guestError: null, hostResp: Buffer.alloc(0), hostErr: null };
    let result;
    try {
      result = this.instance.exports.__guest_call(op.length, p.length);
    } catch (e) {
      const ctx = this.ctx;
      this.ctx = null;
      // wapc-go: a trap drops any __guest_error message; the error names the trap.
      if (e instanceof ExitError) return { ok: false, body: null, error: `error invoking guest: ${this.closed}`, guestError: ctx.guestError, trapped: true };
      if (e instanceof HostPanic) return { ok: false, body: null, error: `error invoking guest: ${e.message} (recovered by wazero)`, guestError: ctx.guestError, trapped: true };
      if (!(e instanceof WebAssembly.RuntimeError)) throw e;
      return { ok: false, body: null, error: `error invoking guest: wasm error: ${e.message}`, guestError: ctx.guestError, trapped: true };
    }
    const ctx = this.ctx;
    this.ctx = null;
    if (ctx.guestError) return { ok: false, body: null, error: ctx.guestError, trapped: false };
    // `view`: where the response lies in guest memory. Tarmac v0.10.0 writes it to the HTTP
    // client only after returning the instance to its pool, so later calls may run first.
    if (result === 1) {
      const view = ctx.response;
      return { ok: true, error: null, trapped: false, view, read: () => (view ? this.bytes(...view) : Buffer.alloc(0)) };
    }
    return { ok: false, body: null, error: `call to ${JSON.stringify(operation)} was unsuccessful`, trapped: false };
  }

  /** The guest's linear memory size in bytes. */
  memorySize() {
    return this.memory.buffer.byteLength;
  }
}

/**
 * Tarmac's pool (wapc-go's, on a channel): `invoke` takes the instance that has waited longest,
 * runs the call, and puts the instance back *before* the response is read: the result's
 * `read()` copies the response out when the caller gets to it, and calls made in between may
 * already have run on that instance.
 */
export class Pool {
  constructor(instances) {
    this.instances = instances;
    this.idle = [...instances];
  }

  /** One call on the next instance; the instance is back in the pool when this returns. */
  invoke(payload, operation = "handler") {
    const guest = this.idle.shift();
    try {
      return { ...guest.invoke(payload, operation), guest };
    } finally {
      this.idle.push(guest); // `defer pool.Return(i)`: before the response is written
    }
  }
}

class ExitError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}
