// The function author's loop, end to end from the packed tarball, in temporary directories:
// `tarmac-as new` -> `npm install` -> `npm test` -> `tarmac-as build` -> `tarmac-as run` ->
// `tarmac-as dev` answering HTTP requests; and an example folder copied out of the repository.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync, readFileSync, writeFileSync, cpSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { createServer } from "node:net";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const work = mkdtempSync(join(tmpdir(), "tarmac-as-toolkit-"));
const children = new Set();
after(() => {
  for (const c of children) c.kill("SIGKILL");
  rmSync(work, { recursive: true, force: true });
});

// The project's own `node --test` must report as a top-level run, not to this test runner.
const baseEnv = () => { const e = { ...process.env }; delete e.NODE_TEST_CONTEXT; return e; };
const run = (cmd, args, cwd, env = {}) => execFileSync(cmd, args, { cwd, env: { ...baseEnv(), ...env }, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
const npm = (args, cwd, env) => run("npm", [...args, "--no-audit", "--no-fund", "--prefer-offline"], cwd, env);
const cli = (args, cwd, env) => run(process.execPath, [join(cwd, "node_modules", "tarmac-as", "bin", "tarmac-as.mjs"), ...args], cwd, env);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const freePort = () => new Promise((resolve) => {
  const s = createServer();
  s.listen(0, "127.0.0.1", () => { const { port } = s.address(); s.close(() => resolve(port)); });
});

// The packed package, as a user installs it.
const tarball = (() => {
  const out = npm(["pack", "--pack-destination", work], root);
  return join(work, out.trim().split("\n").at(-1));
})();

/** A new project from `template`, installed from the tarball. */
function newProject(template) {
  const dir = join(work, `${template}-app`);
  run(process.execPath, [join(root, "bin", "tarmac-as.mjs"), "new", dir, "--template", template], work, { TARMAC_AS_SPEC: `file:${tarball}` });
  npm(["install"], dir);
  return dir;
}

/** Starts `tarmac-as dev` in `dir` on a free loopback port; resolves when it answers /ready. */
async function dev(dir, env = {}, args = []) {
  const port = await freePort();
  const child = spawn(process.execPath, [join(dir, "node_modules", "tarmac-as", "bin", "tarmac-as.mjs"), "dev", "--port", String(port), ...args], { cwd: dir, env: { ...baseEnv(), ...env }, stdio: ["ignore", "pipe", "pipe"] });
  children.add(child);
  let output = "";
  child.stdout.on("data", (d) => { output += d; });
  child.stderr.on("data", (d) => { output += d; });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`dev exited: ${output}`);
    try { if ((await fetch(`${base}/ready`)).status === 200) break; } catch {}
    await sleep(100);
  }
  const stop = async () => { child.kill("SIGTERM"); await new Promise((r) => child.exitCode !== null ? r() : child.once("exit", r)); children.delete(child); };
  const get = async (path = "/", init) => { const r = await fetch(base + path, init); return { status: r.status, text: await r.text() }; };
  return { base, get, stop, output: () => output };
}

