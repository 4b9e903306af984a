// Compiles documentation examples the way a user would: against the packed package, installed
// into a fresh project, with that project's `asc` and the preset the package ships.
//
// How an example becomes code (tests/docs/extract.mjs says which text is an example):
//   - A whole module (it contains `export { __guest_call }`) is an entry file as it is.
//   - A module fragment (it has its own `import` lines but no `__guest_call`, such as a test
//     file) is an entry file as it is, plus `export { __guest_call } from "tarmac-as/assembly";`
//     (the preset's build check requires that export).
//   - Anything else is a snippet. The snippets of one source file go into one wrapper module
//     that imports every name `tarmac-as/assembly` exports (read from assembly/index.ts) and,
//     for a doc comment, every other name its file exports (from `tarmac-as/assembly/<file>`);
//     exports `__guest_call`; declares the PRELUDE below; and puts each snippet in a function
//     of its own, `export function <file>_<n>(): void { ... }`. A snippet that returns from its
//     function at its own level (`return ok("done");`) is a handler's body instead:
//     `export function <file>_<n>(request: Uint8Array): Result<Uint8Array> { ...; return ok(""); }`.
//
// All of these entry files are compiled in one asc run (each file keeps its own scope, so the
// snippets of different files do not meet); a failure is mapped back to the example's file and
// line through asc's diagnostics.

import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { exportedNames } from "./extract.mjs";

// Names the examples use without declaring them, declared at the top of every wrapper module
// (module level, so an example may declare its own variable of the same name). Keep this short:
// an example that needs more context should show it.
export const PRELUDE = `
const request: Uint8Array = new Uint8Array(1);  // the request a handler was given
const key: string = "k";                        // a key:value key
const body: Uint8Array = new Uint8Array(1);     // bytes to send or return
const url: string = "http://127.0.0.1:8080/";
const err: TarmacError = new TarmacError(ErrorKind.HostFailure, "failed", 500, "kvstore", "get");
const ptr: usize = 0;                           // low-level helpers: bytes or text at ptr,
const len: usize = 0;                           // len of them,
const out: usize = 0;                           // and room for a result at out
`;

// Names that mean one thing in one file's comments (mostly the class that file documents).
export const FILE_PRELUDE = {
  "assembly/payload.ts": `
const v: JsonValue = JsonValue.object();        // the JsonValue described
const obj: JsonValue = JsonValue.object();
const list: JsonValue = JsonValue.array();
const reply: JsonValue = JsonValue.object();
`,
  "assembly/sql.ts": `
const row: SqlRow = new SqlRow();               // a row of a query's result
const rows: SqlRow[] = [row];
const v: SqlValue = new SqlValue(SqlType.Text, "42");  // one of its values
`,
  "assembly/http.ts": `
const req: HttpRequest = new HttpRequest("GET", url);
const resp: HttpResponse = new HttpResponse(200, new Map<string, string>(), body);
`,
  "assembly/result.ts": `
const r: Result<string> = kv.getString(key);    // the Result described
`,
  "assembly/logger.ts": `
const path: string = "/";
const v: string = "42";
`,
  "assembly/host.ts": `
function myFakeHost(binding: string, namespace: string, operation: string, payload: ArrayBuffer): HostReply {
  return HostReply.of(true, String.UTF8.encode(\`{"status":{"code":200,"status":"OK"}}\`), "");
}
`,
  "assembly/json.ts": `
let code: i64 = 0;
`,
  "assembly/answers.ts": `
import { HostReply } from "tarmac-as/assembly/host";
`,
};

const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

/**
 * Packs the package at `root` and installs the tarball into a fresh project, as
 * tests/package.test.mjs does; returns the project's directory.
 */
export function userProject(root) {
  const dir = mkdtempSync(join(tmpdir(), "tarmac-as-docs-"));
  const [info] = JSON.parse(run("npm", ["pack", "--json", "--pack-destination", dir], root));
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "docs-examples", private: true, type: "module" }));
  run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", join(dir, info.filename)], dir);
  mkdirSync(join(dir, "assembly", "docs"), { recursive: true });
  return dir;
}

