// The payloads the decoder models are checked with, and the form their answers are compared
// in. Shared by tests/decoders.test.mjs and by the recorder that ran the real decoders (Tarmac
// v0.10.0's proto.Unmarshal and main's UnmarshalVT, on github.com/tarmac-project/protobuf-go at
// the versions each pins; the recorder is not part of this repository).
import { createHash } from "node:crypto";
import { encodeProto } from "../../host/engine/protowire.mjs";
import { PROTO_MESSAGES as schemas } from "../../spec/capabilities.mjs";
import { PROTOBUF_GUARD } from "../wire.mjs";

/** The seed the recorded answers were made with. */
export const SEED = 20261203;
export const MESSAGES = Object.keys(schemas);
// Every ASCII byte that is an end-group tag (wire type 4, fields 4 to 15).
const END_GROUP = "$,4<DLT\\dlt|";

// ---- payloads ----------------------------------------------------------------------------

/** mulberry32: a seeded PRNG in [0, 1). */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
let rand = prng(SEED);
const int = (n) => Math.floor(rand() * n);
const pick = (a) => a[int(a.length)];
const randomBytes = (n) => Buffer.from(Array.from({ length: n }, () => int(256)));

function varint(n) {
  const out = [];
  let v = BigInt.asUintN(64, BigInt(n));
  do { let x = Number(v & 0x7fn); v >>= 7n; if (v) x |= 0x80; out.push(x); } while (v);
  return out;
}
const tag = (num, type) => varint((BigInt(num) << 3n) | BigInt(type));
const bytesField = (num, b) => [...tag(num, 2), ...varint(b.length), ...b];

// Text for keys, names, URLs and header values: end-group bytes everywhere, and what JSON escapes.
const PIECES = [...END_GROUP, ...END_GROUP, ..."abcXYZ019 _:/.-", "{", "}", "[", '"', "\\", "\u0000", "\u0007", "\u001f", "\u007f", "\t", "\n",
  "é", "😀", "\u2028", "{\"", "\\u007c", "\r    "];
function text(max = 3000) {
  const n = rand() < 0.6 ? int(41) : int(max + 1);
  let s = "";
  while (s.length < n) s += pick(PIECES);
  return s.slice(0, n).replace(/[\ud800-\udfff]$/, "");
}

/** A JSON request of `message` as the SDK writes it (before the guard and the '|' escaping). */
function jsonRequest(message) {
  const b64 = () => randomBytes(rand() < 0.7 ? int(40) : int(2000)).toString("base64");
  switch (message) {
    case "kvstore:get":
    case "kvstore:delete": return { key: text() };
    case "kvstore:set": return { key: text(), data: b64() };
    case "kvstore:keys": return { return_proto: rand() < 0.5 };
    case "httpclient:call": {
      const headers = {};
      for (let i = int(4); i > 0; i--) headers[text(40)] = text(200);
      return { method: pick(["GET", "PUT", "POST", "DELETE", text(10)]), headers, url: "http://" + text(), body: b64(), insecure: rand() < 0.5 };
    }
    case "sql:query":
    case "sql:exec": return { query: Buffer.from(text()).toString("base64") };
    case "metrics:counter": return { name: text() };
    case "metrics:gauge": return { name: text(), action: pick(["inc", "dec", text(8)]) };
    case "metrics:histogram": return { name: text(), value: pick([0, -0, 1.5, -2e300, 5e-324, rand() * 1e6]) };
  }
  throw new Error(message);
}

// Random bytes that look like protobuf: tags of fields 1 and 15, continuation bytes, lengths.
const TAG_BYTES = [0x08, 0x0a, 0x0d, 0x09, 0x0b, 0x0c, 0x7b, 0x7c, 0x10, 0x11, 0x12, 0x1a, 0x22, 0x28, 0x0e, 0x0f, 0x00, 0x24, 0x23];
function protobufish() {
  const out = [];
  const n = int(65);
  while (out.length < n) {
    const r = rand();
    if (r < 0.45) out.push(pick(TAG_BYTES));
    else if (r < 0.6) out.push(0x80 | int(128));
    else if (r < 0.75) out.push(int(9));
    else if (r < 0.8) out.push(...pick([[0xff, 0xff, 0xff, 0xff, 0x0f], Array(9).fill(0xff).concat(1), Array(9).fill(0x80).concat(pick([1, 2, 0x7f])), [0xfc, 0x80, 0x00]]));
    else out.push(int(256));
  }
  return Buffer.from(out.slice(0, n));
}

