// npm run fuzz -- --cases N [--seed S] [--wire json|protobuf]: hostile host replies against
// compiled guests, compared with the references, on both wires: N JSON cases (every operation of
// every capability, half key:value, half the others; tests/fuzz/reference.mjs) and N protobuf
// cases (every operation the protobuf guests send; tests/fuzz/proto-reference.mjs). Prints one
// line per wire, "<wire>: N cases, T traps, W wrong values", and exits 1 on any trap, wrong
// value or instance that did not serve the next call.
import { probeInstance, guests } from "../tests/guests.mjs";
import { runHostile } from "../tests/fuzz/hostile.mjs";
import { runHostileCaps } from "../tests/fuzz/caps.mjs";
import { protoGuests, runHostileProto } from "../tests/fuzz/proto-hostile.mjs";
import { arg } from "./real-tarmac.mjs";

const cases = Number(arg("--cases", 1000000));
const seed = Number(arg("--seed", Date.now() % 1e9));
const wires = arg("--wire") ? [arg("--wire")] : ["json", "protobuf"];
const CHUNK = 100000;

// The JSON guests, and one chunk of JSON cases: half key:value, half the other capabilities.
async function jsonRunner() {
  const { guest } = await probeInstance();
  guest.recordHostCalls = false;
  const { guest: capsGuest } = await probeInstance({}, guests.caps);
  capsGuest.recordHostCalls = false;
  return (n, from) => [
    runHostile(guest, { cases: Math.ceil(n / 2), seed: from }),
    runHostileCaps(capsGuest, { cases: Math.floor(n / 2), seed: from + Math.ceil(n / 2) }),
  ];
}

// The protobuf guests, and one chunk of protobuf cases (case i uses seed + i).
async function protobufRunner() {
  const g = await protoGuests();
  return (n, from) => [runHostileProto(g, { cases: n, seed: from })];
}

let failed = false;
for (const wire of wires) {
  const run = wire === "json" ? await jsonRunner() : await protobufRunner();
  const started = Date.now();
  const total = { cases: 0, traps: 0, wrong: 0, recovered: 0, byKind: {} };
  const failures = [];
  for (let done = 0; done < cases; done += CHUNK) {
    for (const { counts, failures: f } of run(Math.min(CHUNK, cases - done), seed + done)) {
      for (const k of ["cases", "traps", "wrong", "recovered"]) total[k] += counts[k];
      for (const [k, v] of Object.entries(counts.byKind)) total.byKind[k] = (total.byKind[k] ?? 0) + v;
      failures.push(...f);
    }
    if (cases > CHUNK) process.stderr.write(`  ${wire}: ${total.cases} cases...\n`);
  }
  console.log(`${wire}: seed ${seed}; answers by kind: ${JSON.stringify(total.byKind)}; the instance served the next call ${total.recovered} times; ${((Date.now() - started) / 1000).toFixed(1)} s`);
  for (const f of failures.slice(0, 5)) console.log(`FAILURE (replay with --wire ${wire} --seed ${f.seed} --cases 1):`, JSON.stringify(f));
  console.log(`${wire}: ${total.cases} cases, ${total.traps} traps, ${total.wrong} wrong values`);
  if (total.traps || total.wrong || total.recovered !== total.cases) failed = true;
}
process.exit(failed ? 1 : 0);
