import { test } from "node:test";
import assert from "node:assert/strict";
import { TestHost } from "tarmac-as/host";

test("counts requests in the key:value store, starting from a missing key", async () => {
  const host = new TestHost();
  const fn = await host.load("build/main.wasm");
  assert.equal(fn.call().text, "1");
  assert.equal(fn.call().text, "2");
  assert.equal(host.kv.getString("requests"), "2");
});

test("goes on from a seeded value", async () => {
  const fn = await new TestHost({ kv: { requests: "41" } }).load("build/main.wasm");
  assert.equal(fn.call().text, "42");
});

test("a broken store is an HTTP 500, and the counter is not reset", async () => {
  const host = new TestHost({ kv: { requests: "7" } });
  const fn = await host.load("build/main.wasm");
  host.fail("kvstore", "get", { status: 500, message: "store unavailable" });
  const r = fn.call();
  assert.equal(r.status, 500);
  assert.match(r.error, /could not read the counter/);
  assert.equal(host.kv.getString("requests"), "7");
  host.clearFailures();
  assert.equal(fn.call().text, "8");
});
