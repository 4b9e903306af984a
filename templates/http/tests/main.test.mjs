import { test } from "node:test";
import assert from "node:assert/strict";
import { TestHost } from "tarmac-as/host";

// Upstreams answered in JavaScript; anything else fails as an unreachable host would.
const routes = {
  "GET https://api.example.com/hello": { status: 200, body: "hi" },
  "GET https://api.example.com/missing": { status: 404, body: "no such page" },
};

test("answers with the upstream's status and body", async () => {
  const host = new TestHost({ http: routes, realHttp: false });
  const fn = await host.load("build/main.wasm");
  assert.equal(fn.call("https://api.example.com/hello").text, "200 hi");
  assert.equal(fn.call("https://api.example.com/missing").text, "404 no such page");
  assert.equal(host.calls[0].capability, "httpclient");
  assert.equal(host.calls[0].request.url, "https://api.example.com/hello");
});

test("an unreachable upstream is an HTTP 500", async () => {
  const fn = await new TestHost({ http: routes, realHttp: false }).load("build/main.wasm");
  const r = fn.call("https://nowhere.example.com/");
  assert.equal(r.status, 500);
  assert.match(r.error, /fetch failed/);
});
