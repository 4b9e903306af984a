// As a user would: pack the package, install the tarball into a fresh project, build a
// function with plain `asc` and the shipped preset, and run it. In-repo relative imports
// cannot hide a packaging mistake here.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync, mkdirSync, rmSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { root } from "../scripts/examples.mjs";
import { TarmacHost } from "./host/tarmac-host.mjs";

let dir;
const sh = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
const asc = (cwd, config) => spawnSync("npx", ["--no-install", "asc", "--config", config, "--target", "release"], { cwd, encoding: "utf8" });

before(() => {
  dir = mkdtempSync(join(tmpdir(), "tarmac-as-user-"));
  const tgz = sh("npm", ["pack", "--silent", "--pack-destination", dir], root).trim().split("\n").pop();
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "my-function", private: true, type: "module" }));
  sh("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", join(dir, tgz)], dir);
  mkdirSync(join(dir, "assembly"));
});

after(() => rmSync(dir, { recursive: true, force: true }));

const config = (name, entry, extra = {}) => writeFileSync(join(dir, name), JSON.stringify({
  extends: "./node_modules/tarmac-as/asconfig.json",
  entries: [entry],
  options: extra,
  targets: { release: { outFile: `build/${name}.wasm` } },
}));

test("the tarball holds the library, the preset and its transform, and nothing from tests", () => {
  const files = readdirSync(join(dir, "node_modules", "tarmac-as"), { recursive: true });
  for (const f of ["asconfig.json", "transform/check-exports.js", "assembly/index.ts", "assembly/kv.ts", "README.md"]) assert.ok(files.includes(f), f);
  assert.ok(!files.some((f) => f.startsWith("tests") || f.startsWith("bench") || f.startsWith("examples")));
});

test("the README's complete function (entry assembly/index.ts) builds with plain asc and its asconfig, and runs", async () => {
  // Taken from the README, so the README stays true.
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const block = (after, lang) => readme.split(after)[1].split("```" + lang + "\n")[1].split("```")[0];
  writeFileSync(join(dir, "asconfig.json"), block("`asconfig.json`:", "json"));
  writeFileSync(join(dir, "assembly", "index.ts"), block("`assembly/index.ts`:", "ts"));
  const r = asc(dir, "asconfig.json");
  assert.equal(r.status, 0, r.stderr + r.stdout);
  const guest = await new TarmacHost().instantiate(join(dir, "build", "function.wasm"));
  assert.equal(guest.call("Ada").body.toString(), "Hello, Ada! Before you: nobody.");
  assert.equal(guest.call("Grace").body.toString(), "Hello, Grace! Before you: Ada.");
  assert.equal(guest.call("").body.toString(), "Hello, stranger! Before you: Grace.");
  assert.ok(!WebAssembly.Module.imports(guest.module).some((i) => i.module === "env" && i.name === "abort"), "the preset's abort replaces env.abort");
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
  config("with-json-as.json", "assembly/index.ts", { transform: ["json-as/transform"] }); // index.ts from the README test
  const r = asc(dir, "with-json-as.json");
  assert.notEqual(r.status, 0, "the build must not succeed silently");
  assert.match(r.stderr + r.stdout, /does not export __guest_call[\s\S]*rename the[\s\S]*entry file/);
});