/** Runs the project's asc with an asconfig (path relative to the project) and a target. */
export function asc(dir, config, target) {
  return new Promise((resolve) => {
    const child = spawn(join(dir, "node_modules", ".bin", "asc"), ["--config", config, "--target", target, "--noColors"], { cwd: dir });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("close", (status) => resolve({ status, output }));
  });
}

/** asc's diagnostics: { severity, code, message, file, line, col } (file and line when asc gave them). */
export function diagnostics(output) {
  const found = [];
  let current = null;
  for (const raw of output.split("\n")) {
    const head = /^(ERROR|WARNING|INFO|PEDANTIC)(?: (\w+))?: (.*)$/.exec(raw);
    if (head) {
      current = { severity: head[1], code: head[2] || "", message: head[3], file: null, line: 0, col: 0 };
      found.push(current);
      continue;
    }
    const at = /└─ in (.+)\((\d+),(\d+)\)\s*$/.exec(raw);
    if (at && current && !current.file) Object.assign(current, { file: at[1], line: +at[2], col: +at[3] });
  }
  return found;
}

/** Whether a snippet returns from its function at its own level (outside parentheses, strings and comments). */
export function returnsValue(code) {
  let depth = 0;
  for (let i = 0; i < code.length; i++) {
    const c = code[i];
    if (c === "/" && code[i + 1] === "/") { while (i < code.length && code[i] !== "\n") i++; continue; }
    if (c === "/" && code[i + 1] === "*") { i = code.indexOf("*/", i + 2); if (i < 0) break; i++; continue; }
    if (c === '"' || c === "'" || c === "`") {
      for (i++; i < code.length && code[i] !== c; i++) if (code[i] === "\\") i++;
      continue;
    }
    if (c === "(" || c === "[") depth++;
    else if (c === ")" || c === "]") depth--;
    else if (depth === 0 && /\breturn\s+[^\s;]/y.test(code.slice(i, i + 80)) && !/[\w$.]/.test(code[i - 1] || "")) return true;
  }
  return false;
}

/** The kind of a code example: "module", "fragment" or "snippet". */
export function exampleKind(code) {
  if (/export\s*\{\s*__guest_call\s*\}/.test(code)) return "module";
  if (/^import\s/m.test(code)) return "fragment";
  return "snippet";
}

const slug = (source) => source.replace(/\.(md|ts)$/, "").replace(/[^A-Za-z0-9]+/g, "_").replace(/^_|_$/g, "");

/**
 * The entry files for a set of examples: [{ file, text, examples: [{ example, start, lines }] }]
 * (file relative to the project; start: the line of the text where the example's code begins).
 */
export function entryFiles(root, examples, indexSource) {
  const indexNames = exportedNames(indexSource);
  const files = [];
  const bySource = new Map();
  let n = 0;
  for (const ex of examples) {
    const kind = exampleKind(ex.code);
    if (kind !== "snippet") {
      const text = kind === "module" ? ex.code : ex.code + 'export { __guest_call } from "tarmac-as/assembly";\n';
      files.push({ file: `assembly/docs/${slug(ex.source)}_${ex.line}.ts`, text, examples: [{ example: ex, start: 1, lines: ex.code.split("\n").length - 1 }] });
      continue;
    }
    if (!bySource.has(ex.source)) bySource.set(ex.source, []);
    bySource.get(ex.source).push(ex);
  }
  for (const [source, snippets] of bySource) {
    const name = slug(source);
    let text = `// Examples from ${source}, wrapped to be compiled.\n`;
    text += `import { ${indexNames.join(", ")} } from "tarmac-as/assembly";\n`;
    if (source.startsWith("assembly/")) {
      const own = exportedNames(readFileSync(join(root, source), "utf8")).filter((x) => !indexNames.includes(x) && x !== "__guest_call");
      if (own.length) text += `import { ${own.join(", ")} } from "tarmac-as/${source.replace(/\.ts$/, "")}";\n`;
    }
    text += `export { __guest_call } from "tarmac-as/assembly";\n` + PRELUDE + (FILE_PRELUDE[source] || "");
    const placed = [];
    for (const ex of snippets) {
      const handler = returnsValue(ex.code);
      text += `\n// ${source}:${ex.line}\n`;
      text += handler ? `export function ${name}_${++n}(request: Uint8Array): Result<Uint8Array> {\n` : `export function ${name}_${++n}(): void {\n`;
      const start = text.split("\n").length;
      text += ex.code;
      placed.push({ example: ex, start, lines: ex.code.split("\n").length - 1 });
      text += handler ? `return ok("");\n}\n` : `}\n`;
    }
    files.push({ file: `assembly/docs/${name}.ts`, text, examples: placed });
  }
  return files;
}

