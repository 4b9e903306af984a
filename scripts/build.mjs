// Compiles AssemblyScript entries with asc's API, as a user's `asc --config` would.
import asc from "assemblyscript/asc";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";

/**
 * Builds one module. `config` is an asconfig.json (extending the preset), `entry` the entry
 * file, `outFile` the .wasm, `target` release or debug. Throws with the compiler's output.
 */
export async function buildWasm({ config, entry, outFile, target = "release", extra = [] }) {
  mkdirSync(dirname(outFile), { recursive: true });
  const args = ["--config", config, "--target", target, "--outFile", outFile, ...extra];
  if (entry) args.unshift(entry);
  let out = "";
  const { error } = await asc.main(args, {
    stdout: { write: (s) => { out += s; } },
    stderr: { write: (s) => { out += s; } },
  });
  if (error) throw new Error(`asc failed for ${entry ?? config}: ${error.message}\n${out}`);
  return outFile;
}

/** Runs builds at most `n` at a time. */
export async function buildAll(jobs, n = 1) {
  const queue = [...jobs];
  const done = [];
  await Promise.all(Array.from({ length: n }, async () => {
    while (queue.length) done.push(await buildWasm(queue.shift()));
  }));
  return done;
}
