// Hostile replies for the capabilities beyond key:value (HTTP client, SQL on PostgreSQL and
// MySQL, logger, metrics, function calls), sent to the caps-probe guest and checked against
// tests/fuzz/reference.mjs.
import { expectedHttp, expectedSql, expectedText } from "./reference.mjs";
import { rng, mutate } from "./hostile.mjs";
import { decode, Kind, kindName } from "../probe.mjs";
import { withLeadingZero, insertAfterQuote, utf8Edge } from "./bad-text.mjs";

const req = (op, name = "", rest = Buffer.alloc(0)) => {
  const head = Buffer.alloc(5);
  head[0] = op;
  head.writeUInt32LE(name.length, 1);
  return Buffer.concat([head, Buffer.from(name, "utf16le"), Buffer.from(rest)]);
};
const HTTP_REQUEST = (() => {
  const url = "http://127.0.0.1:9/x";
  const u = Buffer.alloc(4); u.writeUInt32LE(url.length);
  return req(9, "", Buffer.concat([Buffer.from([3]), Buffer.from("GET"), u, Buffer.from(url, "utf16le"), Buffer.from([0, 0])]));
})();

function status(r) {
  const code = r.chance(0.75) ? 200 : r.pick([400, 404, 500, 302]);
  return { code, status: code === 200 ? "OK" : r.pick(["Unable to execute HTTP request - x", "SQL Query must be defined", "boom"]) };
}

function sqlValue(r, base64Columns) {
  if (base64Columns) return r.chance(0.15) ? null : r.bytes(r.int(12)).toString("base64");
  return r.pick([() => null, () => r.int(1000) - 500, () => 9007199254740993n, () => r.next() * 100, () => r.chance(0.5),
    () => "text " + r.int(99), () => "", () => "quote \" \\ ✓", () => ({ nested: [1, { a: null }] }), () => [true, 1.5e3]])();
}

/** A rows document for an SQL reply's `data`, as bytes: sometimes broken, with leading zeros or bad UTF-8. */
export function rowsJson(r, base64Columns) {
  if (r.chance(0.15)) return "null";
  const rows = Array.from({ length: r.int(4) }, () => Object.fromEntries(Array.from({ length: 1 + r.int(4) }, (_, i) => [r.pick(["id", "name", "n", "Ü", "x" + i, "1"]), sqlValue(r, base64Columns)])));
  let text = JSON.stringify(rows, (k, v) => (typeof v === "bigint" ? `@@${v}@@` : v)).replace(/"@@(\d+)@@"/g, "$1");
  if (r.chance(0.15)) text = text.slice(0, r.int(text.length + 1)); // a broken rows document
  if (r.chance(0.08)) text = withLeadingZero(r, text); // a number JSON does not allow
  let bytes = Buffer.from(text);
  if (r.chance(0.08)) bytes = insertAfterQuote(r, bytes, utf8Edge(r)); // invalid (or edge) UTF-8 in a name or value
  return bytes;
}

const CAPS = ["http", "sql", "mysql", "log", "metrics", "function"];

/** Runs `cases` hostile replies on the caps-probe instance; returns counts and the first failures. */
export function runHostileCaps(guest, { cases, seed }) {
  const counts = { cases: 0, traps: 0, wrong: 0, recovered: 0, byKind: {} };
  const failures = [];
  for (let i = 0; i < cases; i++) {
    const r = rng(seed + i);
    const cap = r.pick(CAPS);
    let reply;
    if (cap === "http") {
      const obj = { status: status(r), code: r.pick([200, 404, 500, 0]), headers: r.chance(0.2) ? null : { "content-type": "text/plain", "x-n": String(r.int(9)) }, body: r.bytes(r.int(40)).toString("base64") };
      reply = { ok: r.chance(0.85), error: "Unable to execute HTTP request - x", body: mutate(r, obj) };
    } else if (cap === "sql" || cap === "mysql") {
      const obj = { status: status(r), data: rowsJson(r, cap === "mysql").toString("base64") };
      reply = { ok: r.chance(0.85), error: "Unable to execute query - x", body: mutate(r, obj) };
    } else {
      const ok = r.chance(0.5);
      reply = { ok, error: ok ? "" : r.pick(["callback not found", "metric name in use", "invalid metric name", "invalid action", "boom", ""]), body: r.bytes(r.int(20)) };
    }
    if (!reply.ok && reply.error === "" && cap !== "log" && cap !== "metrics" && cap !== "function") reply.error = "x";
    const request = cap === "http" ? HTTP_REQUEST : cap === "sql" ? req(10, "SELECT 1") : cap === "mysql" ? req(11, "SELECT 1")
      : cap === "log" ? req(1, "info", Buffer.from("m", "utf16le")) : cap === "metrics" ? req(2, "fuzz_counter") : req(6, "other", Buffer.from("p"));
    guest.intercept = () => reply;
    const res = guest.call(request);
    guest.intercept = null;
    counts.cases++;
    const capability = cap === "log" ? "logger" : cap;
    const want = cap === "http" ? expectedHttp(reply) : cap === "sql" ? expectedSql(reply, false) : cap === "mysql" ? expectedSql(reply, true) : expectedText(capability, reply);
    if (!res.ok) {
      counts.traps++;
      if (failures.length < 5) failures.push({ seed: seed + i, cap, got: res.error });
    } else {
      const got = decode(res.body);
      counts.byKind[kindName(got.kind)] = (counts.byKind[kindName(got.kind)] ?? 0) + 1;
      let same = got.kind === want.kind;
      if (same && want.kind === Kind.OK && want.value !== undefined) {
        const rest = got.rest;
        if (cap === "http") {
          const status = rest.readUInt32LE(0);
          const headers = [];
          let p = 8;
          for (let n = rest.readUInt32LE(4); n > 0; n--) {
            const nl = rest.readUInt32LE(p); const name = rest.subarray(p + 4, p + 4 + nl).toString(); p += 4 + nl;
            const vl = rest.readUInt32LE(p); headers.push([name, rest.subarray(p + 4, p + 4 + vl).toString()]); p += 4 + vl;
          }
          same = status === want.value.status && JSON.stringify(headers.sort()) === JSON.stringify(want.value.headers) && rest.subarray(p).equals(want.value.body);
        } else if (cap === "function") {
          same = rest.equals(want.value);
        } else {
          same = JSON.stringify(JSON.parse(rest.toString())) === JSON.stringify(want.value);
        }
      }
      if (!same) {
        counts.wrong++;
        if (failures.length < 5) failures.push({ seed: seed + i, cap, reply: { ok: reply.ok, error: reply.error, body: reply.body.toString("latin1").slice(0, 300) }, got: `${kindName(got.kind)} ${got.message} ${got.rest.toString().slice(0, 200)}`, want: `${kindName(want.kind)} ${JSON.stringify(want.value)?.slice(0, 200)}` });
      }
    }
    const next = guest.call(req(2, "ok_after"));
    if (next.ok && decode(next.body).kind === Kind.OK) counts.recovered++;
  }
  return { counts, failures };
}
