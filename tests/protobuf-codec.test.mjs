// The SDK's strict protobuf wire format (assembly/protobuf.ts), compiled, against a reference
// written here from the protobuf encoding spec: what it accepts and refuses on any bytes (never a
// trap, never a read past the message), the values it reads, and the bytes it writes.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { TarmacHost } from "../host/engine/tarmac-host.mjs";
import { guests } from "./guests.mjs";

const SEED = Number(process.env.FUZZ_SEED ?? 20261202);
const CASES = Number(process.env.PROTO_CASES ?? 20000);
// ProtoError in assembly/protobuf.ts.
const Err = { None: 0, Truncated: 1, BadVarint: 2, BadWireType: 3, BadFieldNumber: 4, BadLength: 5, BadUtf8: 6 };
const utf8 = new TextDecoder("utf-8", { fatal: true });

let guest;
before(async () => { guest = await new TarmacHost().instantiate(guests.proto); });

/** The reference: a strict decode of `b` into { fields: [{ field, type, value }], ok, error }. */
function reference(b, strings = false) {
  const fields = [];
  let p = 0;
  const varint = () => {
    let v = 0n;
    for (let i = 0; i < 10; i++) {
      if (p >= b.length) throw Err.Truncated;
      const x = b[p++];
      if (i === 9 && x > 1) throw Err.BadVarint;
      v |= BigInt(x & 0x7f) << BigInt(7 * i);
      if (!(x & 0x80)) return v;
    }
    throw Err.BadVarint;
  };
  try {
    while (p < b.length) {
      const tag = varint();
      const type = Number(tag & 7n), field = tag >> 3n;
      if (field === 0n || field > 2n ** 29n - 1n) throw Err.BadFieldNumber;
      if (type === 3 || type === 4 || type > 5) throw Err.BadWireType;
      const f = { field: Number(field), type };
      fields.push(f);
      if (type === 0) f.value = varint();
      else if (type === 1 || type === 5) {
        const n = type === 1 ? 8 : 4;
        if (b.length - p < n) throw Err.Truncated;
        f.value = n === 8 ? b.readBigUInt64LE(p) : BigInt(b.readUInt32LE(p));
        p += n;
      } else {
        const n = varint();
        if (n > BigInt(b.length - p)) throw Err.BadLength;
        f.value = Buffer.from(b.subarray(p, p + Number(n)));
        p += Number(n);
        if (strings) {
          try { utf8.decode(f.value); } catch { f.value = Buffer.alloc(0); throw Err.BadUtf8; }
        }
      }
    }
    return { fields, ok: true, error: Err.None };
  } catch (e) {
    if (typeof e !== "number") throw e;
    // A field whose value could not be read is still listed by the guest, with a zero value.
    const last = fields.at(-1);
    if (last && last.value === undefined) last.value = last.type === 2 ? Buffer.alloc(0) : 0n;
    return { fields, ok: false, error: e };
  }
}

/** What the guest read: the same shape as `reference`. */
function guestDecode(b, strings = false) {
  const r = guest.call(Buffer.concat([Buffer.from([strings ? 3 : 1]), b]));
  assert.ok(r.ok, `the guest failed: ${r.error}`);
  const out = r.body, fields = [];
  let p = 0;
  for (;;) {
    const field = out.readUInt32LE(p);
    if (field === 0xffffffff) return { fields, ok: out[p + 4] === 1, error: out[p + 5] };
    const type = out[p + 4];
    p += 5;
    if (type === 0 || type === 1) { fields.push({ field, type, value: out.readBigUInt64LE(p) }); p += 8; }
    else if (type === 5) { fields.push({ field, type, value: BigInt(out.readUInt32LE(p)) }); p += 4; }
    else { const n = out.readUInt32LE(p); fields.push({ field, type, value: Buffer.from(out.subarray(p + 4, p + 4 + n)) }); p += 4 + n; }
  }
}

// The reference's encoder, from the spec.
const encVarint = (v) => { const out = []; v = BigInt(v); while (v >= 0x80n) { out.push(Number(v & 0x7fn) | 0x80); v >>= 7n; } out.push(Number(v)); return Buffer.from(out); };
function encode(fields) {
  return Buffer.concat(fields.flatMap(({ field, type, value }) => {
    const tag = encVarint((BigInt(field) << 3n) | BigInt(type));
    if (type === 0) return [tag, encVarint(value)];
    if (type === 1) { const b = Buffer.alloc(8); b.writeBigUInt64LE(value); return [tag, b]; }
    return [tag, encVarint(value.length), value];
  }));
}

const fieldArb = fc.oneof(
  fc.record({ field: fc.integer({ min: 1, max: 2 ** 29 - 1 }), type: fc.constant(0), value: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }) }),
  fc.record({ field: fc.integer({ min: 1, max: 2 ** 29 - 1 }), type: fc.constant(1), value: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }) }),
  fc.record({ field: fc.integer({ min: 1, max: 40 }), type: fc.constant(2), value: fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)) }),
).map((f) => ({ ...f }));

test("well-formed messages of every field kind read back field by field, as the spec's reference reads them", () => {
  fc.assert(fc.property(fc.array(fieldArb, { maxLength: 12 }), (fields) => {
    const bytes = encode(fields);
    assert.deepEqual(guestDecode(bytes), { fields, ok: true, error: Err.None });
  }), { numRuns: 2000, seed: SEED });
});

