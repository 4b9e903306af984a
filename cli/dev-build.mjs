// `tarmac-as dev` builds in a child process, so the compiler never holds up the server: this
// runs buildProject on the project folder given as the argument and sends the outcome to the
// parent, { ok: true, built, log } or { ok: false, error, log }.
import { buildProject } from "./build.mjs";

const dir = process.argv[2];
const wire = process.argv[3] ?? null; // `tarmac-as dev --wire <name>`
const log = [];
let outcome;
try {
  const built = await buildProject(dir, { target: "release", wire, log: (s) => log.push(s) });
  outcome = { ok: true, built, log };
} catch (e) {
  outcome = { ok: false, error: e.message, log };
}
process.send(outcome, () => process.disconnect());