// A valid encoding of `message`: its fields, some repeated, sometimes with unknown fields.
function validMessage(message) {
  const schema = schemas[message];
  const parts = [];
  const fields = Object.keys(schema).map(Number);
  for (let i = 1 + int(4); i > 0; i--) {
    const num = pick(fields);
    const kind = schema[num];
    if (kind === "string" || kind === "bytes") parts.push(encodeProto({ [num]: kind === "string" && rand() < 0.1 ? randomBytes(int(6)) : Buffer.from(text(60)) }));
    else if (kind === "bool") parts.push(Buffer.from([...tag(num, 0), ...varint(pick([0, 1, 2, 300, 2n ** 63n]))]));
    else if (kind === "double") { const d = Buffer.alloc(8); d.writeDoubleLE(pick([0, -0, 1.25, rand() * 1e9, NaN])); parts.push(Buffer.from([...tag(num, 1), ...d])); }
    else if (kind === "map") {
      // A header: map<string, string> in v0.10.0, map<string, Header{repeated string values}> in main.
      const value = rand() < 0.5 ? Buffer.from(text(20)) : encodeProto({ 1: Array.from({ length: int(3) }, () => text(20)) });
      parts.push(encodeProto({ [num]: { 1: pick([text(10), "a", ""]), 2: value } }));
    }
    if (rand() < 0.2) parts.push(Buffer.from(pick([[0x78, 1], [0x7b, 0x08, 1, 0x7c], [0x7d, 1, 2, 3, 4], [0x79, 1, 2, 3, 4, 5, 6, 7, 8], bytesField(14, [1, 2])])));
  }
  return Buffer.concat(parts);
}
// 0 to 3 mutations: a bit flipped, a byte set to a tag, a byte inserted, bytes removed, the end
// cut off, a run of bytes repeated.
function mutate(b) {
  const a = [...b];
  for (let k = int(4); k > 0; k--) {
    const at = int(a.length + 1);
    switch (int(6)) {
      case 0: if (a.length) a[Math.min(at, a.length - 1)] ^= 1 << int(8); break;
      case 1: if (a.length) a[Math.min(at, a.length - 1)] = pick(TAG_BYTES); break;
      case 2: a.splice(at, 0, rand() < 0.5 ? pick(TAG_BYTES) : int(256)); break;
      case 3: a.splice(at, 1 + int(3)); break;
      case 4: a.length = Math.min(a.length, at); break;
      case 5: a.splice(at, 0, ...a.slice(int(a.length), int(a.length) + 8)); break;
    }
  }
  return Buffer.from(a);
}

