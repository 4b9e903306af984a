// tarmac-as dev: serves a project's tarmac.json on loopback as Tarmac would, and rebuilds and
// reloads its functions when their sources change.
//
// Tarmac's semantics (pkg/app, v0.10.0): each http route registers `http:<METHOD>:<path>`; the
// request body reaches the function for POST and PUT only; the function runs with operation
// "handler"; success is 200 with its response, a failure 500 with the profile's body (v0.10.0:
// empty; main: `failed to execute wasm module - <error>`). Paths go through Tarmac's router
// (httprouter): a path no route serves is 404, one served for other methods 405; a route path
// with `:param` or `*rest` reaches the function named "default", as Tarmac looks functions up by
// the exact path. `init` routes run at start (and after each reload), retried `retries` times,
// waiting `frequency` seconds, then its square, and so on; if they all fail, startup fails.
// `scheduled_task` routes run every `frequency` seconds; `function` routes make a function
// reachable by callFunction. /health and /ready answer 200, /metrics the functions' metrics.
//
// The HTTP server runs here; the functions run in a worker thread (dev-worker.mjs), so a host
// call that blocks (real HTTP or SQL) never blocks the server. Calls go to the worker in order,
// one at a time, on pools of `pool_size` instances; a request that finds all of its function's
// instances busy fails after Tarmac's 5 s wait (dev-pool.mjs). Builds run in a child process
// (dev-build.mjs); a failed build leaves the previous functions serving. The key:value store
// outlives reloads: in memory it is carried over, a file store is opened again.
import http from "node:http";
import { Worker } from "node:worker_threads";
import { fork } from "node:child_process";
import { watch, existsSync, readdirSync, statSync } from "node:fs";
import { resolve, join, relative, basename } from "node:path";
import { performance } from "node:perf_hooks";
import { loadTarmacConfig } from "./dev-config/tarmac-json.mjs";
import { envSettings } from "./dev-config/environment.mjs";
import { makeRouter } from "./dev-config/router.mjs";
import { projectFunctions, wireArgs } from "./build.mjs";
import { PoolGate } from "./dev-pool.mjs";
import { POOL_WAIT, profile as profileOf } from "../host/engine/profiles.mjs";

const PROFILES = ["v0.10.0", "main"];
const DEBOUNCE_MS = 200;
const ASCONFIG = /^asconfig(\.[A-Za-z0-9_-]+)?\.json$/;

const say = (line) => process.stdout.write(`${line}\n`);
const ms = (t) => `${t < 10 ? t.toFixed(1) : Math.round(t)} ms`;
const sleep = (t) => new Promise((r) => setTimeout(r, t));

/** Go's http.DetectContentType, for the bodies functions answer with (the common cases). */
function sniff(body) {
  if (body.length === 0) return null;
  const head = body.subarray(0, 512);
  const text = head.toString("latin1");
  const start = text.replace(/^[\t\n\x0c\r ]+/, "").toLowerCase();
  if (/^(<!doctype html|<html|<head|<script|<iframe|<h1|<div|<font|<table|<a|<style|<title|<b|<body|<br|<p|<!--)[ >]/.test(start)) return "text/html; charset=utf-8";
  if (start.startsWith("<?xml")) return "text/xml; charset=utf-8";
  const magic = [["%PDF-", "application/pdf"], ["\x89PNG\r\n\x1a\n", "image/png"], ["GIF87a", "image/gif"], ["GIF89a", "image/gif"], ["\xff\xd8\xff", "image/jpeg"], ["\x1f\x8b\x08", "application/x-gzip"], ["PK\x03\x04", "application/zip"], ["\x00asm", "application/wasm"]];
  for (const [m, type] of magic) if (text.startsWith(m)) return type;
  if (text.startsWith("\xef\xbb\xbf")) return "text/plain; charset=utf-8";
  for (const b of head) if (b <= 0x08 || b === 0x0b || (b >= 0x0e && b <= 0x1a) || (b >= 0x1c && b <= 0x1f)) return "application/octet-stream";
  return "text/plain; charset=utf-8";
}

