import { test } from "node:test";
import assert from "node:assert/strict";
import { TestHost } from "tarmac-as/host";

test("greets the name in the body", async () => {
  const fn = await new TestHost().load("build/main.wasm");
  assert.equal(fn.call("Ada").text, "Hello, Ada!");
});

test("greets the world when the body is empty (a GET)", async () => {
  const fn = await new TestHost().load("build/main.wasm");
  const r = fn.call();
  assert.equal(r.status, 200);
  assert.equal(r.text, "Hello, world!");
});