/**
 * Writes the entry files and an asconfig naming them into the project, compiles them in one asc
 * run, and returns what `mapDiagnostics` finds.
 */
export async function compileEntries(dir, name, files) {
  for (const f of files) writeFileSync(join(dir, f.file), f.text);
  const config = `docs-${name}.asconfig.json`;
  writeFileSync(join(dir, config), JSON.stringify({
    extends: "./node_modules/tarmac-as/asconfig.json",
    entries: files.map((f) => f.file),
    targets: { docs: { outFile: `build/docs-${name}.wasm` } },
  }, null, 2));
  const { status, output } = await asc(dir, config, "docs");
  return { status, output, ...mapDiagnostics(output, files) };
}

/**
 * Compiles the entry files until every one is accounted for. asc stops at the first file that
 * does not parse, so a broken example could hide the errors of others: the files with failures
 * are taken out and the rest compiled again, until a run succeeds (every file in it is then
 * checked) or fails with no example to blame. Returns { failures, unplaced, checked: Set of
 * files that compiled in a successful run, output: the last run's }.
 */
export async function compileAll(dir, name, files) {
  const failures = [];
  let remaining = files;
  for (let round = 1; ; round++) {
    const r = await compileEntries(dir, `${name}-${round}`, remaining);
    failures.push(...r.failures);
    const failed = new Set(r.failures.map((f) => f.file));
    // Errors elsewhere in a file that already has a failing example follow from it (a parse error runs on).
    const unplaced = r.unplaced.filter((d) => !failed.has(d.file));
    if (r.status === 0 || failed.size === 0 || failed.size === remaining.length) {
      const checked = new Set(r.status === 0 ? remaining.filter((f) => !failed.has(f.file)).map((f) => f.file) : []);
      return { failures, unplaced, checked, status: r.status, output: r.output, rounds: round };
    }
    remaining = remaining.filter((f) => !failed.has(f.file));
  }
}

/**
 * Places asc's diagnostics at the examples they came from: { failures: [{ source, line, kind,
 * message, code }], unplaced: [diagnostic] }. A failure is an error, or a warning, inside an
 * example; `unplaced` holds the errors no example accounts for, and warnings elsewhere in the
 * files written for the examples.
 */
export function mapDiagnostics(output, files) {
  const failures = [];
  const unplaced = [];
  for (const d of diagnostics(output)) {
    const file = files.find((f) => f.file === d.file);
    const placed = file && file.examples.find((p) => d.line >= p.start && d.line < p.start + p.lines);
    if (placed) {
      if (d.severity === "ERROR" || d.severity === "WARNING") {
        const ex = placed.example;
        const offset = d.line - placed.start;
        failures.push({ file: file.file, source: ex.source, line: ex.line + offset, kind: ex.kind, message: `${d.severity} ${d.code}: ${d.message}`, code: ex.code.split("\n")[offset] });
      }
    } else if (d.severity === "ERROR" || (file && d.severity === "WARNING")) {
      unplaced.push(d);
    }
  }
  return { failures, unplaced };
}

/** A readable list of failures, one per line: `file:line: message` and the line of code. */
export function report(failures) {
  return failures.map((f) => `${f.source}:${f.line} (${f.kind === "inline" ? "inline example" : "code block"}): ${f.message}\n    ${(f.code || "").trim()}`).join("\n");
}
