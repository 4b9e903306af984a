// tarmac-as new: a project the author owns, from a template in templates/ (hello, kv, http,
// service). The project depends on tarmac-as and assemblyscript, extends the preset through
// node_modules (a path that exists once `npm install` has run), and its `npm test` builds every
// function and runs its tests on tarmac-as/host.
import { readdirSync, readFileSync, writeFileSync, mkdirSync, existsSync, statSync } from "node:fs";
import { join, basename, resolve, dirname, relative } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const templates = join(here, "..", "templates");
export const TEMPLATES = ["hello", "kv", "http", "service"];

function files(dir, base = dir) {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p, base) : [relative(base, p)];
  });
}

/** Writes a new project into `dir` from `template`; returns the files written. */
export function createProject(dir, template = "hello", { tarmacAs, assemblyscript } = {}) {
  if (!TEMPLATES.includes(template)) throw new Error(`unknown template ${JSON.stringify(template)}: choose ${TEMPLATES.join(", ")}`);
  const target = resolve(dir);
  if (existsSync(target) && readdirSync(target).length > 0) throw new Error(`${dir} exists and is not empty`);
  const own = JSON.parse(readFileSync(join(here, "..", "package.json"), "utf8"));
  const vars = {
    name: basename(target).toLowerCase().replace(/[^a-z0-9._-]+/g, "-").replace(/^[._-]+/, "") || "tarmac-function",
    tarmacAs: tarmacAs ?? process.env.TARMAC_AS_SPEC ?? `^${own.version}`,
    assemblyscript: assemblyscript ?? own.devDependencies?.assemblyscript ?? own.peerDependencies?.assemblyscript,
  };
  const written = [];
  for (const source of [join(templates, "common"), join(templates, template)]) {
    for (const file of files(source)) {
      const name = file === "gitignore" ? ".gitignore" : file; // npm drops files called .gitignore from packages
      const text = readFileSync(join(source, file), "utf8").replace(/\{\{(\w+)\}\}/g, (m, k) => vars[k] ?? m);
      mkdirSync(dirname(join(target, name)), { recursive: true });
      writeFileSync(join(target, name), text);
      written.push(name);
    }
  }
  return written;
}

export async function main(args, { parseArgs }) {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { template: { type: "string", short: "t", default: "hello" } } });
  const dir = positionals[0];
  if (!dir) throw new Error(`usage: tarmac-as new <dir> [--template ${TEMPLATES.join("|")}]`);
  const written = createProject(dir, values.template);
  console.log(`made ${dir} from the ${values.template} template: ${written.sort().join(", ")}`);
  console.log(`\nnext:\n  cd ${dir}\n  npm install\n  npm test        # build, then run tests/ on the embedded Tarmac-like host\n  npm run dev     # serve tarmac.json on http://127.0.0.1:8080`);
  return 0;
}
