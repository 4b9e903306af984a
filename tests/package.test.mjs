// As a user would: pack the package, install the tarball into a fresh project, build a
// function with plain `asc` and the shipped preset, and run it. In-repo relative imports
// cannot hide a packaging mistake here.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync, mkdirSync, rmSync, readdirSync, readFileSync, existsSync, realpathSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { root } from "../scripts/examples.mjs";
import { TarmacHost } from "../host/engine/tarmac-host.mjs";

// What the tarball holds: these files, plus every file of the SDK (assembly/) and of the
// preset's build check (transform/). A file the package starts to ship belongs here.
const SHIPPED = ["LICENSE", "README.md", "package.json", "index.js", "index.d.ts", "asconfig.json", "tsconfig.json"];
const SHIPPED_DIRS = ["assembly", "transform", "bin", "cli", "host", "spec", "templates"];

const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
let dir, packed;
const sh = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
const npm = (args, cwd) => sh("npm", [...args, "--no-audit", "--no-fund", "--prefer-offline"], cwd);
const asc = (cwd, config) => spawnSync("npx", ["--no-install", "asc", "--config", config, "--target", "release"], { cwd, encoding: "utf8" });
const node = (cwd, code) => spawnSync(process.execPath, ["--input-type=module", "-e", code], { cwd, encoding: "utf8" });

before(() => {
  dir = mkdtempSync(join(tmpdir(), "tarmac-as-user-"));
  const [info] = JSON.parse(sh("npm", ["pack", "--json", "--pack-destination", dir], root));
  packed = info.files.map((f) => f.path).sort();
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "my-function", private: true, type: "module" }));
  npm(["install", join(dir, info.filename)], dir);
  mkdirSync(join(dir, "assembly"));
});

after(() => rmSync(dir, { recursive: true, force: true }));

const config = (name, entry, extra = {}) => writeFileSync(join(dir, name), JSON.stringify({
  extends: "./node_modules/tarmac-as/asconfig.json",
  entries: [entry],
  options: extra,
  targets: { release: { outFile: `build/${name}.wasm` } },
}));