/** Where the key:value store is, for the start-up line: "in memory", "on Redis 127.0.0.1:6379"... */
function kvWhere(kv) {
  if (!kv.enabled) return "off";
  if (kv.type === "file") return `in ${relative(process.cwd(), kv.file) || kv.file}`;
  if (kv.type === "redis") return `on Redis ${kv.redis.server || `${kv.redis.master} via Sentinel ${kv.redis.sentinels.join(" ")}`}`;
  if (kv.type === "nats") return `on NATS ${kv.nats.servers.join(" ")} bucket ${kv.nats.bucket}`;
  if (kv.type === "cassandra") return "in memory, as Cassandra answers";
  return "in memory";
}

/** One worker thread with its TestHost: requests by id, answers by message. */
class FunctionWorker {
  constructor(dev, config, seed) {
    this.dev = dev;
    this.pending = new Map();
    this.idleWaiters = [];
    this.nextId = 1;
    this.dead = null;
    const s = dev.settings;
    this.worker = new Worker(new URL("./dev-worker.mjs", import.meta.url), {
      workerData: { config, profile: dev.profile, kv: s.kv, seed, sql: s.sql, debug: s.debug, trace: s.trace },
    });
    this.started = new Promise((resolveStart, rejectStart) => {
      this.onReady = resolveStart;
      this.onFatal = rejectStart;
    });
    this.worker.on("message", (m) => this.message(m));
    this.worker.on("error", (e) => this.die(`the functions' worker failed: ${e.stack ?? e.message}`));
    this.worker.on("exit", (code) => this.die(`the functions' worker exited (code ${code})`));
  }

  message(m) {
    const dev = this.dev;
    switch (m.type) {
      case "log": dev.functionLog(m); break;
      case "init":
        if (m.status === 200) say(`init ${m.function}: ok (${ms(m.ms)})`);
        else say(`init ${m.function}: failed, attempt ${m.attempt} of ${m.of}: ${m.error}`);
        break;
      case "task":
        if (m.status !== 200) say(`scheduled_task ${m.function}: failed (${ms(m.ms)}): ${m.error}`);
        else if (dev.settings.debug) say(`scheduled_task ${m.function}: ok (${ms(m.ms)})`);
        break;
      case "loaded": this.functions = m.functions; break;
      case "ready": this.onReady(this); break;
      case "fatal":
        this.dead = m.message;
        this.onFatal(new Error(m.message));
        this.worker.terminate();
        break;
      case "reply": {
        const r = this.pending.get(m.id);
        if (!r) break;
        this.pending.delete(m.id);
        r(m);
        if (this.pending.size === 0) for (const w of this.idleWaiters.splice(0)) w();
        break;
      }
    }
  }

  /** Sends a message; resolves with the worker's reply, or { dead } if the worker has stopped. */
  request(message) {
    if (this.dead) return Promise.resolve({ dead: this.dead });
    const id = this.nextId++;
    return new Promise((r) => {
      this.pending.set(id, r);
      this.worker.postMessage({ ...message, id });
    });
  }

  /** Resolves when no request is waiting for an answer. */
  idle() {
    return this.pending.size === 0 ? Promise.resolve() : new Promise((r) => this.idleWaiters.push(r));
  }

  die(reason) {
    if (this.dead === null) {
      this.dead = reason;
      if (!this.dev.stopping && this.dev.current === this) say(`${reason}; requests get 503 until the next successful build`);
    }
    this.onFatal(new Error(reason));
    for (const r of this.pending.values()) r({ dead: this.dead });
    this.pending.clear();
    for (const w of this.idleWaiters.splice(0)) w();
  }

  /** Flushes the store and stops the worker (at once if it does not answer within a second). */
  async stop() {
    if (!this.dead) await Promise.race([this.request({ type: "stop" }), sleep(1000)]);
    this.dead ??= "stopped";
    await this.worker.terminate();
  }
}

