// tarmac-as build: builds every function of a project, each entry its own module.
//
// A project's functions are its asconfig files at the top: `asconfig.json` and
// `asconfig.<function>.json`, each extending the tarmac-as preset and naming its entries and
// its release (and debug) outFile. Each is built on its own, so one function's handler never
// replaces another's. A preset the config cannot reach is an error, never a silent fallback
// (asc itself would quietly build without it).
import { readdirSync, readFileSync, existsSync } from "node:fs";
import { join, resolve, dirname } from "node:path";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

/** The project's function configs: [{ name, config, entries, outFile }]. Throws on a bad one. */
export function projectFunctions(dir, target = "release") {
  const files = readdirSync(dir).filter((f) => /^asconfig(\.[A-Za-z0-9_-]+)?\.json$/.test(f)).sort();
  if (files.length === 0) throw new Error(`no asconfig.json or asconfig.<function>.json in ${dir}`);
  return files.map((file) => {
    const config = join(dir, file);
    let json;
    try { json = JSON.parse(readFileSync(config, "utf8")); } catch (e) { throw new Error(`${file}: not valid JSON (${e.message})`); }
    const name = file === "asconfig.json" ? "main" : file.slice("asconfig.".length, -".json".length);
    if (!json.extends) throw new Error(`${file}: does not extend the tarmac-as preset ("extends": "tarmac-as/asconfig.json")`);
    // asc resolves a relative path from the config's folder and a package path as Node would.
    let preset = null;
    if (json.extends.startsWith(".") || json.extends.startsWith("/")) {
      const p = resolve(dirname(config), json.extends);
      if (existsSync(p)) preset = p;
    } else {
      try { preset = createRequire(config).resolve(json.extends); } catch {}
    }
    if (!preset) throw new Error(`${file}: the preset ${JSON.stringify(json.extends)} cannot be found from ${dir}; run npm install (tarmac-as must be installed), or fix "extends"`);
    if (!Array.isArray(json.entries) || json.entries.length === 0) throw new Error(`${file}: names no "entries"`);
    const outFile = json.targets?.[target]?.outFile;
    if (!outFile) throw new Error(`${file}: its ${target} target has no "outFile" (asc would print the module to the terminal)`);
    return { name, file, config, entries: json.entries, outFile: resolve(dir, outFile) };
  });
}

/** The project's own asc (its node_modules), as `npx asc` would run it. */
async function projectAsc(dir) {
  const require = createRequire(join(resolve(dir), "package.json"));
  let path;
  // "assemblyscript/asc" is exported for import only, which require.resolve cannot see.
  try { path = join(dirname(require.resolve("assemblyscript/package.json")), "dist", "asc.js"); } catch { throw new Error(`assemblyscript is not installed in ${dir}; run npm install`); }
  return (await import(pathToFileURL(path).href)).default;
}

/** The wire settings (assembly/wire.ts): `--wire <name>` gives asc `--use TARMAC_WIRE=<n>`. */
export const WIRES = { json: 0, protobuf: 1, auto: 2 };

/** asc's arguments for wire setting `wire` (null: the project's own, JSON unless it sets one). */
export function wireArgs(wire) {
  if (wire == null) return [];
  if (!Object.hasOwn(WIRES, wire)) throw new Error(`unknown wire ${JSON.stringify(wire)} (${Object.keys(WIRES).join(", ")})`);
  return ["--use", `TARMAC_WIRE=${WIRES[wire]}`];
}

/**
 * Builds every function of the project in `dir`, for `wire` (json, protobuf, auto; null: as
 * the project's asconfig says); resolves to [{ name, outFile, bytes }].
 */
export async function buildProject(dir, { target = "release", wire = null, log = () => {} } = {}) {
  const fns = projectFunctions(dir, target);
  const extra = wireArgs(wire);
  const asc = await projectAsc(dir);
  const built = [];
  for (const fn of fns) {
    let out = "";
    const { error } = await asc.main(["--config", fn.config, "--target", target, ...extra], {
      stdout: { write: (s) => { out += s; } },
      stderr: { write: (s) => { out += s; } },
    });
    out = out.trim();
    if (error) throw new Error(`${fn.file}: build failed\n${out}`);
    if (out) log(out);
    const bytes = readFileSync(fn.outFile).length;
    log(`built ${fn.name} -> ${fn.outFile} (${bytes} bytes)`);
    built.push({ name: fn.name, outFile: fn.outFile, bytes });
  }
  return built;
}

export async function main(args, { parseArgs }) {
  const { values } = parseArgs({ args, options: { debug: { type: "boolean" }, dir: { type: "string" }, wire: { type: "string" } } });
  await buildProject(values.dir ?? process.cwd(), { target: values.debug ? "debug" : "release", wire: values.wire ?? null, log: (s) => console.log(s) });
  return 0;
}
