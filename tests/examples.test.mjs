// Every example answers what its requests.json (and so the README) promises, on the Tarmac-like
// host with the environment `npm start` uses.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { examples, startEnvironment, runExample } from "../scripts/examples.mjs";
import { TarmacHost } from "../host/engine/tarmac-host.mjs";

let env;
before(async () => { env = await startEnvironment(); });
after(async () => { await env?.stop(); });

for (const ex of examples()) {
  test(`example ${ex.name}`, async (t) => {
    assert.ok(existsSync(ex.wasm), "built by npm test's first step");
    const run = await runExample(ex, env);
    if (run.skipped) {
      if (process.env.SQL_SERVERS === "required") assert.fail(`${ex.name} ${run.skipped}`);
      t.skip(run.skipped);
      return;
    }
    for (const r of run.results) assert.equal(r.got, r.expect, `request ${JSON.stringify(r.body)}`);
    for (const m of run.metrics) assert.equal(m.got, m.expect, `metric ${m.name}`);
  });
}

test("kv-counter reports a broken store as an error instead of starting over", async () => {
  const ex = examples().find((e) => e.name === "kv-counter");
  const guest = await new TarmacHost({ kvstore: false }).instantiate(ex.wasm);
  const r = guest.call("");
  assert.equal(r.ok, false);
  assert.match(r.error, /^could not read the counter: kvstore\.get: unavailable/);
});