class DevServer {
  constructor({ configPath, config, settings, profile, wire = null }) {
    this.configPath = configPath;
    this.wire = wire;
    this.config = config;
    this.dir = config.dir;
    this.settings = settings;
    this.profile = profile;
    this.router = makeRouter(config.http);
    this.current = null;
    this.starting = new Set();
    this.queue = [];
    this.gates = new Map();
    this.holding = false;
    this.watchers = [];
    this.stopping = false;
    this.buildChild = null;
    this.changes = { build: false, config: false, timer: null };
    this.busy = false;
  }

  functionLog({ level, source, message }) {
    if ((level === "debug" && !this.settings.debug) || (level === "trace" && !this.settings.trace)) return;
    say(`[${level}] ${source}: ${message}`);
  }

  // ---- Functions --------------------------------------------------------------------------

  /** A worker with `config`'s functions, ready once its init routes ran (or throws why not). */
  async startWorker(config, seed) {
    const w = new FunctionWorker(this, config, seed);
    this.starting.add(w);
    try {
      await w.started;
      return w;
    } catch (e) {
      await w.worker.terminate();
      throw e;
    } finally {
      this.starting.delete(w);
    }
  }

  /** The pool gate of function `name`, sized by the current tarmac.json (a new one when that changes). */
  gateFor(name) {
    const size = this.config.functions.get(name)?.pool ?? 1;
    let gate = this.gates.get(name);
    if (!gate || gate.size !== size) this.gates.set(name, gate = new PoolGate(size));
    return gate;
  }

  /** Sends a call to the current worker, in order; held while the functions are being replaced. */
  dispatch(message) {
    return new Promise((r) => {
      this.queue.push({ message, r });
      this.pump();
    });
  }

  pump() {
    while (!this.holding && this.queue.length) {
      const { message, r } = this.queue.shift();
      if (!this.current) r({ dead: "no functions are loaded" });
      else this.current.request(message).then(r);
    }
  }

  /** Replaces the worker with one on the current tarmac.json and modules; the old one serves on if that fails. */
  async reload() {
    let config;
    try {
      config = loadTarmacConfig(this.configPath);
    } catch (e) {
      say(`tarmac.json: ${e.message}\nthe previous functions keep serving`);
      return;
    }
    for (const w of config.warnings) say(`warning: ${w}`);
    this.holding = true;
    const old = this.current && !this.current.dead ? this.current : null;
    try {
      let seed = [];
      if (old) {
        await old.idle();
        await old.request({ type: "pause" });
        if (this.settings.kv.enabled && this.settings.kv.type === "in-memory") seed = (await old.request({ type: "snapshot" })).entries ?? [];
      }
      if (this.stopping) return;
      let next;
      try {
        next = await this.startWorker(config, seed);
      } catch (e) {
        if (this.stopping) return;
        say(`reload failed: ${e.message}\n${old ? "the previous functions keep serving" : "no functions are loaded"}`);
        if (old) await old.request({ type: "resume" });
        return;
      }
      this.current = next;
      this.config = config;
      this.router = makeRouter(config.http);
      if (old) await old.stop();
      say(`reloaded: ${next.functions.join(", ")}`);
    } finally {
      this.holding = false;
      this.pump();
    }
  }

  // ---- Builds and watching ----------------------------------------------------------------

  buildable() {
    try { return readdirSync(this.dir).some((f) => ASCONFIG.test(f)); } catch { return false; }
  }

  /**
   * Whether every function's module is newer than everything it is built from: the asconfig
   * files, assembly/, and package.json and package-lock.json (which change when npm install
   * brings another tarmac-as or AssemblyScript).
   */
  upToDate() {
    try {
      const outs = projectFunctions(this.dir).map((f) => statSync(f.outFile).mtimeMs);
      const assembly = join(this.dir, "assembly");
      const sources = [
        ...readdirSync(this.dir).filter((f) => ASCONFIG.test(f) || f === "package.json" || f === "package-lock.json").map((f) => join(this.dir, f)),
        ...(existsSync(assembly) ? readdirSync(assembly, { recursive: true }).map((f) => join(assembly, f)) : []),
      ];
      const newest = Math.max(0, ...sources.map((f) => statSync(f).mtimeMs));
      return Math.min(...outs) > newest;
    } catch {
      return false; // a module missing, or a config build would reject: build and say why
    }
  }

