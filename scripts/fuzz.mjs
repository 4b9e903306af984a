// npm run fuzz -- --cases N [--seed S]: hostile host replies against compiled guests, for every
// operation of every capability (half key:value, half the others), compared with the reference;
// prints "N cases, T traps, W wrong values".
import { probeInstance, guests } from "../tests/guests.mjs";
import { runHostile } from "../tests/fuzz/hostile.mjs";
import { runHostileCaps } from "../tests/fuzz/caps.mjs";

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const cases = arg("cases", 100000);
const seed = arg("seed", Date.now() % 1e9);
const { guest } = await probeInstance();
guest.recordHostCalls = false;
const { guest: capsGuest } = await probeInstance({}, guests.caps);
capsGuest.recordHostCalls = false;
const started = Date.now();
const CHUNK = 100000;
const total = { cases: 0, traps: 0, wrong: 0, recovered: 0, byKind: {} };
const failures = [];
for (let done = 0; done < cases; done += CHUNK) {
  const n = Math.min(CHUNK, cases - done);
  for (const { counts, failures: f } of [
    runHostile(guest, { cases: Math.ceil(n / 2), seed: seed + done }),
    runHostileCaps(capsGuest, { cases: Math.floor(n / 2), seed: seed + done + Math.ceil(n / 2) }),
  ]) {
    for (const k of ["cases", "traps", "wrong", "recovered"]) total[k] += counts[k];
    for (const [k, v] of Object.entries(counts.byKind)) total.byKind[k] = (total.byKind[k] ?? 0) + v;
    failures.push(...f);
  }
  if (cases > CHUNK) process.stderr.write(`  ${total.cases} cases...\n`);
}
console.log(`seed ${seed}; answers by kind: ${JSON.stringify(total.byKind)}; the instance served the next call ${total.recovered} times; ${((Date.now() - started) / 1000).toFixed(1)} s`);
for (const f of failures.slice(0, 5)) console.log("FAILURE (replay with --seed " + f.seed + " --cases 1):", JSON.stringify(f));
console.log(`${total.cases} cases, ${total.traps} traps, ${total.wrong} wrong values`);
process.exit(total.traps || total.wrong || total.recovered !== total.cases ? 1 : 0);
