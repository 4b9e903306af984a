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

/** Builds every function of the project in `dir`; resolves to [{ name, outFile, bytes }]. */
export async function buildProject(dir, { target = "release", log = () => {} } = {}) {
  const fns = projectFunctions(dir, target);
  const asc = await projectAsc(dir);
  const built = [];
  for (const fn of fns) {
    let out = "";
    const { error } = await asc.main(["--config", fn.config, "--target", target], {
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
  const { values } = parseArgs({ args, options: { debug: { type: "boolean" }, dir: { type: "string" } } });
  await buildProject(values.dir ?? process.cwd(), { target: values.debug ? "debug" : "release", log: (s) => console.log(s) });
  return 0;
}
