// The layout the code depends on, read from its imports: capability files reach the wire only
// through the seam (assembly/wire.ts) and never import each other; neither the SDK nor the
// test host has an import cycle. (That each capability's files exist: registry.test.mjs.)
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join, dirname, resolve, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { CAPABILITIES } from "../spec/capabilities.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/** The relative imports of every `ext` file under `dir`: { "file": ["imported file", ...] }, paths from the repository's root. */
function imports(dir, ext) {
  const graph = {};
  for (const f of readdirSync(join(root, dir), { recursive: true }).filter((f) => f.endsWith(ext))) {
    const file = join(dir, f);
    const src = readFileSync(join(root, file), "utf8");
    const specs = [...src.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+["'](\.[^"']+)["']|import\(\s*["'](\.[^"']+)["']\s*\)/g)].map((m) => m[1] ?? m[2]);
    graph[file] = [...new Set(specs.map((s) => {
      const p = relative(root, resolve(root, dirname(file), s));
      return p.endsWith(ext) || p.endsWith(".mjs") ? p : p + ext;
    }))];
  }
  return graph;
}

/** Every import cycle of `graph`, each as "a -> b -> a". */
function cycles(graph) {
  const found = new Set(), done = new Set(), path = [];
  const visit = (n) => {
    const at = path.indexOf(n);
    if (at >= 0) { found.add([...path.slice(at), n].join(" -> ")); return; }
    if (done.has(n)) return;
    path.push(n);
    for (const m of graph[n] ?? []) visit(m);
    path.pop();
    done.add(n);
  };
  Object.keys(graph).forEach(visit);
  return [...found];
}

const sdk = imports("assembly", ".ts");
const capabilityFiles = Object.values(CAPABILITIES).map((c) => c.sdk);

test("no capability file of the SDK imports another, or a codec: the wire is reached through assembly/wire.ts", () => {
  const codecs = Object.keys(sdk).filter((f) => /^assembly\/tarmac-[^/]+\.ts$/.test(f)); // one file per wire
  for (const file of capabilityFiles) {
    const deps = sdk[file];
    assert.ok(deps, `${file} is not in assembly/`);
    for (const other of capabilityFiles) assert.ok(!deps.includes(other), `${file} imports ${other}`);
    assert.ok(codecs.length > 0);
    for (const codec of codecs) assert.ok(!deps.includes(codec), `${file} imports the codec ${codec}: go through wire.ts`);
  }
});

test("the SDK has no import cycle", () => {
  assert.ok(sdk["assembly/kv.ts"].includes("assembly/wire.ts"), "the graph sees imports");
  assert.deepEqual(cycles(sdk), []);
});

test("the test host has no import cycle", () => {
  const host = imports("host", ".mjs");
  assert.ok(host["host/engine/kvstore.mjs"].includes("host/engine/answer.mjs"), "the graph sees imports");
  assert.ok(host["host/index.mjs"].includes("host/engine/tarmac-host.mjs"), "the graph sees dynamic imports");
  assert.deepEqual(cycles(host), []);
});

test("every field a capability file names has the registry's JSON name and protobuf number, in the request or the reply", () => {
  let seen = 0;
  for (const [name, cap] of Object.entries(CAPABILITIES)) {
    const src = readFileSync(join(root, cap.sdk), "utf8");
    const ops = Object.values(cap.operations).filter((op) => op.numbers);
    const known = (side, field) => ops.filter((op) => field in op.numbers[side]).map((op) => op.numbers[side][field]);
    for (const [, call, number, field] of src.matchAll(/wire\.(text|data|flag|double|textMap|fieldIs)\((\d+), "(\w+)"/g)) {
      const side = call === "fieldIs" ? "reply" : "request";
      const numbers = known(side, field);
      assert.ok(numbers.length, `${cap.sdk}: ${side} field "${field}" is not in the registry's ${name} operations`);
      assert.ok(numbers.includes(Number(number)), `${cap.sdk}: ${side} field "${field}" is number ${number}; the registry says ${numbers.join(" or ")}`);
      seen++;
    }
  }
  assert.ok(seen >= 15, `the check saw ${seen} fields`);
});