  /** Builds the project in a child process: { ok, built } or { ok: false, error }. */
  build() {
    return new Promise((done) => {
      const child = fork(new URL("./dev-build.mjs", import.meta.url), [this.dir, ...(this.wire ? [this.wire] : [])], { stdio: ["ignore", "pipe", "pipe", "ipc"] });
      this.buildChild = child;
      let outcome = null;
      let output = "";
      child.stdout.on("data", (d) => { output += d; });
      child.stderr.on("data", (d) => { output += d; });
      child.on("message", (m) => { outcome = m; });
      child.on("exit", (code, signal) => {
        this.buildChild = null;
        if (!outcome) outcome = { ok: false, error: `the build stopped (${signal ?? `exit code ${code}`})${output ? `\n${output.trim()}` : ""}`, log: [] };
        for (const line of outcome.log ?? []) say(line.split("\n").map((l) => (l.startsWith("built ") ? l.replace(this.dir + "/", "") : l)).join("\n"));
        done(outcome);
      });
    });
  }

  /** Notes a change; after DEBOUNCE_MS of quiet, rebuilds (sources) or reloads (tarmac.json). */
  changed(kind) {
    if (this.stopping) return;
    this.changes[kind] = true;
    clearTimeout(this.changes.timer);
    this.changes.timer = setTimeout(() => this.afterChanges(), DEBOUNCE_MS);
  }

  async afterChanges() {
    if (this.busy) { this.changes.again = true; return; }
    this.busy = true;
    try {
      do {
        this.changes.again = false;
        const { build } = this.changes;
        this.changes.build = this.changes.config = false;
        if (build) {
          say("change seen: building");
          const r = await this.build();
          if (this.stopping) return;
          if (!r.ok) { say(`build failed: ${r.error}\nthe previous functions keep serving`); continue; }
        } else {
          say("tarmac.json changed: reloading");
        }
        await this.reload();
      } while (this.changes.again && !this.stopping);
    } finally {
      this.busy = false;
    }
  }

  watch() {
    const assembly = join(this.dir, "assembly");
    const onError = (what) => (e) => say(`warning: stopped watching ${what}: ${e.message}`);
    if (this.buildable() && existsSync(assembly)) {
      // Sources only: an editor's swap and backup files come and go without a build.
      const w = watch(assembly, { recursive: true }, (event, file) => {
        if (!file || /\.(ts|json)$/.test(file)) this.changed("build");
      });
      w.on("error", onError("assembly/"));
      this.watchers.push(w);
    }
    const configName = basename(this.configPath);
    const w = watch(this.dir, (event, file) => {
      if (file && ASCONFIG.test(file)) this.changed("build");
      else if (file === configName) this.changed("config");
    });
    w.on("error", onError(this.dir));
    this.watchers.push(w);
  }

  // ---- HTTP -------------------------------------------------------------------------------