test(`any bytes: accepted or refused exactly as the reference does, with the same reason, never a trap (${CASES} cases, seed ${SEED})`, () => {
  const interesting = fc.constantFrom(0x08, 0x0a, 0x0d, 0x0b, 0x0c, 0x0e, 0x0f, 0x10, 0x7b, 0x7c, 0x80, 0xff, 0x00, 0x01, 0x02, 0x09, 0x11, 0x15);
  const bytes = fc.oneof(
    fc.uint8Array({ maxLength: 64 }),
    fc.array(interesting, { maxLength: 40 }).map((a) => Uint8Array.from(a)),
    // Well-formed messages, cut short or with a byte changed.
    fc.tuple(fc.array(fieldArb, { minLength: 1, maxLength: 6 }), fc.nat(), fc.nat(255)).map(([f, at, x]) => {
      const b = encode(f);
      return at % 2 ? b.subarray(0, at % b.length) : (b[at % b.length] = x, b);
    }),
  );
  fc.assert(fc.property(bytes, fc.boolean(), (b, strings) => {
    const buf = Buffer.from(b);
    assert.deepEqual(guestDecode(buf, strings), reference(buf, strings));
  }), { numRuns: CASES, seed: SEED });
});

test("each refusal has its reason: truncation, an overlong varint, groups and wire types 6 and 7, field 0 and past 2^29-1, a length past the end, bad UTF-8", () => {
  const cases = [
    [[0x08], Err.Truncated], [[0x08, 0x80], Err.Truncated], [[0x09, 1, 2, 3], Err.Truncated], [[0x0d, 1, 2], Err.Truncated],
    [[0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02], Err.BadVarint],
    [[0x08, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00], Err.BadVarint],
    [[0x0b], Err.BadWireType], [[0x0c], Err.BadWireType], [[0x0e], Err.BadWireType], [[0x0f], Err.BadWireType], [[0x7b, 0x7c], Err.BadWireType],
    [[0x00, 0x00], Err.BadFieldNumber], [[0x80, 0x80, 0x80, 0x80, 0x10, 0x00], Err.BadFieldNumber],
    [[0x0a, 0x05, 0x61], Err.BadLength], [[0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f], Err.BadLength],
  ];
  for (const [bytes, error] of cases) {
    const r = guestDecode(Buffer.from(bytes));
    assert.deepEqual([r.ok, r.error], [false, error], `${Buffer.from(bytes).toString("hex")}`);
  }
  for (const bad of [[0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xff]]) {
    const msg = Buffer.concat([Buffer.from([0x0a, bad.length]), Buffer.from(bad)]);
    assert.deepEqual([guestDecode(msg, true).ok, guestDecode(msg, true).error], [false, Err.BadUtf8], Buffer.from(bad).toString("hex"));
    assert.equal(guestDecode(msg, false).ok, true, "as bytes it is fine");
  }
  assert.deepEqual(guestDecode(Buffer.alloc(0)), { fields: [], ok: true, error: Err.None }, "the empty message");
  assert.equal(guestDecode(Buffer.from([0xf8, 0xff, 0xff, 0xff, 0x0f, 0x00])).ok, true, "field 2^29-1 is the largest there is");
});

test("the writer writes exactly the spec's bytes for varints, doubles and bytes fields", () => {
  fc.assert(fc.property(fc.array(fieldArb, { maxLength: 12 }), (fields) => {
    const listing = Buffer.concat(fields.map(({ field, type, value }) => {
      const head = Buffer.alloc(5); head.writeUInt32LE(field); head[4] = type;
      if (type === 2) { const n = Buffer.alloc(4); n.writeUInt32LE(value.length); return Buffer.concat([head, n, value]); }
      const v = Buffer.alloc(8); v.writeBigUInt64LE(value); return Buffer.concat([head, v]);
    }));
    const r = guest.call(Buffer.concat([Buffer.from([2]), listing]));
    assert.ok(r.ok, r.error);
    assert.deepEqual(r.body, encode(fields));
  }), { numRuns: 2000, seed: SEED });
});

test("strings are written as UTF-8 (a lone surrogate as U+FFFD), and a map entry as { 1: key, 2: value }", () => {
  const text = fc.string({ unit: "binary", maxLength: 200 });
  fc.assert(fc.property(fc.array(fc.tuple(fc.integer({ min: 1, max: 2 ** 29 - 1 }), text), { minLength: 2, maxLength: 6 }), (pairs) => {
    const req = Buffer.concat(pairs.map(([f, s]) => { const h = Buffer.alloc(8); h.writeUInt32LE(f); h.writeUInt32LE(s.length, 4); return Buffer.concat([h, Buffer.from(s, "utf16le")]); }));
    const r = guest.call(Buffer.concat([Buffer.from([4]), req]));
    assert.ok(r.ok, r.error);
    const n = pairs.length;
    const strings = pairs.slice(0, n - 2).map(([field, s]) => ({ field, type: 2, value: Buffer.from(s) }));
    const entry = encode([{ field: 1, type: 2, value: Buffer.from(pairs[n - 2][1]) }, { field: 2, type: 2, value: Buffer.from(pairs[n - 1][1]) }]);
    assert.deepEqual(r.body, encode([...strings, { field: pairs[n - 2][0], type: 2, value: entry }]));
  }), { numRuns: 1000, seed: SEED });
});
