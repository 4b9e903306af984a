// The function author's loop, end to end from the packed tarball, in temporary directories:
// `tarmac-as new` -> `npm install` -> `npm test` -> `tarmac-as build` -> `tarmac-as run` ->
// `tarmac-as dev` answering HTTP requests; and an example folder copied out of the repository.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync, cpSync, existsSync } from "node:fs";
import { join } from "node:path";
import { root, scratch, baseEnv, startDev, serving, answer } from "./dev-server.mjs";

const work = scratch("tarmac-as-toolkit-");
// The project's own `node --test` must report as a top-level run, not to this test runner: baseEnv.
const run = (cmd, args, cwd, env = {}) => execFileSync(cmd, args, { cwd, env: { ...baseEnv(), ...env }, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
const npm = (args, cwd, env) => run("npm", [...args, "--no-audit", "--no-fund", "--prefer-offline"], cwd, env);
const cli = (args, cwd, env) => run(process.execPath, [join(cwd, "node_modules", "tarmac-as", "bin", "tarmac-as.mjs"), ...args], cwd, env);

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

/** `tarmac-as dev` from the project's own node_modules, in `dir` (tests/dev-server.mjs's startDev). */
const dev = (dir, env = {}, args = []) => startDev(join(dir, "node_modules", "tarmac-as", "bin", "tarmac-as.mjs"), dir, { env, args });

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
  await serving(dev(dir, env), async (server) => {
    assert.deepEqual(await answer(server.get("/")), { status: 200, text: "1" });
    assert.deepEqual(await answer(server.post("x")), { status: 200, text: "2" });
  });
  await serving(dev(dir, env), async (server) => {
    assert.deepEqual(await answer(server.get("/")), { status: 200, text: "3" }, "the file store kept the count across a restart");
    // A source change is rebuilt and served without restarting; dev says so before it serves it.
    const src = join(dir, "assembly", "main.ts");
    writeFileSync(src, readFileSync(src, "utf8").replace("return ok(count.toString());", `return ok("count=" + count.toString());`));
    const out = await server.logged(/reloaded: |build failed: /, { within: 300000 });
    assert.match(out, /reloaded: /, out);
    assert.match((await server.get("/")).text, /^count=\d+$/, server.output());
  });
});

test("new service project: its tests pass; dev runs init at start, the scheduled task on its schedule and function routes", { timeout: 600000 }, async () => {
  const dir = newProject("service");
  assert.match(npm(["test"], dir), /# pass 3/);
  const config = join(dir, "tarmac.json");
  writeFileSync(config, readFileSync(config, "utf8").replace('"frequency": 10', '"frequency": 1'));
  // APP_DEBUG logs the task's interval as its timer is set, and each run: the test waits for runs, not for the clock.
  await serving(dev(dir, { APP_DEBUG: "true" }), async (server) => {
    await server.logged(/\[debug\] dev: scheduled_task tick: every 1000 ms\n/);
    const first = await server.post("Ada");
    assert.equal(first.status, 200);
    assert.match(first.text, /^Hello, Ada! \(ticks: \d+\)$/, "setup ran at start, format reached by callFunction");
    const ticks = (t) => Number(/ticks: (\d+)/.exec(t)[1]);
    // A run counts, then is logged: once that many runs are logged, the counter has them all.
    await server.logged(/scheduled_task tick: ok \(/, { count: ticks(first.text) + 2 });
    const later = await server.get("/");
    assert.ok(ticks(later.text) >= ticks(first.text) + 2, `the scheduled task ran: ${first.text} -> ${later.text}`);
  });
});

test("a function's failure reaches the HTTP caller as Tarmac sends it: 500, empty on v0.10.0, the error text on main", { timeout: 600000 }, async () => {
  const dir = newProject("http");
  assert.match(npm(["test"], dir), /# pass 2/);
  cli(["build"], dir);
  for (const [profile, body] of [["v0.10.0", ""], ["main", /^failed to execute wasm module - fetch failed: /]]) {
    await serving(dev(dir, {}, ["--profile", profile]), async (server) => {
      const r = await server.post("http://127.0.0.1:1/");
      assert.equal(r.status, 500);
      if (typeof body === "string") assert.equal(r.text, body); else assert.match(r.text, body);
    });
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
