import { test } from "node:test";
import assert from "node:assert/strict";
import { TestHost } from "tarmac-as/host";

// The service as tarmac.json wires it: setup at start, format reachable by callFunction.
async function service() {
  const host = new TestHost();
  const setup = await host.load("build/setup.wasm");
  await host.load("build/format.wasm", { name: "format" });
  const tick = await host.load("build/tick.wasm");
  const api = await host.load("build/api.wasm", { pool: 2 });
  assert.equal(setup.call().status, 200);
  return { host, api, tick };
}

test("greets through the format function with the greeting setup stored", async () => {
  const { api } = await service();
  assert.equal(api.call("Ada").text, "Hello, Ada! (ticks: 0)");
});

test("the scheduled tick counts its runs", async () => {
  const { api, tick } = await service();
  tick.call();
  tick.call();
  assert.equal(api.call().text, "Hello, world! (ticks: 2)");
});

test("without setup, the API fails with HTTP 500", async () => {
  const api = await new TestHost().load("build/api.wasm");
  const r = api.call("Ada");
  assert.equal(r.status, 500);
  assert.match(r.error, /no greeting/);
});
