// The examples: where they are, how to build them, and what each must answer.
import { readdirSync, readFileSync, existsSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { buildWasm } from "./build.mjs";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/** Every example: { name, dir, wasm, requests: [{ body, expect }] }. */
export function examples() {
  const dir = join(root, "examples");
  return readdirSync(dir)
    .filter((name) => existsSync(join(dir, name, "asconfig.json")))
    .sort()
    .map((name) => ({
      name,
      dir: join(dir, name),
      wasm: join(dir, name, "build", `${name}.wasm`),
      requests: JSON.parse(readFileSync(join(dir, name, "requests.json"), "utf8")),
    }));
}

/** Builds every example's release target. */
export async function buildExamples(log = () => {}) {
  for (const ex of examples()) {
    await buildWasm({ config: join(ex.dir, "asconfig.json"), outFile: ex.wasm });
    log(ex);
  }
}
