// npm start - the main job: builds every example and runs it end to end on the embedded
// Tarmac-like host (in-memory key:value store, a local HTTP upstream, PostgreSQL when it is
// installed), printing each request and response.
import { statSync } from "node:fs";
import { relative } from "node:path";
import { examples, buildExamples, startEnvironment, runExample, root } from "./examples.mjs";

process.removeAllListeners("warning"); // node:wasi's ExperimentalWarning
await buildExamples();
const env = await startEnvironment();
let failures = 0;
try {
  for (const ex of examples()) {
    console.log(`\n== ${ex.name} (${relative(root, ex.wasm)}, ${statSync(ex.wasm).size} bytes)`);
    const run = await runExample(ex, env);
    if (run.skipped) { console.log(`  skipped: ${run.skipped}`); continue; }
    for (const r of run.results) {
      if (!r.ok) failures++;
      console.log(`  request ${JSON.stringify(r.body)} -> response ${JSON.stringify(r.got)}${r.ok ? "" : `   (expected ${JSON.stringify(r.expect)})`}`);
    }
    for (const m of run.metrics) {
      if (!m.ok) failures++;
      console.log(`  metric ${m.name} = ${m.got}${m.ok ? "" : `   (expected ${m.expect})`}`);
    }
    for (const l of run.logs) console.log(`  log ${l.level}: ${l.message}`);
  }
} finally {
  await env.stop();
}
if (failures) {
  console.error(`\n${failures} answer(s) differ from the examples' requests.json`);
  process.exit(1);
}
console.log("\nall examples answered as expected");
