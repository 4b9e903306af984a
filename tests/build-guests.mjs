// Builds the test guests in tests/guests into tests/build (npm test runs this first).
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { buildWasm } from "../scripts/build.mjs";
import { wireArgs } from "../cli/build.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

const g = (p) => join(root, "tests", "guests", p);
const out = (name) => join(root, "tests", "build", `${name}.wasm`);
const guests = { probe: out("kv-probe"), probeDebug: out("kv-probe.debug"), naive: out("naive-kv"), noPreset: out("no-preset"), noHandler: out("no-handler"), caps: out("caps-probe"), incremental: out("kv-probe.incremental"), proto: out("proto-probe") };

await buildWasm({ config: g("asconfig.json"), entry: g("kv-probe.ts"), outFile: guests.probe });
await buildWasm({ config: g("asconfig.json"), entry: g("kv-probe.ts"), outFile: guests.probeDebug, target: "debug" });
await buildWasm({ config: g("naive/asconfig.json"), entry: g("naive/naive-kv.ts"), outFile: guests.naive });
// The probe without the preset (incremental runtime, no abort override): what a user gets with plain asc.
await buildWasm({ config: g("naive/plain.json"), entry: g("kv-probe.ts"), outFile: guests.noPreset });
await buildWasm({ config: g("asconfig.json"), entry: g("no-handler.ts"), outFile: guests.noHandler });
// The probe with the preset but the incremental runtime, which a function may choose instead.
await buildWasm({ config: g("incremental.json"), entry: g("kv-probe.ts"), outFile: guests.incremental });
await buildWasm({ config: g("asconfig.json"), entry: g("caps-probe.ts"), outFile: guests.caps });
await buildWasm({ config: g("asconfig.json"), entry: g("proto-probe.ts"), outFile: guests.proto });
// The conformance guests once more for each other wire (the same source, built with --wire).
for (const wire of ["protobuf", "auto"]) {
  for (const name of ["kv-probe", "caps-probe"]) await buildWasm({ config: g("asconfig.json"), entry: g(`${name}.ts`), outFile: out(`${name}.${wire}`), extra: wireArgs(wire) });
}
console.log("built test guests");