  async handle(req, res) {
    const t0 = performance.now();
    const method = req.method;
    let raw = req.url ?? "/";
    if (!raw.startsWith("/")) { try { const u = new URL(raw); raw = u.pathname + u.search; } catch { raw = "/"; } }
    const q = raw.indexOf("?");
    const escaped = q >= 0 ? raw.slice(0, q) : raw;
    const query = q >= 0 ? raw.slice(q) : "";
    const done = (status, note = "") => say(`${method} ${escaped} -> ${status}${note} (${ms(performance.now() - t0)})`);
    let path;
    try { path = decodeURIComponent(escaped); } catch {
      req.resume();
      res.writeHead(400, { "Content-Type": "text/plain; charset=utf-8", Connection: "close" }).end("400 Bad Request");
      return done(400, " (a malformed escape in the path)");
    }
    const plain = (status, text, headers = {}) => res.writeHead(status, { "Content-Type": "text/plain; charset=utf-8", "X-Content-Type-Options": "nosniff", "Content-Length": Buffer.byteLength(text), ...headers }).end(text);
    const route = this.router.match(method, path, escaped);
    switch (route.kind) {
      case "notfound":
        req.resume();
        plain(404, "404 page not found\n");
        return done(404, " (no route)");
      case "method":
        req.resume();
        plain(405, "Method Not Allowed\n", { Allow: route.allow });
        return done(405, ` (routed for ${route.allow})`);
      case "options":
        req.resume();
        res.writeHead(200, { Allow: route.allow }).end();
        return done(200);
      case "redirect":
        req.resume();
        res.writeHead(route.status, { Location: route.path + query }).end();
        return done(route.status, ` (to ${route.path})`);
      case "builtin":
        req.resume();
        return this.builtin(route.name, res, done);
    }
    // A function: Tarmac reads the body for POST and PUT only.
    let payload = Buffer.alloc(0);
    if (method === "POST" || method === "PUT") {
      const chunks = [];
      try {
        for await (const c of req) chunks.push(c);
      } catch {
        return; // the client went away
      }
      payload = Buffer.concat(chunks);
    } else {
      req.resume();
    }
    // With APP_DEBUG, a call that has to wait for the worker says so (and how many are ahead).
    const ahead = this.queue.length + (this.current?.pending.size ?? 0);
    if (ahead && this.settings.debug) say(`${method} ${escaped} -> ${route.function}: waits behind ${ahead} call${ahead === 1 ? "" : "s"}`);
    // Tarmac's pool: every instance busy for POOL_WAIT.ms fails the request (dev-pool.mjs).
    const gate = this.gateFor(route.function);
    let r;
    if (!(await gate.acquire())) {
      r = { status: 500, body: profileOf(this.profile).handlerErrorBody(POOL_WAIT.error), error: `${POOL_WAIT.error} (all ${gate.size} instances busy for ${POOL_WAIT.ms / 1000} s)` };
    } else {
      try { r = await this.dispatch({ type: "call", function: route.function, payload }); } finally { gate.release(); }
    }
    if (r.dead) {
      plain(503, `tarmac-as dev: ${r.dead}\n`, { Server: "tarmac" });
      return done(503, ` (${route.function}: ${r.dead})`);
    }
    const body = Buffer.from(r.body);
    const headers = { Server: "tarmac", "Content-Length": body.length };
    const type = sniff(body);
    if (type) headers["Content-Type"] = type;
    say(`${method} ${escaped} -> ${route.function} ${r.status} (${ms(performance.now() - t0)})${r.error ? `: ${r.error}` : ""}`);
    res.writeHead(r.status, headers).end(body);
  }

  async builtin(name, res, done) {
    const headers = { Server: "tarmac" };
    if (name === "health") { res.writeHead(200, headers).end(); return done(200); }
    if (name === "ready") {
      const ready = this.current && !this.current.dead;
      res.writeHead(ready ? 200 : 503, headers).end();
      return done(ready ? 200 : 503);
    }
    if (name === "pprof") { res.writeHead(403, headers).end(); return done(403, " (pprof is off, as APP_ENABLE_PPROF is)"); }
    const r = await this.dispatch({ type: "metrics" });
    if (r.dead) { res.writeHead(503, headers).end(); return done(503); }
    res.writeHead(200, { ...headers, "Content-Type": "text/plain; version=0.0.4; charset=utf-8", "Content-Length": Buffer.byteLength(r.text) }).end(r.text);
    return done(200);
  }

