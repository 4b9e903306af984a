// Every example answers what its requests.json (and so the README) promises, on the Tarmac-like host.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { examples } from "../scripts/examples.mjs";
import { TarmacHost } from "./host/tarmac-host.mjs";

for (const ex of examples()) {
  test(`example ${ex.name}`, async () => {
    assert.ok(existsSync(ex.wasm), "built by npm test's first step");
    const host = new TarmacHost();
    const guest = await host.instantiate(ex.wasm);
    for (const { body, expect } of ex.requests) {
      const r = guest.call(body);
      assert.equal(r.ok ? r.body.toString() : `ERROR ${r.error}`, expect, `request ${JSON.stringify(body)}`);
    }
  });
}

test("kv-counter reports a broken store as an error instead of starting over", async () => {
  const ex = examples().find((e) => e.name === "kv-counter");
  const guest = await new TarmacHost({ kvstore: false }).instantiate(ex.wasm);
  const r = guest.call("");
  assert.equal(r.ok, false);
  assert.match(r.error, /^could not read the counter: kvstore\.get: unavailable/);
});