// Hand-written edge cases, tried on every message.
function edgeCases() {
  const nest = (n, open = 0x7b, close = 0x7c) => Buffer.concat([Buffer.alloc(n, open), Buffer.alloc(n, close)]);
  const cases = [
    [], [0x7b, 0x7c], [0x7b, 0x7b, 0x7c, 0x7c], [0x7b, 0x24], [0x7b, 0x7b, 0x24, 0x7c], [0x7b, 0x0b, 0x7c, 0x0c], [0x7b, 0x0b, 0x0c, 0x7c],
    [0x7b], [0x7c], [0x0c], [0x24], [0x23, 0x24], [0x23, 0x7c],
    [0x7b, 0xfc, 0x80, 0x00], [0x7b, 0xfc, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00], [0x7b, 0xfc, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00],
    [0x8a, 0x00, 0x00], [0x8a, 0x80, 0x00, 0x01, 0x61], [0xfb, 0x00, 0xfc, 0x00],
    [0x08, 0x01], [0x09, 1, 2, 3, 4, 5, 6, 7, 8], [0x0d, 1, 2, 3, 4], [0x0b, 0x0c], [0x0b, 0x08, 0x01, 0x0c], [0x0e], [0x0f], [0x7e], [0x7f],
    [0x0a, 0x01, 0xff], [0x0a, 0x02, 0xc3, 0x28], [0x0a, 0x03, 0xed, 0xa0, 0x80], [0x0a, 0x02, 0xc0, 0x80], [0x0a, 0x04, 0xf4, 0x90, 0x80, 0x80], [0x0a, 0x02, 0xc3, 0xa9],
    [0x12, 0x01, 0xff], [0x1a, 0x01, 0xff], [0x12, 0x02, 0x0a, 0x00],
    [0x00], [0x00, 0x00], [0x02, 0x00], [0x07], [0x80, 0x00, 0x00], [0x7b, 0x00, 0x00, 0x7c], [0x7b, 0x02, 0x00, 0x7c], [0x7b, 0x80, 0x00, 0x00, 0x7c],
    [0x7b, 0x0e, 0x7c], [0x7b, 0x0f, 0x7c],
    [...tag(2 ** 29 - 1, 0), 0x01], [...tag(2 ** 29, 0), 0x01], [...tag(2 ** 31 - 1, 0), 0x01], [...tag(2 ** 31, 0), 0x01], [...tag(2 ** 32 + 1, 2), 0x00], [...tag(2 ** 32 + 1, 0), 0x01],
    [0x7b, ...tag(2 ** 29, 0), 0x01, 0x7c], [0x7b, ...tag(2 ** 31 - 1, 0), 0x01, 0x7c], [0x7b, ...tag(2 ** 31, 0), 0x01, 0x7c], [0x7b, ...tag(2 ** 32 + 1, 0), 0x01, 0x7c],
    [0x0a, 0x05, 0x61, 0x62], [0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f], [0x0a, ...varint(-1n)], [0x0a, ...varint(2n ** 62n)], [0x0a, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01],
    [0x11, 1, 2, 3], [0x11, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f], [0x11, 0, 0, 0, 0, 0, 0, 0, 0x80],
    [0x08, ...Array(9).fill(0x80), 0x01], [0x08, ...Array(9).fill(0x80), 0x02], [0x08, ...Array(10).fill(0x80), 0x01],
    [0x28, ...Array(9).fill(0x80), 0x01], [0x28, ...Array(9).fill(0x80), 0x02], [0x28, ...Array(9).fill(0xff), 0x7f], [0x28, ...Array(10).fill(0x80), 0x01], [0x28, 0x00], [0x28, 0x02],
    [0x78, ...Array(9).fill(0x80), 0x02], [0x7b, 0x08, ...Array(9).fill(0x80), 0x02, 0x7c], [0x7b, 0x0a, ...Array(9).fill(0x80), 0x01, 0x7c],
    [0x0a, 0x01, 0x61, 0x0a, 0x01, 0x62], [0x0a, 0x01, 0x61, 0x0a, 0x00], [0x12, 0x01, 0x62, 0x0a, 0x01, 0x61, 0x12, 0x00],
    // Map entries (headers in httpclient:call): empty, repeated, a key reaching past the entry, a
    // string value (v0.10.0) or a Header value (main), wrong wire types, groups, big field numbers.
    [0x12, 0x00], [0x12, 0x00, 0x12, 0x00], [0x12, 0x03, 0x0a, 0x01, 0x6b, 0x12, 0x03, 0x0a, 0x01, 0x6c], [0x12, 0x02, 0x0a, 0x03, 0x61, 0x62, 0x63],
    [0x12, 0x06, 0x0a, 0x01, 0x6b, 0x12, 0x01, 0x76], [0x12, 0x08, 0x0a, 0x01, 0x6b, 0x12, 0x03, 0x0a, 0x01, 0x76], [0x12, 0x05, 0x0a, 0x01, 0x6b, 0x12, 0x00],
    [0x12, 0x02, 0x08, 0x01], [0x12, 0x02, 0x10, 0x01], [0x12, 0x02, 0x0b, 0x0c], [0x12, 0x03, 0x0a, 0x01, 0xff], [0x12, 0x03, 0x12, 0x01, 0xff], [0x12, 0x02, 0x1b, 0x1c],
    [0x12, 0x02, 0x1b, 0x24], [0x12, 0x01, 0x0c], [0x12, 0x02, 0x12, 0x0c], [0x12, 0x03, 0x12, 0x01, 0x0c], [0x12, 0x03, 0x12, 0x01, 0x00], [0x12, 0x03, 0x12, 0x01, 0x0e],
    [0x12, 0x07, ...tag(2 ** 29, 0), 0x01, 0x0a, 0x00], [0x12, 0x06, ...tag(2 ** 29, 0), 0x01], [0x12, 0x06, ...tag(2 ** 32 + 1, 0), 0x01],
    [0x12, 0x04, 0x0a, 0x00, 0x0a, 0x00], [0x12, 0x02, 0x00, 0x00], [0x12, 0x01, 0x18], [0x12, 0x02, 0x0a, 0x01], [0x12, 0x01, 0x0a, 0x61],
  ].map((c) => Buffer.from(c));
  for (const n of [100, 9999, 10000, 10001, 10002, 20000]) cases.push(nest(n), Buffer.concat([nest(n, 0x23, 0x24), Buffer.from([0x0a, 1, 0x61])]));
  cases.push(Buffer.alloc(100, 0x7b), Buffer.concat([Buffer.alloc(50, 0x7b), Buffer.from([0x24])]), Buffer.concat([Buffer.alloc(20000, 0x7b), Buffer.from([0x7c])]));
  cases.push(Buffer.from([0x12, 0x06, 0x0b, 0x7b, 0x7c, 0x0c, 0x0a, 0x00]), Buffer.from([0x12, 0x04, 0x7b, 0x7b, 0x7c, 0x7c]));
  return cases;
}

