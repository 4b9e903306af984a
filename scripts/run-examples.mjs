// npm start - the main job: builds every example and runs it end to end on the embedded
// Tarmac-like host (in-memory key:value store, a local HTTP upstream, PostgreSQL when it can run
// here), printing each request and response. An example that needs a server this machine cannot
// run is skipped, saying why (with SQL_SERVERS=required, as in CI, a skipped example fails the run).
import "./quiet-wasi.mjs";
import { statSync } from "node:fs";
import { relative } from "node:path";

const { examples, buildExamples, startEnvironment, runExample, root } = await import("./examples.mjs");

await buildExamples();
const env = await startEnvironment();
let failures = 0;
let skipped = 0;
try {
  for (const ex of examples()) {
    console.log(`\n== ${ex.name} (${relative(root, ex.wasm)}, ${statSync(ex.wasm).size} bytes)`);
    const run = await runExample(ex, env);
    if (run.skipped) { skipped++; console.log(`  skipped: ${run.skipped}`); continue; }
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
if (skipped && process.env.SQL_SERVERS === "required") {
  console.error(`\n${skipped} example(s) skipped, and SQL_SERVERS=required`);
  process.exit(1);
}
console.log(skipped ? `\nevery example that ran answered as expected (${skipped} skipped)` : "\nall examples answered as expected");