  listen() {
    const { host, port } = this.settings.listen;
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch((e) => {
        say(`tarmac-as dev: ${e.stack ?? e.message}`);
        if (!res.headersSent) res.writeHead(500).end();
      });
    });
    return new Promise((ok, fail) => {
      this.server.once("error", (e) => fail(new Error(e.code === "EADDRINUSE"
        ? `cannot listen on ${host}:${port}: the address is in use (another tarmac-as dev, or Tarmac?); pick another with --port`
        : `cannot listen on ${host}:${port}: ${e.message}`)));
      this.server.listen(port, host, () => ok(this.server.address()));
    });
  }

  // ---- Start and stop ---------------------------------------------------------------------

  async run() {
    for (const w of [...this.settings.warnings, ...this.config.warnings]) say(`warning: ${w}`);
    const signals = new Promise((r) => {
      this.onSignal = (sig) => r(sig);
      process.once("SIGINT", this.onSignal);
      process.once("SIGTERM", this.onSignal);
    });
    try {
      if (this.buildable() && this.upToDate()) {
        say("the modules are newer than their sources: not building (saving a source rebuilds)");
      } else if (this.buildable()) {
        say(`building ${this.dir}`);
        const r = await Promise.race([this.build(), signals.then(() => null)]);
        if (!r) return await this.stop("signal", 130);
        if (!r.ok) {
          const missing = [...this.config.functions.values()].filter((f) => !existsSync(f.filepath));
          if (missing.length) throw new Error(`build failed: ${r.error}`);
          say(`build failed: ${r.error}\nserving the modules built before; fix the sources and save to rebuild`);
        }
      } else {
        say(`no asconfig.json in ${this.dir}: serving the modules as they are (no rebuilds)`);
      }
      const started = await Promise.race([this.startWorker(this.config, []), signals.then(() => null)]);
      if (!started) return await this.stop("signal", 130);
      this.current = started;
      const addr = await this.listen();
      this.watch();
      const host = addr.family === "IPv6" ? `[${addr.address}]` : addr.address;
      const kv = kvWhere(this.settings.kv);
      say(`functions: ${started.functions.map((f) => `${f} (pool ${this.config.functions.get(f).pool})`).join(", ")}`);
      say(`listening on http://${host}:${addr.port} (as Tarmac ${this.profile}; key:value ${kv}${this.settings.sql ? `; SQL ${this.settings.sql.driver}` : ""})`);
    } catch (e) {
      await this.stop(null, 1);
      throw e;
    }
    const sig = await signals;
    return this.stop(sig, 0);
  }

  async stop(reason, code) {
    if (this.stopping) return code;
    this.stopping = true;
    if (reason) say(`stopping (${reason})`);
    process.removeListener("SIGINT", this.onSignal);
    process.removeListener("SIGTERM", this.onSignal);
    clearTimeout(this.changes.timer);
    for (const w of this.watchers.splice(0)) w.close();
    this.buildChild?.kill("SIGKILL");
    if (this.server) {
      const closed = new Promise((r) => this.server.close(r));
      this.server.closeAllConnections();
      await closed;
    }
    for (const w of this.starting) await w.worker.terminate();
    if (this.current) await this.current.stop();
    // Whatever might still hold the event loop, the process ends.
    setTimeout(() => process.exit(code), 2000).unref();
    return code;
  }
}

export async function main(args, { parseArgs }) {
  const { values } = parseArgs({
    args,
    options: { config: { type: "string" }, port: { type: "string" }, profile: { type: "string" }, wire: { type: "string" } },
  });
  if (values.wire != null) wireArgs(values.wire); // an unknown wire fails here, before serving
  const profile = values.profile ?? "v0.10.0";
  if (!PROFILES.includes(profile)) throw new Error(`--profile ${profile}: the profiles are ${PROFILES.join(" and ")}`);
  const configPath = resolve(values.config ?? "tarmac.json");
  const config = loadTarmacConfig(configPath);
  const settings = envSettings(process.env, { port: values.port, projectDir: config.dir });
  return new DevServer({ configPath, config, settings, profile, wire: values.wire ?? null }).run();
}
