// node scripts/compatibility.mjs [--check] - the table in docs/compatibility.md between its
// "recordings" markers, made from the exchanges recorded on real Tarmac (tests/contract/<version>/
// and <version>/protobuf/): per version and wire, what the host answered to the behaviours that
// differ. --check exits 1 when the table is not the one the recordings make (npm test runs it).
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { root } from "./examples.mjs";
import { parseProto } from "../host/engine/protowire.mjs";

const dir = join(root, "tests", "contract");
const doc = join(root, "docs", "compatibility.md");
const START = "<!-- recordings:start (made by node scripts/compatibility.mjs) -->";
const END = "<!-- recordings:end -->";

/** Every recording: { file, recording }. */
export function recordings() {
  return readdirSync(dir, { recursive: true }).filter((f) => f.endsWith(".json")).sort()
    .map((file) => ({ file, recording: JSON.parse(readFileSync(join(dir, file), "utf8")) }));
}

// A recorded body's bytes (short ones are kept as text; long ones only as length and hash).
const bytesOf = (body) => (body.text !== undefined ? Buffer.from(body.text) : body.hex !== undefined ? Buffer.from(body.hex, "hex") : null);
const isProto = (b) => b && b.length > 0 && b[0] === 0x0a;
const hex = (b, n = 24) => (b.length > n ? b.subarray(0, n).toString("hex") + "…" : b.toString("hex"));
// Inline code, control characters written as escapes (a JSON request starts with "\r" and spaces, the guard).
const code = (s) => "`" + s.replace(/[\u0000-\u001f]/g, (c) => JSON.stringify(c).slice(1, -1)).replaceAll("|", "\\|").replaceAll("`", "'") + "`";

// The first exchange of `namespace:operation` in the case whose name starts with `caseName`.
function exchange(recs, caseName, namespace, operation, pick = (xs) => xs[0]) {
  for (const { recording } of recs) {
    const c = recording.cases.find((x) => x.name.startsWith(caseName));
    const xs = c?.exchanges.filter((e) => e.namespace === namespace && e.operation === operation) ?? [];
    if (xs.length) return pick(xs);
  }
  return null;
}

// What a reply says, briefly: a protobuf reply's status, fields and bytes; a JSON reply's text.
function replyShown(e) {
  if (!e) return "not recorded";
  const b = bytesOf(e.reply);
  if (!b) return `${e.reply.length} bytes`;
  if (!isProto(b)) return b.length ? code(b.toString().slice(0, 90)) : "empty";
  const f = parseProto(b);
  const fields = Object.keys(f ?? {}).filter((n) => n !== "1").map((n) => `${n}×${f[n].length}`).join(", ");
  return `protobuf ${code(hex(b))}${fields ? ` (fields ${fields})` : " (status only)"}`;
}

/** The rows of the table for the recordings of one version and wire. */
function column(recs) {
  const calls = recs.reduce((n, { recording }) => n + recording.cases.reduce((m, c) => m + c.exchanges.length, 0), 0);
  const cases = recs.reduce((n, { recording }) => n + recording.cases.length, 0);
  const set = exchange(recs, "the documented example", "kvstore", "set");
  const missing = exchange(recs, "the documented example", "kvstore", "get", (xs) => xs.at(-1));
  const emptyKeys = recs.filter(({ recording }) => recording.group === "store").map(({ recording }) => {
    const c = recording.cases.find((x) => x.name.startsWith("keys of an empty store"));
    return c ? `${recording.store}: ${replyShown(c.exchanges[0])}` : null;
  }).filter(Boolean).join("; ");
  const exec = ["postgres", "mariadb"].map((db) => {
    const e = exchange(recs.filter(({ recording }) => recording.group === db), "SQL exec", "sql", "exec");
    const q = exchange(recs.filter(({ recording }) => recording.group === db), "SQL exec", "sql", "query");
    if (e) return `${db}: ${e.ok ? "ok" : code(e.error)}`;
    return q ? `${db}: no exec call (statements through query)` : `${db}: not recorded`;
  }).join("; ");
  const insert = ["postgres", "mariadb"].map((db) => {
    const e = exchange(recs.filter(({ recording }) => recording.group === db), "SQL exec", "sql", "exec", (xs) => xs.find((x) => (x.request.text ?? "").includes("VALUES (1), (2), (3)")));
    if (!e) return null;
    const f = parseProto(bytesOf(e.reply) ?? Buffer.alloc(0)) ?? {};
    const n = (k) => (f[k] ? String(f[k].at(-1)) : "absent");
    return `${db}: ${e.ok ? "ok" : code(e.error)}; rows_affected ${n(3)}, last_insert_id ${n(2)}`;
  }).filter(Boolean).join("; ") || "no exec";
  const zeta = Buffer.from("SELECT n AS zeta").toString("base64").slice(0, 16);
  const columns = exchange(recs, "SQL exec and columns", "sql", "query", (xs) => xs.find((x) => (x.request.text ?? "").includes("zeta") || (x.request.text ?? "").includes(zeta)));
  const headers = exchange(recs, "HTTP client: a header given twice", "httpclient", "call");
  return [
    ["recorded", `${cases} cases, ${calls} host calls (${recs.map(({ file }) => file.split("/").at(-1).replace(".json", "")).join(", ")})`],
    ["a set's request", set ? (isProto(bytesOf(set.request)) ? `protobuf ${code(hex(bytesOf(set.request)))}` : code(set.request.text)) : "not recorded"],
    ["a get of a missing key", missing ? `${code(missing.error)}, reply ${replyShown(missing)}` : "not recorded"],
    ["`keys` of an empty store", emptyKeys || "not recorded"],
    ["sql exec", exec],
    ["exec of a 3-row INSERT", insert],
    ["a query's columns (`SELECT n AS zeta, id AS alpha, 'x' AS mid`)", columns ? columnsShown(columns) : "not recorded"],
    ["a response header sent twice (X-Multi)", headers ? headerValues(headers) : "not recorded"],
  ];
}