test("new kv project: npm install, npm test, build, run, then dev counts across requests and, with the file store, across a restart", { timeout: 600000 }, async () => {
  const dir = newProject("kv");
  for (const f of ["package.json", "asconfig.json", "tsconfig.json", "tarmac.json", ".gitignore", "assembly/main.ts", "tests/main.test.mjs"]) assert.ok(existsSync(join(dir, f)), f);
  const tested = npm(["test"], dir);
  assert.match(tested, /# pass 3/);
  const built = cli(["build"], dir);
  assert.match(built, /built main -> .*build\/main\.wasm/);
  const once = cli(["run", "build/main.wasm", "--kv", JSON.stringify({ requests: "41" })], dir);
  assert.match(once, /host call kvstore\.get \{"key":"requests"\} -> ok/);
  assert.match(once, /response \(HTTP 200\): 42/);

  const env = { APP_KVSTORE_TYPE: "internal", APP_BOLTDB_FILENAME: join(dir, "kv.json") };
  let server = await dev(dir, env);
  try {
    assert.deepEqual(await server.get("/"), { status: 200, text: "1" });
    assert.deepEqual(await server.get("/", { method: "POST", body: "x" }), { status: 200, text: "2" });
  } finally { await server.stop(); }
  server = await dev(dir, env);
  try {
    assert.deepEqual(await server.get("/"), { status: 200, text: "3" }, "the file store kept the count across a restart");
    // A source change is rebuilt and served without restarting.
    const src = join(dir, "assembly", "main.ts");
    writeFileSync(src, readFileSync(src, "utf8").replace("return ok(count.toString());", `return ok("count=" + count.toString());`));
    let answer = "";
    for (let i = 0; i < 300 && !answer.startsWith("count="); i++) { await sleep(200); answer = (await server.get("/")).text; }
    assert.match(answer, /^count=\d+$/, server.output());
  } finally { await server.stop(); }
});

test("new service project: its tests pass; dev runs init at start, the scheduled task on its schedule and function routes", { timeout: 600000 }, async () => {
  const dir = newProject("service");
  assert.match(npm(["test"], dir), /# pass 3/);
  const config = join(dir, "tarmac.json");
  writeFileSync(config, readFileSync(config, "utf8").replace('"frequency": 10', '"frequency": 1'));
  const server = await dev(dir);
  try {
    const first = await server.get("/", { method: "POST", body: "Ada" });
    assert.equal(first.status, 200);
    assert.match(first.text, /^Hello, Ada! \(ticks: \d+\)$/, "setup ran at start, format reached by callFunction");
    await sleep(3000);
    const later = await server.get("/");
    const ticks = (t) => Number(/ticks: (\d+)/.exec(t)[1]);
    assert.ok(ticks(later.text) >= ticks(first.text) + 2, `the scheduled task ran: ${first.text} -> ${later.text}`);
  } finally { await server.stop(); }
});

test("a function's failure reaches the HTTP caller as Tarmac sends it: 500, empty on v0.10.0, the error text on main", { timeout: 600000 }, async () => {
  const dir = newProject("http");
  assert.match(npm(["test"], dir), /# pass 2/);
  cli(["build"], dir);
  for (const [profile, body] of [["v0.10.0", ""], ["main", /^failed to execute wasm module - fetch failed: /]]) {
    const server = await dev(dir, {}, ["--profile", profile]);
    try {
      const r = await server.get("/", { method: "POST", body: "http://127.0.0.1:1/" });
      assert.equal(r.status, 500);
      if (typeof body === "string") assert.equal(r.text, body); else assert.match(r.text, body);
    } finally { await server.stop(); }
  }
});

test("an example folder copied out of the repository builds with the preset after npm install tarmac-as", { timeout: 600000 }, async () => {
  const dir = join(work, "copied-hello");
  cpSync(join(root, "examples", "hello"), dir, { recursive: true, filter: (p) => !p.includes(`${join("hello", "build")}`) });
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "copied-hello", private: true, type: "module" }));
  npm(["install", tarball, `assemblyscript@${JSON.parse(readFileSync(join(root, "package.json"), "utf8")).devDependencies.assemblyscript}`], dir);
  cli(["build"], dir);
  const wasm = readFileSync(join(dir, "build", "hello.wasm"));
  const imports = WebAssembly.Module.imports(new WebAssembly.Module(wasm)).map((i) => i.module);
  assert.ok(!imports.includes("env"), `built with the preset (no env imports): ${imports}`);
  assert.ok(wasm.length < 8000, `${wasm.length} bytes`);
  assert.match(cli(["run", "build/hello.wasm", "--data", "Ada"], dir), /Hello, Ada!/);
});

test("build refuses a project whose preset cannot be found, instead of building without it", async () => {
  const dir = join(work, "no-preset");
  cpSync(join(root, "templates", "hello"), dir, { recursive: true });
  writeFileSync(join(dir, "package.json"), "{}");
  assert.throws(() => run(process.execPath, [join(root, "bin", "tarmac-as.mjs"), "build"], dir), (e) => /preset "tarmac-as\/asconfig.json" cannot be found/.test(e.stderr));
});
