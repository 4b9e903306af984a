// Editors: what VS Code and other editors run is TypeScript's compiler, with the nearest
// tsconfig.json. Here `tsc --noEmit` checks the SDK with its own tsconfig.json, the examples,
// and a user's project as the README sets one up (the packed tarball installed, the tsconfig the
// README shows), and a type error in the user's code is reported where it is.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync, mkdirSync, rmSync, readFileSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { root } from "../scripts/examples.mjs";

const tsc = createRequire(join(root, "package.json")).resolve("typescript/bin/tsc");

// `tsc --noEmit -p project`: its exit status, its diagnostics (one line each, plus the lines
// that continue them) and the files it checked (absolute paths, from --listFiles).
function typecheck(project, cwd) {
  const r = spawnSync(process.execPath, [tsc, "--noEmit", "--pretty", "false", "--listFiles", "-p", project], { cwd, encoding: "utf8" });
  const lines = (r.stdout + r.stderr).split("\n").filter((l) => l.trim() !== "");
  return { status: r.status, errors: lines.filter((l) => !l.startsWith("/")), files: lines.filter((l) => l.startsWith("/")) };
}

const sdkFiles = () => readdirSync(join(root, "assembly")).filter((f) => f.endsWith(".ts")).map((f) => `assembly/${f}`);

test("the SDK's own files type-check with its tsconfig.json: tsc --noEmit reports no errors", () => {
  const r = typecheck(join(root, "tsconfig.json"), root);
  assert.deepEqual(r.errors, [], "tsc reported errors in the SDK");
  assert.equal(r.status, 0);
  for (const f of sdkFiles()) assert.ok(r.files.includes(join(root, f)), `${f} was checked`);
});

test("the examples type-check with examples/tsconfig.json", () => {
  const r = typecheck(join(root, "examples", "tsconfig.json"), root);
  assert.deepEqual(r.errors, [], "tsc reported errors in the examples or the SDK");
  assert.equal(r.status, 0);
  const entries = readdirSync(join(root, "examples"), { withFileTypes: true }).filter((e) => e.isDirectory())
    .flatMap((e) => readdirSync(join(root, "examples", e.name, "assembly")).map((f) => join(root, "examples", e.name, "assembly", f)));
  assert.ok(entries.length >= 9);
  for (const f of entries) assert.ok(r.files.includes(f), `${f} was checked`);
});

// ---- A user's project, as the README sets it up ------------------------------------------------

let dir;

// The tsconfig the README tells users to write: its JSON block that extends a tsconfig.json.
function readmeTsconfig() {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  for (const [, code] of readme.matchAll(/```json\n([\s\S]*?)```/g)) {
    let json;
    try { json = JSON.parse(code); } catch { continue; }
    if (typeof json.extends === "string" && json.extends.endsWith("tsconfig.json")) return code;
  }
  assert.fail("the README shows no tsconfig.json that extends tarmac-as's");
}

const USER_ENTRY = `import { handle, ok, fail, kv, log, Result, text } from "tarmac-as/assembly";
export { __guest_call } from "tarmac-as/assembly";

// asc sets number fields to zero, so they need no initializer.
class Visits {
  count: i32;
  last: string = "nobody";
}

handle((request: Uint8Array): Result<Uint8Array> => {
  const name = request.length > 0 ? text(request) : "stranger";
  log.info("greeting " + name);
  const visits = new Visits();
  const previous = kv.getString("last-visitor");
  if (previous.isOk) {
    visits.last = previous.value;
    visits.count = 1;
  }
  const err = kv.setString("last-visitor", name);
  if (err) return fail(err.toString());
  return ok("Hello, " + name + "! Before you: " + visits.last + ".");
});
`;

before(() => {
  dir = mkdtempSync(join(tmpdir(), "tarmac-as-editor-"));
  const sh = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  const [info] = JSON.parse(sh("npm", ["pack", "--json", "--pack-destination", dir], root));
  const ascVersion = JSON.parse(readFileSync(join(root, "node_modules", "assemblyscript", "package.json"), "utf8")).version;
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "my-function", private: true, type: "module" }));
  // The README's install: npm install --save-dev tarmac-as assemblyscript
  sh("npm", ["install", "--save-dev", "--no-audit", "--no-fund", "--prefer-offline", join(dir, info.filename), `assemblyscript@${ascVersion}`], dir);
  writeFileSync(join(dir, "tsconfig.json"), readmeTsconfig());
  writeFileSync(join(dir, "asconfig.json"), JSON.stringify({
    extends: "tarmac-as/asconfig.json",
    entries: ["assembly/main.ts"],
    targets: { release: { outFile: "build/function.wasm" } },
  }));
  mkdirSync(join(dir, "assembly"));
  writeFileSync(join(dir, "assembly", "main.ts"), USER_ENTRY);
});

after(() => rmSync(dir, { recursive: true, force: true }));

test("a user's project (the tarball installed, the README's tsconfig.json) type-checks with no errors, the SDK included", () => {
  const r = typecheck("tsconfig.json", dir);
  assert.deepEqual(r.errors, [], "tsc reported errors in the user's project");
  assert.equal(r.status, 0);
  for (const f of ["/assembly/main.ts", "/node_modules/tarmac-as/assembly/kv.ts", "/node_modules/tarmac-as/assembly/buffers.ts", "/node_modules/tarmac-as/assembly/globals.d.ts"]) {
    assert.ok(r.files.some((p) => p.endsWith(f)), `${f} was checked`);
  }
});

test("the user's file that tsc accepts is AssemblyScript: it builds with asc and the preset", () => {
  const r = spawnSync("npx", ["--no-install", "asc", "--config", "asconfig.json", "--target", "release"], { cwd: dir, encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr + r.stdout);
  const wasm = new WebAssembly.Module(readFileSync(join(dir, "build", "function.wasm")));
  assert.ok(WebAssembly.Module.exports(wasm).some((e) => e.name === "__guest_call"));
});

test("a type error in the user's code is reported at its line: a number passed as a key:value string, a misspelt SDK method", () => {
  const file = join(dir, "assembly", "mistakes.ts");
  writeFileSync(file, `import { kv } from "tarmac-as/assembly";

export function remember(): void {
  kv.setString("visits", 1);
  kv.getStrin("visits");
}
`);
  try {
    const r = typecheck("tsconfig.json", dir);
    assert.notEqual(r.status, 0, "tsc must fail");
    assert.deepEqual(r.errors.filter((l) => l.startsWith("assembly/")), [
      "assembly/mistakes.ts(4,26): error TS2345: Argument of type 'number' is not assignable to parameter of type 'string'.",
      "assembly/mistakes.ts(5,6): error TS2551: Property 'getStrin' does not exist on type 'KVStore'. Did you mean 'getString'?",
    ]);
  } finally {
    rmSync(file);
  }
});
