// What tests/dev.test.mjs and tests/toolkit.test.mjs share: a scratch folder removed after the
// file's tests (any server still running killed first), and `tarmac-as dev` run as a child process
// on a free loopback port (--port 0), asked over HTTP and watched through what it prints. The
// waits are on lines of its output, never on the clock; each has a generous deadline only so
// that a hang fails, with the output, instead of holding up the run.
import { after } from "node:test";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..");

const children = new Set();

/** A new folder under the system's temporary folder, removed after this file's tests. */
export function scratch(prefix) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  after(() => {
    for (const c of children) c.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

/** The environment without the test runner's own variable (a child's `node --test` must report as a top-level run). */
export const baseEnv = () => { const e = { ...process.env }; delete e.NODE_TEST_CONTEXT; return e; };

/**
 * Starts `node <bin> dev --port 0 ...args` in `cwd`; resolves once it says where it listens:
 * { base, child, exited, output(), logged(re, { count, within }), ask(path, init), get(path),
 * post(body, path), stop(signal) -> exit code }. Rejects with an error carrying { code, output }
 * if dev exits before it listens, or with its output if it says nothing of listening `within` ms.
 */
export async function startDev(bin, cwd, { env = {}, args = [], within = 120000 } = {}) {
  const child = spawn(process.execPath, [bin, "dev", "--port", "0", ...args], { cwd, env: { ...baseEnv(), ...env }, stdio: ["ignore", "pipe", "pipe"] });
  children.add(child);
  let out = "";
  let closed = false;
  const waiters = new Set();
  const exited = new Promise((r) => child.once("exit", (code, signal) => { children.delete(child); r(code ?? signal); }));
  const onData = (d) => { out += d; for (const w of [...waiters]) w.check(); };
  child.stdout.setEncoding("utf8").on("data", onData);
  child.stderr.setEncoding("utf8").on("data", onData);
  // "close" comes after the last of the output: a wait still open then can never be met.
  child.once("close", () => { closed = true; for (const w of [...waiters]) w.check(); });

  /** Resolves with what `test(output)` returns once that is truthy; rejects when dev has ended or after `ms`. */
  const waitFor = (test, what, ms) => new Promise((resolve, reject) => {
    const w = {
      check() {
        const v = test(out);
        if (v) { done(); resolve(v); } else if (closed) { done(); reject(Object.assign(new Error(`dev ended (${child.exitCode ?? child.signalCode}) before ${what}:\n${out}`), { code: child.exitCode ?? child.signalCode, output: out })); }
      },
    };
    const timer = setTimeout(() => { done(); reject(new Error(`gave up after ${ms / 1000} s waiting for ${what}:\n${out}`)); }, ms);
    const done = () => { clearTimeout(timer); waiters.delete(w); };
    waiters.add(w);
    w.check();
  });

  const stop = async (signal = "SIGTERM") => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    const t = setTimeout(() => child.kill("SIGKILL"), 10000);
    const code = await exited;
    clearTimeout(t);
    return code;
  };

  const port = await waitFor((o) => /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(o)?.[1], "it to say where it listens", within)
    .catch(async (e) => { await stop("SIGKILL"); throw e; });
  const base = `http://127.0.0.1:${port}`;
  const ask = async (path = "/", init) => {
    const r = await fetch(base + path, init);
    return { status: r.status, text: await r.text(), headers: r.headers };
  };
  return {
    base, child, exited, stop, ask,
    output: () => out,
    /**
     * Waits until the output has `count` matches of `re` (a line the server prints may come after
     * the answer it tells of); resolves with the output.
     */
    logged: (re, { count = 1, within: ms = 60000 } = {}) => {
      const all = new RegExp(re.source, re.flags.includes("g") ? re.flags : `${re.flags}g`);
      return waitFor((o) => (o.match(all)?.length ?? 0) >= count && o, `${count === 1 ? "" : `${count} of `}${re} in the output`, ms);
    },
    get: (path = "/") => ask(path),
    post: (body, path = "/") => ask(path, { method: "POST", body }),
  };
}

/** An answer's status and text (without its headers), to compare whole with deepEqual. */
export const answer = async (asked) => { const { status, text } = await asked; return { status, text }; };

/** Runs `body(server)` on a started server, then stops it, whatever happens; resolves with dev's exit code. */
export async function serving(started, body) {
  const d = await started;
  try {
    await body(d);
  } catch (e) {
    await d.stop();
    throw e;
  }
  return d.stop();
}
