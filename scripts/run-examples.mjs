// npm start - the main job: builds every example and runs it end to end on the embedded
// Tarmac-like host (in-memory key:value store), printing each request and response.
import { statSync } from "node:fs";
import { relative } from "node:path";
import { examples, buildExamples, root } from "./examples.mjs";
import { TarmacHost } from "../tests/host/tarmac-host.mjs";

process.removeAllListeners("warning"); // node:wasi's ExperimentalWarning
await buildExamples();
let failures = 0;
for (const ex of examples()) {
  const host = new TarmacHost();
  const guest = await host.instantiate(ex.wasm);
  console.log(`\n== ${ex.name} (${relative(root, ex.wasm)}, ${statSync(ex.wasm).size} bytes)`);
  for (const { body, expect } of ex.requests) {
    const r = guest.call(body);
    const got = r.ok ? r.body.toString("utf8") : `ERROR ${r.error}`;
    const good = got === expect;
    if (!good) failures++;
    console.log(`  request ${JSON.stringify(body)} -> response ${JSON.stringify(got)}${good ? "" : `   (expected ${JSON.stringify(expect)})`}`);
  }
}
if (failures) {
  console.error(`\n${failures} response(s) differ from the examples' requests.json`);
  process.exit(1);
}
console.log("\nall examples answered as expected");
