// tarmac.json, as Tarmac's config package (pkg/config, v0.10.0) parses and validates it: the
// services' functions (filepath, pool_size) and their routes (http, init, scheduled_task,
// function), with relative filepaths resolved against the file's folder. Part of what
// `tarmac-as dev` reads before it serves anything; reads only the file named.
import { readFileSync } from "node:fs";
import { resolve, dirname } from "node:path";
import { BUILTIN } from "./router.mjs";

/** Tarmac's pool size when a function's `pool_size` is 0 or missing (pkg/config DefaultPoolSize). */
export const DEFAULT_POOL_SIZE = 100;

const isInt = (v) => Number.isInteger(v);

/**
 * Reads and checks tarmac.json as Tarmac's config.Parse and Validate do, and resolves relative
 * filepaths against the file's folder. Where Tarmac would quietly start without the file (it
 * falls back to its default function when the file is invalid), this throws and says why.
 * Returns { path, dir, functions: Map(name -> { filepath, pool, service }), http: [{ method,
 * path, function }], init: [{ function, retries, frequency }], scheduled: [{ function,
 * frequency }], functionRoutes: [name], warnings: [text] }.
 */
export function loadTarmacConfig(path) {
  const file = resolve(path);
  const dir = dirname(file);
  let text;
  try { text = readFileSync(file, "utf8"); } catch (e) {
    throw new Error(e.code === "ENOENT" ? `no ${file}: tarmac-as dev serves a project's tarmac.json (run it in the project's folder, or pass --config)` : `cannot read ${file}: ${e.message}`);
  }
  let json;
  try { json = JSON.parse(text); } catch (e) { throw new Error(`${file} is not valid JSON: ${e.message}`); }
  const bad = (why) => new Error(`${file}: ${why} (Tarmac would refuse this file as an invalid configuration)`);
  if (json === null || typeof json !== "object" || Array.isArray(json)) throw bad("not a JSON object");
  if (json.services !== undefined && (json.services === null || typeof json.services !== "object" || Array.isArray(json.services))) throw bad(`"services" is not an object`);
  const out = { path: file, dir, functions: new Map(), http: [], init: [], scheduled: [], functionRoutes: [], warnings: [] };
  const seenRoutes = new Map();
  const referenced = [];
  for (const [svcKey, svc] of Object.entries(json.services ?? {})) {
    if (svc === null || typeof svc !== "object") throw bad(`service ${svcKey} is not an object`);
    if (typeof svc.name !== "string" || svc.name === "") throw bad(`service ${svcKey} has no "name"`);
    for (const [name, fn] of Object.entries(svc.functions ?? {})) {
      if (fn === null || typeof fn !== "object") throw bad(`function ${name} is not an object`);
      if (typeof fn.filepath !== "string" || fn.filepath === "") throw bad(`function ${name} has no "filepath"`);
      if (fn.pool_size !== undefined && (!isInt(fn.pool_size) || fn.pool_size < 0)) throw bad(`function ${name}: "pool_size" is not a whole number of instances`);
      if (out.functions.has(name)) throw new Error(`${file}: the function ${name} is defined by two services; Tarmac loads functions by name, so one would replace the other`);
      out.functions.set(name, { filepath: resolve(dir, fn.filepath), pool: fn.pool_size || DEFAULT_POOL_SIZE, service: svc.name });
    }
    for (const [i, r] of (svc.routes ?? []).entries()) {
      const where = `service ${svcKey}, route ${i + 1}`;
      if (r === null || typeof r !== "object") throw bad(`${where} is not an object`);
      if (typeof r.type !== "string" || r.type === "" || typeof r.function !== "string" || r.function === "") throw bad(`${where} has no "type" or no "function"`);
      for (const k of ["frequency", "retries"]) {
        if (r[k] !== undefined && (!isInt(r[k]) || r[k] < 0)) throw bad(`${where}: "${k}" is not a whole number`);
      }
      switch (r.type) {
        case "http": {
          if (typeof r.path !== "string" || r.path === "" || !Array.isArray(r.methods) || r.methods.length === 0) throw bad(`${where} (http) has no "path" or no "methods"`);
          if (!r.path.startsWith("/")) throw new Error(`${file}: ${where}: the path ${JSON.stringify(r.path)} must begin with "/" (Tarmac's router panics on it)`);
          for (const m of r.methods) {
            if (typeof m !== "string") throw bad(`${where}: a method is not a string`);
            if (m !== m.toUpperCase()) out.warnings.push(`${where}: the method ${JSON.stringify(m)} is not upper-case; HTTP methods are matched exactly, so no request will reach it`);
            const key = `${m} ${r.path}`;
            if (seenRoutes.has(key) || BUILTIN.some((b) => b.method === m && b.path === r.path)) {
              throw new Error(`${file}: ${where}: ${m} ${r.path} is already routed${seenRoutes.has(key) ? "" : " to Tarmac's own handler"} (Tarmac's router panics at start)`);
            }
            seenRoutes.set(key, r.function);
            out.http.push({ method: m, path: r.path, function: r.function });
          }
          break;
        }
        case "init":
          out.init.push({ function: r.function, retries: r.retries ?? 0, frequency: r.frequency || 1 });
          break;
        case "scheduled_task":
          if (!r.frequency) throw bad(`${where}: the scheduled_task for ${r.function} has no "frequency" (seconds between runs)`);
          out.scheduled.push({ function: r.function, frequency: r.frequency });
          break;
        case "function":
          out.functionRoutes.push(r.function);
          break;
        default:
          out.warnings.push(`${where}: the route type ${JSON.stringify(r.type)} is not one Tarmac serves (http, init, scheduled_task, function); ignored`);
      }
      referenced.push({ where, name: r.function });
    }
  }
  for (const { where, name } of referenced) {
    if (!out.functions.has(name)) out.warnings.push(`${where}: no function named ${name} is defined; calls to it fail with "unable to load wasi environment - module not found"`);
  }
  if (out.functions.size === 0) out.warnings.push(`${file} defines no functions`);
  return out;
}
