// Test guest for assembly/protobuf.ts: decodes or encodes one message per request and answers
// with a listing the Node test compares against its reference (tests/protobuf-codec.test.mjs).
//
// request:  [op u8][rest]
//   1 DECODE, 3 DECODE_STRINGS (length-delimited values read as UTF-8): rest is a message;
//     answer: fields as [field u32][type u8][value], then [0xFFFFFFFF][finished u8][error u8].
//     Values: varint and fixed64 as 8 bytes, fixed32 as 4, length-delimited as [length u32][bytes].
//   2 ENCODE: rest is a listing of varint, fixed64 and length-delimited fields; answer: the message.
//   4 ENCODE_STRINGS: rest is [field u32][units u32][UTF-16LE] repeated, the last two as a map entry.
import { handle, ok, Result } from "tarmac-as/assembly";
import { ProtoReader, ProtoWriter, WireType } from "tarmac-as/assembly/protobuf";
export { __guest_call } from "tarmac-as/assembly";
import { Out } from "./out";


function decode(p: usize, n: usize, strings: bool): Result<Uint8Array> {
  const r = new ProtoReader(p, n);
  const out = new Out();
  while (r.next()) {
    const head = out.room(5);
    store<u32>(head, r.field);
    store<u8>(head, <u8>r.wireType, 4);
    if (r.wireType == WireType.Varint) store<u64>(out.room(8), r.varint());
    else if (r.wireType == WireType.Fixed64) store<u64>(out.room(8), r.fixed64());
    else if (r.wireType == WireType.Fixed32) store<u32>(out.room(4), r.fixed32());
    else if (strings) {
      const s = r.string();
      const b = s === null ? new ArrayBuffer(0) : String.UTF8.encode(s);
      store<u32>(out.room(4), b.byteLength);
      memory.copy(out.room(b.byteLength), changetype<usize>(b), b.byteLength);
    } else {
      const got = r.bytes();
      const len = got ? <i32>r.spanLength : 0;
      store<u32>(out.room(4), len);
      memory.copy(out.room(len), r.spanStart, len);
    }
  }
  const tail = out.room(6);
  store<u32>(tail, 0xFFFFFFFF);
  store<u8>(tail, r.finish() ? 1 : 0, 4);
  store<u8>(tail, <u8>r.error, 5);
  return ok(out.buf.subarray(0, out.len));
}

function encode(p: usize, e: usize): Result<Uint8Array> {
  const w = ProtoWriter.begin(16);
  while (p < e) {
    const field = load<u32>(p);
    const type = load<u8>(p, 4);
    p += 5;
    if (type == WireType.Varint) { w.uint(field, load<u64>(p)); p += 8; }
    else if (type == WireType.Fixed64) { w.double(field, reinterpret<f64>(load<u64>(p))); p += 8; }
    else { const n = <usize>load<u32>(p); w.bytes(field, p + 4, n); p += 4 + n; }
  }
  const out = new Uint8Array(<i32>w.length);
  memory.copy(out.dataStart, w.ptr, w.length);
  w.end();
  return ok(out);
}

function encodeStrings(p: usize, e: usize): Result<Uint8Array> {
  const w = ProtoWriter.begin(16);
  const fields = new Array<u32>(), texts = new Array<string>();
  while (p < e) {
    const units = <usize>load<u32>(p, 4);
    fields.push(load<u32>(p));
    texts.push(String.UTF16.decodeUnsafe(p + 8, units << 1));
    p += 8 + (units << 1);
  }
  const n = texts.length;
  for (let i = 0; i + 2 < n; i++) w.string(fields[i], texts[i]);
  if (n >= 2) w.stringPair(fields[n - 2], texts[n - 2], texts[n - 1]);
  const out = new Uint8Array(<i32>w.length);
  memory.copy(out.dataStart, w.ptr, w.length);
  w.end();
  return ok(out);
}

handle((req: Uint8Array): Result<Uint8Array> => {
  if (req.length == 0) return ok("");
  const op = req[0], p = req.dataStart + 1, n = <usize>req.length - 1;
  if (op == 1 || op == 3) return decode(p, n, op == 3);
  if (op == 2) return encode(p, p + n);
  return encodeStrings(p, p + n);
});
