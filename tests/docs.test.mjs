// Every code example in the documentation compiles, as a user would compile it: against the
// packed package installed into a fresh project, with that project's `asc` and the preset from
// node_modules/tarmac-as/asconfig.json.
//
// What counts as an example (details in tests/docs/extract.mjs):
//   - README.md and docs/*.md: every ```ts block; ```json blocks that are an asconfig or a
//     tsconfig must be valid JSON (asconfig blocks are built with the blocks they name, tsconfig
//     blocks must extend a file the project has). ```sh blocks are not run.
//   - assembly/*.ts (not the generated messages.ts): ```ts blocks in /** */ comments, and the
//     inline example that ends a /** */ comment: the last backticked span, followed by nothing
//     but a parenthetical remark, that contains `(` and ends with `)` or `;` (a trailing
//     `// note` allowed), or is `if (...) ...` / `for (...) ...` / `while (...) ...` with its
//     body elided (compiled as `{}`), e.g. /** The string, or null. `const name = v.asString();` */
//
// How each is compiled (details, and the few names examples may use without declaring them, in
// tests/docs/compile.mjs): a block with `export { __guest_call }` is an entry file as it is; a
// block with its own imports is an entry file plus that export; anything else is wrapped, the
// snippets of one file in one module that imports everything `tarmac-as/assembly` exports (and,
// for a doc comment, what its own file exports), each snippet in its own exported function.
// All wrapped modules and entry files are compiled in one asc run; a failure names the file and
// line of the example and asc's message.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync, mkdirSync, existsSync, rmSync } from "node:fs";
import { join, dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { collect, docExamples, markdownBlocks, configKind } from "./docs/extract.mjs";
import { userProject, entryFiles, compileAll, asc, mapDiagnostics, report, exampleKind, returnsValue } from "./docs/compile.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const found = collect(root);
const index = readFileSync(join(root, "assembly", "index.ts"), "utf8");

// An asconfig's entries that a block of the same file shows (labelled "`path`:") are built from
// that block; an entry no block shows gets this smallest function.
const SMALLEST = `import { handle, ok, Result } from "tarmac-as/assembly";
export { __guest_call } from "tarmac-as/assembly";
handle((request: Uint8Array): Result<Uint8Array> => ok(request));
`;

const asconfigs = found.configs.filter((c) => c.kind === "asconfig").map((c) => {
  let json = null;
  try { json = JSON.parse(c.code); } catch {}
  const entries = json && Array.isArray(json.entries) ? json.entries : [];
  const shown = entries.map((path) => found.code.find((ex) => ex.source === c.source && ex.path === path) || null);
  return { ...c, json, entries, shown };
});
const builtByAsconfig = new Set(asconfigs.flatMap((c) => c.shown.filter(Boolean)));

let dir;
let files;
let combined;
const built = new Map();
let sanity;

before(async () => {
  dir = userProject(root);
  files = entryFiles(root, found.code.filter((ex) => !builtByAsconfig.has(ex)), index);
  const broken = entryFiles(root, [
    { source: "sanity.md", line: 10, kind: "block", code: 'const n: i32 = "not a number";\nkv.setString(key, "fine");\nkv.nope();\n' },
    { source: "sanity.md", line: 20, kind: "block", code: "return 42;\n" },
    { source: "unparsable.md", line: 5, kind: "block", code: 'const r = kv.get("k");\nif (r.isOk) { ... }\n' },
  ], index);
  const buildAsconfigs = async () => {
    for (const c of asconfigs) {
      if (!c.json) continue;
      const files = c.entries.map((path, i) => ({
        file: path,
        text: c.shown[i] ? c.shown[i].code : SMALLEST,
        examples: c.shown[i] ? [{ example: c.shown[i], start: 1, lines: c.shown[i].code.split("\n").length - 1 }] : [],
      }));
      for (const f of files) {
        mkdirSync(dirname(join(dir, f.file)), { recursive: true });
        writeFileSync(join(dir, f.file), f.text);
      }
      const config = `asconfig.docs-${c.line}.json`;
      writeFileSync(join(dir, config), c.code);
      const target = c.json.targets && c.json.targets.debug ? "debug" : "release";
      const { status, output } = await asc(dir, config, target);
      const outFile = c.json.targets && c.json.targets[target] && c.json.targets[target].outFile;
      built.set(c, { status, output, target, outFile, ...mapDiagnostics(output, files) });
    }
  };
  [combined, sanity] = await Promise.all([
    compileAll(dir, "examples", files),
    compileAll(dir, "sanity", broken).then(async (r) => { await buildAsconfigs(); return r; }),
  ]);
});

after(() => dir && rmSync(dir, { recursive: true, force: true }));

// ---- What is an example -----------------------------------------------------------------------

test("an inline example is the backticked code that ends a doc comment; references and output are not", () => {
  const examplesIn = (comment) => docExamples(comment).map((e) => e.code.trim());
  assert.deepEqual(examplesIn("/** The string, or null. `const name = v.asString();` */"), ["const name = v.asString();"]);
  assert.deepEqual(examplesIn("/** Sets a header. `req.header(\"Accept\", \"text/plain\")` */"), ['req.header("Accept", "text/plain")']);
  assert.deepEqual(examplesIn("/** `log.debug(\"value: \" + v)` (Tarmac shows it with APP_DEBUG) */"), ['log.debug("value: " + v)']);
  assert.deepEqual(examplesIn("/**\n * Bytes code point `cp` takes.\n * `utf8Size(0xE9) // 2`\n */"), ["utf8Size(0xE9) // 2"]);
  assert.deepEqual(examplesIn("/** Whether this is null. `if (v.isNull) ...` */"), ["if (v.isNull) {}"]);
  assert.deepEqual(examplesIn("/** Writes `n` bytes (`base64EncodedLength(n)` bytes) to `dst`. */"), [], "a span inside a sentence is a reference");
  assert.deepEqual(examplesIn("/** `kvstore.get: not_found (404): Unable to fetch key ...` */"), [], "output is not code");
  assert.deepEqual(examplesIn("/** The status code the host sent (0 if none). */"), []);
  const lines = docExamples("// x\n/**\n * Many lines\n * of text. `const user = v.get(\"user\");`\n */\n");
  assert.equal(lines[0].line, 4, "an inline example is placed on its own line");
});

test("a fenced ts block in a doc comment is an example, without the comment's leading ' * '", () => {
  const ex = docExamples("/**\n * Registers it.\n *\n * ```ts\n * handle(fn);\n *   ok(1);\n * ```\n */\nexport function f(): void {}\n");
  assert.deepEqual(ex.map((e) => [e.line, e.code, e.kind]), [[5, "handle(fn);\n  ok(1);\n", "block"]]);
});

test("Markdown: ts blocks are examples (labelled by the `path`: before them); only config-like json blocks are checked; sh blocks are not", () => {
  const md = "Text\n\n```sh\nnpm test\n```\n\n`assembly/main.ts`:\n\n```ts\nhandle(f);\n```\n\n```json\n{ \"extends\": \"x\", \"entries\": [] }\n```\n\n```json\n\"use\": []\n```\n";
  const blocks = markdownBlocks(md);
  assert.deepEqual(blocks.map((b) => [b.lang, b.line, b.path]), [["sh", 4, null], ["ts", 10, "assembly/main.ts"], ["json", 14, null], ["json", 18, null]]);
  assert.equal(configKind(blocks[2].code), "asconfig");
  assert.equal(configKind(blocks[3].code), null);
  assert.equal(configKind('{ "extends": "tarmac-as/tsconfig.json", "include": ["assembly"] }'), "tsconfig");
});

test("how a block is compiled: a whole module, a module fragment, a snippet, or a handler's body", () => {
  assert.equal(exampleKind('import { handle } from "tarmac-as/assembly";\nexport { __guest_call } from "tarmac-as/assembly";\n'), "module");
  assert.equal(exampleKind('import { kv } from "tarmac-as/assembly";\nexport function testGet(): bool { return true; }\n'), "fragment");
  assert.equal(exampleKind('const r = kv.get("k");\n'), "snippet");
  assert.equal(returnsValue('if (err) return fail("no");\n'), true);
  assert.equal(returnsValue('handle((r: Uint8Array): Result<Uint8Array> => { return ok("x"); });\n'), false, "a return inside a callback is the callback's");
  assert.equal(returnsValue('log.info("return it");\n'), false);
});

test("the documentation has examples to check: README.md blocks, and blocks and inline examples in doc comments", () => {
  const count = (pred) => found.code.filter(pred).length;
  assert.ok(count((e) => e.source === "README.md") >= 5, "README.md ts blocks");
  assert.ok(count((e) => e.source.startsWith("assembly/") && e.kind === "block") >= 20, "fenced blocks in doc comments");
  assert.ok(count((e) => e.source.startsWith("assembly/") && e.kind === "inline") >= 20, "inline examples in doc comments");
  assert.ok(!found.code.some((e) => e.source === "assembly/messages.ts"), "the generated messages.ts is skipped");
});

// ---- The check can fail -----------------------------------------------------------------------

test("broken examples fail the check, each reported at its own file and line with asc's message, one that does not parse hiding none of the others", () => {
  const at = sanity.failures.map((f) => `${f.source}:${f.line} ${f.message}`);
  assert.ok(at.some((s) => /^sanity\.md:10 ERROR TS2322:.*'~lib\/string\/String' is not assignable to type 'i32'/.test(s)), at.join("\n"));
  assert.ok(at.some((s) => /^sanity\.md:12 ERROR .*nope/.test(s)), at.join("\n"));
  assert.ok(!at.some((s) => s.startsWith("sanity.md:11")), "the line that is fine is not blamed");
  assert.ok(at.some((s) => /^sanity\.md:20 ERROR/.test(s)), "a handler body must return a Result<Uint8Array>: " + at.join("\n"));
  assert.ok(at.some((s) => /^unparsable\.md:6 ERROR TS1109/.test(s)), "an example that does not parse: " + at.join("\n"));
  assert.ok(sanity.rounds >= 2, "an example that does not parse does not hide the others' errors");
  assert.equal(sanity.checked.size, 0, "no broken file counts as checked");
  assert.match(report(sanity.failures), /sanity\.md:12 \(code block\): ERROR .*\n {4}kv\.nope\(\);/);
});

// ---- Every example compiles -------------------------------------------------------------------

test("the examples build together with no error outside an example (one asc run when they all compile)", () => {
  const stray = combined.unplaced.map((d) => `${d.severity} ${d.code} ${d.message} at ${d.file}(${d.line})`);
  assert.deepEqual(stray, [], combined.output);
  assert.equal(combined.status, 0, combined.output);
  if (combined.failures.length === 0) assert.equal(combined.rounds, 1);
});

const sources = [...new Set(found.code.filter((ex) => !builtByAsconfig.has(ex)).map((ex) => ex.source))];
for (const source of sources) {
  const n = found.code.filter((ex) => ex.source === source && !builtByAsconfig.has(ex)).length;
  test(`every code example in ${source} compiles against the packed package (${n})`, () => {
    const failures = combined.failures.filter((f) => f.source === source);
    assert.equal(failures.length, 0, "\n" + report(failures));
    const mine = files.filter((f) => f.examples.some((p) => p.example.source === source));
    for (const f of mine) assert.ok(combined.checked.has(f.file), `${f.file} was not compiled in a successful run:\n${combined.output}`);
  });
}

for (const c of asconfigs) {
  const names = c.entries.map((p, i) => p + (c.shown[i] ? ` (the block at line ${c.shown[i].line})` : " (not shown: the smallest function)")).join(", ");
  test(`${c.source}:${c.line}: the asconfig block is valid JSON and builds its entries ${names} with the packed preset`, () => {
    assert.ok(c.json, `${c.source}:${c.line} is not valid JSON`);
    assert.ok(c.entries.length > 0, "an asconfig block names its entries");
    const b = built.get(c);
    assert.equal(b.failures.length, 0, "\n" + report(b.failures));
    assert.equal(b.status, 0, b.output);
    assert.ok(b.outFile, `the ${b.target} target names its outFile`);
    const wasm = new WebAssembly.Module(readFileSync(join(dir, b.outFile)));
    assert.ok(WebAssembly.Module.exports(wasm).some((e) => e.name === "__guest_call"), "the module exports __guest_call");
  });
}

for (const c of found.configs.filter((c) => c.kind === "tsconfig")) {
  test(`${c.source}:${c.line}: the tsconfig block is valid JSON and extends a file the project has`, () => {
    let json;
    assert.doesNotThrow(() => { json = JSON.parse(c.code); }, `${c.source}:${c.line} is not valid JSON`);
    if (json.extends) {
      const path = json.extends.startsWith(".") ? resolve(dir, json.extends) : join(dir, "node_modules", json.extends);
      assert.ok(existsSync(path), `"extends": "${json.extends}" is not in a project that installed tarmac-as`);
    }
  });
}
