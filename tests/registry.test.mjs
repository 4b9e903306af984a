// Tarmac's capabilities as the registry (spec/capabilities.mjs) lists them, against the test
// host: every operation the registry names is one Tarmac's router answers, the test host answers
// nothing the registry lacks, and the host texts the SDK recognises are the ones Tarmac sends.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { CAPABILITIES, HOST_ANSWERS, operations } from "../spec/capabilities.mjs";
import { TarmacHost } from "../host/engine/tarmac-host.mjs";
import { route } from "./router.mjs";
import { root } from "../scripts/examples.mjs";

const PROFILES = ["v0.10.0", "main"];
// A payload no callback can read, as protobuf or JSON: each answers it without any I/O.
const UNREADABLE = Buffer.from("not json");

/**
 * A TarmacHost with every capability switched on: the defaults, SQL configured (as
 * APP_ENABLE_SQL; never connected to here) and a `function` route named "echo".
 */
function fullHost(profile) {
  const host = new TarmacHost({ profile, sql: { driver: "postgres", config: {} } });
  host.routeFunction("echo", { call: (payload) => ({ ok: true, body: Buffer.from(payload) }) });
  return host;
}


const payloadFor = (op) => (op.emptyRequest ? Buffer.alloc(0) : UNREADABLE);
const operationName = (op) => (op.operation === "*" ? "echo" : op.operation);

for (const profile of PROFILES) {
  test(`${profile}: Tarmac routes every operation the registry names for this version (none is "callback not found")`, () => {
    const host = fullHost(profile);
    for (const op of operations().filter((o) => !o.since || o.since === profile)) {
      const r = route(host, op.namespace, operationName(op), payloadFor(op));
      assert.notEqual(r.error, HOST_ANSWERS.callbackNotFound, `tarmac:${op.namespace}:${operationName(op)}`);
    }
  });

  test(`${profile}: Tarmac has no capability or operation the registry lacks`, () => {
    const host = fullHost(profile);
    for (const [namespace, callbacks] of Object.entries(host.capabilities)) {
      assert.ok(CAPABILITIES[namespace], `the registry lists the capability ${namespace}`);
      const listed = Object.keys(CAPABILITIES[namespace].operations);
      for (const operation of Object.keys(callbacks)) {
        assert.ok(listed.includes(operation) || listed.includes("*"), `the registry lists ${namespace}:${operation}`);
      }
    }
    assert.deepEqual(Object.keys(host.capabilities).sort(), Object.keys(CAPABILITIES).sort(), "every capability of the registry is one the host has");
  });
}

test("sql exec is routed on main only, and read only as protobuf: an unreadable request fails with an empty reply", () => {
  const sinceMain = operations().filter((op) => op.since === "main").map((op) => `${op.namespace}:${op.operation}`);
  assert.deepEqual(sinceMain, ["sql:exec"]);
  assert.equal(route(fullHost("v0.10.0"), "sql", "exec", UNREADABLE).error, HOST_ANSWERS.callbackNotFound, "v0.10.0 registers no exec");
  const r = route(fullHost("main"), "sql", "exec", UNREADABLE);
  assert.deepEqual([r.ok, r.error, r.body?.length], [false, "unable to unmarshal database:exec request", 0], "no JSON fallback");
  for (const name of sinceMain) {
    const [namespace, operation] = name.split(":");
    const spec = CAPABILITIES[namespace].operations[operation];
    assert.ok(spec.protobufOnly, `${name} is protobuf only`);
    assert.equal(spec.request, null, `${name} has no JSON request`);
    assert.ok(spec.proto, `${name} has a protobuf message`);
  }
});

test("a capability switched off, an unknown operation, a binding other than tarmac and a function with no route are all \"callback not found\"", () => {
  const host = fullHost("v0.10.0");
  assert.equal(route(new TarmacHost({ kvstore: false }), "kvstore", "get", UNREADABLE).error, HOST_ANSWERS.callbackNotFound);
  assert.equal(route(new TarmacHost(), "sql", "query", UNREADABLE).error, HOST_ANSWERS.callbackNotFound, "SQL is off unless configured");
  assert.equal(route(host, "kvstore", "nope", UNREADABLE).error, HOST_ANSWERS.callbackNotFound);
  assert.equal(route(host, "function", "nobody", UNREADABLE).error, HOST_ANSWERS.callbackNotFound);
  assert.throws(() => host.dispatch("default", "kvstore", "get", UNREADABLE), (e) => e.message === HOST_ANSWERS.callbackNotFound);
  assert.equal(CAPABILITIES.function.texts[HOST_ANSWERS.callbackNotFound], "NotFound", "for a function call it means no such route");
});

test("Tarmac's metrics answer a bad name, a bad action and a name reused for another type with the texts the SDK recognises, and no body", () => {
  for (const profile of PROFILES) {
    const host = fullHost(profile);
    assert.ok(route(host, "metrics", "counter", Buffer.from(`{"name":"reused"}`)).ok);
    const answers = [
      route(host, "metrics", "counter", Buffer.from(`{"name":"has space"}`)),
      route(host, "metrics", "gauge", Buffer.from(`{"name":"g","action":"up"}`)),
      route(host, "metrics", "gauge", Buffer.from(`{"name":"reused","action":"inc"}`)),
    ];
    for (const r of answers) assert.equal(r.body.length, 0, `${profile}: ${r.error} has no body`);
    const texts = answers.map((r) => r.error);
    assert.deepEqual(texts, ["invalid metric name", "invalid action", "metric name in use"], profile);
    assert.deepEqual(texts.sort(), Object.keys(CAPABILITIES.metrics.texts).sort(), "every metrics text of the registry");
    assert.ok(CAPABILITIES.metrics.textOnly);
  }
});

test("each capability's test host file and SDK file exist", () => {
  for (const [namespace, cap] of Object.entries(CAPABILITIES)) {
    assert.ok(existsSync(join(root, cap.host)), `${namespace}: ${cap.host}`);
    assert.ok(existsSync(join(root, cap.sdk)), `${namespace}: ${cap.sdk}`);
  }
});