test("the tarball holds exactly the SDK, the preset and its build check, the Node entry, the tsconfig for editors, README and LICENSE", () => {
  const expected = [
    ...SHIPPED,
    ...SHIPPED_DIRS.flatMap((d) => readdirSync(join(root, d), { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => join(e.parentPath ?? e.path, e.name).slice(root.length + 1))),
  ].sort();
  assert.deepEqual(packed, expected);
  for (const f of ["assembly/index.ts", "assembly/kv.ts", "transform/check-exports.js"]) assert.ok(packed.includes(f), f);
  assert.ok(!packed.some((f) => /^(tests|bench|scripts|examples|docs)\//.test(f)), "nothing from the repository's tests, bench, scripts, examples or docs");
});

test("the LICENSE is the Apache License 2.0 the package declares", () => {
  assert.equal(pkg.license, "Apache-2.0");
  const text = readFileSync(join(dir, "node_modules", "tarmac-as", "LICENSE"), "utf8");
  assert.match(text, /^\s*Apache License\s+Version 2\.0, January 2004/);
  assert.match(text, /END OF TERMS AND CONDITIONS/);
});

test("installing the tarball brings a compiler within the declared peer range and none of the test-only libraries", () => {
  const installed = JSON.parse(readFileSync(join(dir, "node_modules", "assemblyscript", "package.json"), "utf8")).version;
  const range = pkg.peerDependencies.assemblyscript;
  const [, low, below] = /^>=(\S+) <(\S+)$/.exec(range);
  const cmp = (a, b) => { const x = a.split(".").map(Number), y = b.split(".").map(Number); return (x[0] - y[0]) || (x[1] - y[1]) || ((x[2] ?? 0) - (y[2] ?? 0)); };
  assert.ok(cmp(installed, low) >= 0 && cmp(installed, below) < 0, `assemblyscript ${installed} is outside ${range}`);
  for (const lib of ["json-as", "as-base64", "@wapc/as-guest", "as-wasi"]) {
    assert.ok(!existsSync(join(dir, "node_modules", lib)), `${lib} is not installed with tarmac-as`);
  }
});

test("import(\"tarmac-as\") works in Node and gives the preset's and the SDK's paths", () => {
  const r = node(dir, `const m = await import("tarmac-as"); console.log(JSON.stringify(m));`);
  assert.equal(r.status, 0, r.stderr);
  const m = JSON.parse(r.stdout);
  const pkgDir = realpathSync(join(dir, "node_modules", "tarmac-as"));
  assert.deepEqual(m, { asconfigPath: join(pkgDir, "asconfig.json"), assemblyDir: join(pkgDir, "assembly"), packageDir: pkgDir });
  assert.ok(existsSync(m.asconfigPath) && existsSync(join(m.assemblyDir, "index.ts")));
  const paths = node(dir, `import { createRequire } from "node:module"; const r = createRequire(process.cwd() + "/");
console.log(JSON.stringify(["tarmac-as/asconfig.json", "tarmac-as/package.json", "tarmac-as/transform/check-exports.js", "tarmac-as/assembly/kv.ts"].map((s) => r.resolve(s))));`);
  assert.equal(paths.status, 0, paths.stderr);
  assert.deepEqual(JSON.parse(paths.stdout), ["asconfig.json", "package.json", "transform/check-exports.js", "assembly/kv.ts"].map((f) => join(pkgDir, f)));
});

test("a function importing tarmac-as/assembly builds with asc and the preset through node_modules/tarmac-as/asconfig.json, and runs", async () => {
  writeFileSync(join(dir, "assembly", "greet.ts"), `
import { handle, ok, text, Result } from "tarmac-as/assembly";
export { __guest_call } from "tarmac-as/assembly";
handle((request: Uint8Array): Result<Uint8Array> => ok("Hi, " + text(request) + "!"));
`);
  config("greet.json", "assembly/greet.ts");
  const r = asc(dir, "greet.json");
  assert.equal(r.status, 0, r.stderr + r.stdout);
  const guest = await new TarmacHost().instantiate(join(dir, "build", "greet.json.wasm"));
  assert.equal(guest.call("Ada").body.toString(), "Hi, Ada!");
  assert.ok(!WebAssembly.Module.imports(guest.module).some((i) => i.module === "env" && i.name === "abort"), "the preset's abort replaces env.abort");
});

test("the README's first function (asconfig.json and assembly/main.ts) builds with plain asc and runs", async () => {
  // Taken from the README, so the README stays true.
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const block = (after, lang) => readme.split(after)[1].split("```" + lang + "\n")[1].split("```")[0];
  writeFileSync(join(dir, "asconfig.json"), block("`asconfig.json`, next to your `package.json`:", "json"));
  writeFileSync(join(dir, "assembly", "main.ts"), block("`assembly/main.ts`:", "ts"));
  const r = asc(dir, "asconfig.json");
  assert.equal(r.status, 0, r.stderr + r.stdout);
  const guest = await new TarmacHost().instantiate(join(dir, "build", "function.wasm"));
  assert.equal(guest.call("Ada").body.toString(), "Hello, Ada! Before you: nobody.");
  assert.equal(guest.call("Grace").body.toString(), "Hello, Grace! Before you: Ada.");
  assert.equal(guest.call("").body.toString(), "Hello, stranger! Before you: Grace.");
  const down = await new TarmacHost({ kvstore: false }).instantiate(join(dir, "build", "function.wasm"));
  assert.match(down.call("x").error, /^key:value store failed: kvstore\.get: unavailable/);
});

test("a module that would not export __guest_call fails the build with a message that says what to do", () => {
  writeFileSync(join(dir, "assembly", "forgot.ts"), `
import { handle, ok, Result } from "tarmac-as/assembly";
handle((request: Uint8Array): Result<Uint8Array> => ok("hi"));
`);
  config("forgot.json", "assembly/forgot.ts");
  const r = asc(dir, "forgot.json");
  assert.notEqual(r.status, 0);
  assert.match(r.stderr + r.stdout, /does not export __guest_call[\s\S]*export \{ __guest_call \} from "tarmac-as\/assembly"/);
});

test("json-as's transform with an index.ts entry (which it empties) fails the build instead of shipping an empty module", () => {
  // A user who chooses json-as installs it; tarmac-as does not bring it.
  npm(["install", `json-as@${pkg.devDependencies["json-as"]}`], dir);
  writeFileSync(join(dir, "assembly", "index.ts"), `
import { handle, ok, Result } from "tarmac-as/assembly";
export { __guest_call } from "tarmac-as/assembly";
handle((request: Uint8Array): Result<Uint8Array> => ok("hi"));
`);
  config("with-json-as.json", "assembly/index.ts", { transform: ["json-as/transform"] });
  const r = asc(dir, "with-json-as.json");
  assert.notEqual(r.status, 0, "the build must not succeed silently");
  assert.match(r.stderr + r.stdout, /does not export __guest_call[\s\S]*rename the[\s\S]*entry file/);
});