/** About 20,000 payloads, the same every time: { message, kind, payload }. */
export function payloads() {
  rand = prng(SEED);
  const all = [];
  const add = (kind, message, payload) => all.push({ kind, message, payload });
  for (let i = 0; i < 1500; i++) {
    const message = MESSAGES[i % MESSAGES.length];
    const json = JSON.stringify(jsonRequest(message));
    const escaped = json.replaceAll("|", "\\u007c");
    for (const [guard, body] of [[PROTOBUF_GUARD, escaped], [PROTOBUF_GUARD, json], ["", escaped], ["", json]]) add("json", message, Buffer.from(guard + body));
  }
  for (let i = 0; i < 7000; i++) add("random", MESSAGES[i % MESSAGES.length], protobufish());
  for (let i = 0; i < 6500; i++) {
    const message = MESSAGES[i % MESSAGES.length];
    const valid = validMessage(message);
    add("mutated", message, i % 10 === 0 ? valid : mutate(valid));
  }
  for (const payload of edgeCases()) for (const message of MESSAGES) add("edge", message, payload);
  return all;
}

/** A model's result in the decoders' terms: the set fields, as the Go message holds them (null: not decoded). */
export function project(fields, schema) {
  if (fields === null) return null;
  const out = {};
  for (const [num, kind] of Object.entries(schema)) {
    const values = fields[num];
    if (!values?.length) continue;
    const last = values.at(-1); // proto3 singular fields: the last one wins
    if (kind === "string" || kind === "bytes") { if (last.length) out[num] = last.toString("base64"); }
    else if (kind === "bool") { if (last !== 0n) out[num] = "1"; }
    else if (kind === "double") { const bits = last.readBigUInt64LE(0); if (bits) out[num] = String(bits); }
    else if (kind === "map") out[num] = String(new Set(values.map((e) => e.key.toString("latin1"))).size); // entries by key
  }
  return out;
}

/**
 * An answer as recorded: 3 bytes of the SHA-256 of "err", or of the set fields as sorted
 * [field, value] pairs. A model answer that differs matches by chance once in 16 million.
 */
export function answerDigest(fields) {
  const text = fields === null ? "err" : JSON.stringify(Object.entries(fields).sort(([a], [b]) => Number(a) - Number(b)));
  return createHash("sha256").update(text).digest().subarray(0, 3);
}
