// The one table from Tarmac's answers to typed errors (HOST_TEXTS in spec/capabilities.mjs,
// assembly/answers.ts in the SDK), driven row by row through compiled functions: each host text
// on each operation it applies to, the statuses no row names, and a failure without a body.
// Every operation the registry says the SDK sends has a way in here, so a new capability cannot
// skip these checks.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { guests } from "./guests.mjs";
import { Kind, decode } from "./probe.mjs";
import { CALLS, SENT, id } from "./operations.mjs";
import { HOST_TEXTS } from "../spec/capabilities.mjs";
import { TestHost } from "../host/index.mjs";

const carriesStatus = (op) => Boolean(op.reply?.status);

let host, fns;
before(async () => {
  host = new TestHost({ sql: { rows: () => [] }, realHttp: false });
  fns = { probe: await host.load(guests.probe), caps: await host.load(guests.caps) };
});
after(() => host.close());

/** What the SDK made of the host's answer to `op` under `failure`: { kind, code, message }. */
function answer(op, failure) {
  const [guest, body] = CALLS[id(op)];
  host.clearFailures().fail(op.namespace, op.operation === "*" ? "*" : op.operation, failure);
  const r = fns[guest].call(body);
  host.clearFailures();
  assert.ok(r.ok, `${id(op)}: the function failed: ${r.error}`);
  return decode(r.body);
}

// The first row that applies to `op` for `text` (first match wins), or undefined.
function rowFor(op, text, withStatus) {
  return HOST_TEXTS.find((row) => (row.capability === "*" || row.capability === op.namespace)
    && (!row.operations || row.operations.includes(op.operation))
    && Boolean(row.status || row.statuses) === withStatus
    && (row.match === "exact" ? text === row.text : text.endsWith(row.text)));
}

test("every operation the SDK sends has a way in for these checks", () => {
  for (const op of SENT) assert.ok(CALLS[id(op)], `no call for ${id(op)} in tests/operations.mjs`);
});

test("each host text of the table gives its kind on every operation it applies to, first match winning", () => {
  for (const row of HOST_TEXTS) {
    for (const op of SENT) {
      if (row.capability !== "*" && row.capability !== op.namespace) continue;
      const statuses = row.statuses ?? (row.status ? [row.status] : [null]);
      const winner = rowFor(op, statuses[0] ? `Tarmac's words - ${row.text}` : row.text, Boolean(statuses[0]));
      if (statuses[0] && !carriesStatus(op)) continue;
      for (const status of statuses) {
        const r = status
          ? answer(op, { status, message: `Unable to fetch key k - ${row.text}` })
          : answer(op, { error: row.text });
        const expected = winner ? winner.kind : status === 400 ? "InvalidInput" : "HostFailure";
        assert.equal(r.kind, Kind[expected], `${id(op)}: ${JSON.stringify(row.text)} (${status}) gave ${r.kind} (${r.message}), expected ${expected}`);
        if (status) assert.equal(r.code, status, `${id(op)}: the status code is kept`);
      }
    }
  }
});

test("hord's not-found text on a status other than 404, or on an operation other than get, is a failure of the store", () => {
  const rowNil = HOST_TEXTS.find((row) => row.name === "HORD_NIL");
  for (const op of SENT.filter((o) => o.namespace === "kvstore" && carriesStatus(o))) {
    const r404 = answer(op, { status: 404, message: `Unable to fetch key k - ${rowNil.text}` });
    assert.equal(r404.kind, rowNil.operations.includes(op.operation) ? Kind.NotFound : Kind.HostFailure, id(op));
    const r500 = answer(op, { status: 500, message: `Unable to fetch key k - ${rowNil.text}` });
    assert.equal(r500.kind, Kind.HostFailure, `${id(op)} 500`);
  }
});

test("a store's refusal of a key or value (NATS, BoltDB, Cassandra) is InvalidInput on a key:value get, set or delete, with the store's words, and a failure on other operations", () => {
  const rows = HOST_TEXTS.filter((row) => row.store);
  assert.ok(rows.length >= 4);
  for (const row of rows) {
    for (const op of SENT.filter(carriesStatus)) {
      for (const status of [404, 500]) {
        const message = `Unable to store data using key user:42 - unable to set key: ${row.text}`;
        const r = answer(op, { status, message });
        const refused = op.namespace === "kvstore" && row.operations.includes(op.operation);
        assert.deepEqual([r.kind, r.code, r.message], [refused ? Kind.InvalidInput : Kind.HostFailure, status, message], `${id(op)} ${status}: ${row.text}`);
        // The store's words must end the message: a key that only holds them is not a refusal.
        const inKey = answer(op, { status, message: `Unable to fetch key ${row.text} - dial tcp: connection refused` });
        assert.equal(inKey.kind, Kind.HostFailure, `${id(op)}: ${row.text} inside the message`);
      }
    }
  }
});

test("statuses no row names: 400 is InvalidInput, any other from 400 up is HostFailure, with the host's message and code", () => {
  for (const op of SENT.filter(carriesStatus)) {
    for (const [status, kind] of [[400, Kind.InvalidInput], [403, Kind.HostFailure], [404, Kind.HostFailure], [500, Kind.HostFailure], [503, Kind.HostFailure]]) {
      const r = answer(op, { status, message: "refused by the test" });
      assert.deepEqual([r.kind, r.code, r.message], [kind, status, "refused by the test"], `${id(op)} ${status}`);
    }
  }
});

test("a failure without a body and a text no row names is HostFailure with the host's text, on every operation", () => {
  for (const op of SENT) {
    const r = answer(op, { error: "connection reset by peer" });
    assert.deepEqual([r.kind, r.message], [Kind.HostFailure, "connection reset by peer"], id(op));
  }
});