// The columns a recorded query reply names: protobuf field 4, or none in JSON.
function columnsShown(e) {
  const b = bytesOf(e.reply);
  if (!b) return "not kept";
  if (!isProto(b)) return "none (JSON: rows only, each row's names sorted)";
  return (parseProto(b)[4] ?? []).map((c) => code(c.toString())).join(", ") + " (field 4, in order)";
}

// The values of X-Multi in a recorded httpclient reply.
function headerValues(e) {
  const b = bytesOf(e.reply);
  if (!b) return "not kept";
  if (!isProto(b)) return `JSON: ${code(String(JSON.parse(b.toString()).headers?.["x-multi"]))}`;
  for (const entry of parseProto(b)[3] ?? []) {
    const m = parseProto(entry);
    if (m[1]?.[0]?.toString() !== "x-multi") continue;
    const v = m[2]?.[0] ?? Buffer.alloc(0);
    return v[0] === 0x0a ? `protobuf Header{values}: ${parseProto(v)[1].map((x) => code(x.toString())).join(", ")}` : `protobuf string: ${code(v.toString())}`;
  }
  return "absent";
}

/** The markdown table the recordings make. */
export function table() {
  const all = recordings();
  const groups = new Map();
  for (const r of all) {
    const key = `${r.recording.tarmac} ${r.recording.wire ?? "json"}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(r);
  }
  const keys = [...groups.keys()].sort();
  const columns = keys.map((k) => column(groups.get(k)));
  const commits = keys.map((k) => groups.get(k)[0].recording.commit?.slice(0, 12) || "?");
  const lines = [
    `| | ${keys.map((k, i) => `${k.replace(" ", ", ")} wire (${commits[i]})`).join(" | ")} |`,
    `|---|${keys.map(() => "---").join("|")}|`,
  ];
  for (let row = 0; row < columns[0].length; row++) lines.push(`| ${columns[0][row][0]} | ${columns.map((c) => c[row][1]).join(" | ")} |`);
  return lines.join("\n");
}

/** docs/compatibility.md with the table between the markers replaced. */
export function documented() {
  const text = readFileSync(doc, "utf8");
  const a = text.indexOf(START), b = text.indexOf(END);
  if (a < 0 || b < a) throw new Error(`docs/compatibility.md has no ${START} ... ${END} section`);
  return { text, made: text.slice(0, a + START.length) + "\n" + table() + "\n" + text.slice(b) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { text, made } = documented();
  if (process.argv.includes("--check")) {
    if (text !== made) { console.log("docs/compatibility.md: the recordings table is stale; run node scripts/compatibility.mjs"); process.exit(1); }
    console.log("docs/compatibility.md: the recordings table is up to date");
  } else {
    writeFileSync(doc, made);
    console.log("docs/compatibility.md: recordings table written");
  }
}
