// Test guest: runs one SDK operation per request, chosen by the request's first byte, and
// reports the result in a binary form the Node tests decode exactly (tests/probe.mjs).
//
// request:  [op u8, high bit: through kv.portable()][key length u32, in UTF-16 units][key as UTF-16LE][value bytes]
// response: [kind u8, 0 = ok][code i32][message length u32][message UTF-8][result bytes]

import { handle, ok, kv, KVStore, Result, TarmacError, base64Encode, base64Decode, now, retainResponses, retainedCount, retainedBytes } from "tarmac-as/assembly";
import { requestCapacity } from "tarmac-as/assembly/buffers";
import { recorded } from "./recording";
import { Out } from "./out";
export { __guest_call } from "tarmac-as/assembly";

const GET: u8 = 1, SET: u8 = 2, DELETE: u8 = 3, KEYS: u8 = 4, GET_STRING: u8 = 5, SET_STRING: u8 = 6;
const TRAP: u8 = 7, ABORT: u8 = 8, FAIL: u8 = 9, OTHER_BINDING_GET: u8 = 10, B64_ENCODE: u8 = 11, B64_DECODE: u8 = 12;
const GET_VALUE_MISUSE: u8 = 13, REPEAT_GET: u8 = 14, NOW: u8 = 15;
const RESPOND: u8 = 16, RETAIN: u8 = 17, RETAINED: u8 = 18, GET_LENGTH: u8 = 19;

let other = new KVStore("other");
const portableKv = kv.portable();


function header(out: Out, e: TarmacError | null): void {
  if (e === null) { out.u8(0); out.u32(0); out.u32(0); return; }
  out.u8(<u8>e.kind); out.u32(<u32>e.code); out.utf8(e.message);
}

handle((req: Uint8Array): Result<Uint8Array> => recorded(req, run));

function run(req: Uint8Array): Result<Uint8Array> {
  if (req.length < 5) return Result.fail<Uint8Array>("short request: " + req.length.toString() + " bytes");
  // The high bit: the same operation through kv.portable() (get, set, delete and keys).
  const portable = (req[0] & 0x80) != 0;
  const op = req[0] & 0x7f;
  const keyLen = <i32>load<u32>(req.dataStart + 1);
  const key = String.UTF16.decodeUnsafe(req.dataStart + 5, <usize>keyLen << 1);
  const rest = req.subarray(5 + keyLen * 2);
  const out = new Out();
  if (op == GET || op == OTHER_BINDING_GET) {
    const r = portable ? portableKv.get(key) : op == GET ? kv.get(key) : other.get(key);
    header(out, r.error);
    if (r.isOk) { const v = r.value; out.bytes(v.dataStart, v.length); }
  } else if (op == SET) {
    header(out, portable ? portableKv.set(key, rest) : kv.set(key, rest));
  } else if (op == DELETE) {
    header(out, portable ? portableKv.delete(key) : kv.delete(key));
  } else if (op == KEYS) {
    const r = portable ? portableKv.keys() : kv.keys();
    header(out, r.error);
    if (r.isOk) { const ks = r.value; out.u32(ks.length); for (let i = 0; i < ks.length; i++) out.utf8(ks[i]); }
  } else if (op == GET_STRING) {
    const r = kv.getString(key);
    header(out, r.error);
    if (r.isOk) out.utf16(r.value);
  } else if (op == SET_STRING) {
    header(out, kv.setString(key, String.UTF16.decodeUnsafe(rest.dataStart, rest.length & ~1)));
  } else if (op == TRAP) {
    unreachable();
  } else if (op == ABORT) {
    abort("boom: " + key);
  } else if (op == FAIL) {
    return Result.fail<Uint8Array>(key);
  } else if (op == B64_ENCODE) {
    header(out, null); out.utf8(base64Encode(rest));
  } else if (op == B64_DECODE) {
    const d = base64Decode(String.UTF8.decode(rest.slice().buffer));
    if (d === null) out.u8(1); else { out.u8(0); out.bytes(d.dataStart, d.length); }
  } else if (op == GET_VALUE_MISUSE) {
    const r = kv.get(key);
    const v = r.value; // aborts the request when r is an error
    header(out, null); out.bytes(v.dataStart, v.length);
  } else if (op == REPEAT_GET) {
    const n = <i32>load<u32>(rest.dataStart);
    let failures = 0;
    for (let i = 0; i < n; i++) if (!kv.get(key).isOk) failures++;
    header(out, null); out.u32(failures);
  } else if (op == NOW) {
    header(out, null); out.utf8(now().toString());
  } else if (op == RESPOND) {
    // A response of n bytes, each a function of the seed and its position (tests/probe.mjs: pattern).
    const n = <i32>load<u32>(rest.dataStart);
    const seed = load<u32>(rest.dataStart + 4);
    const body = new Uint8Array(n);
    for (let i = 0; i < n; i++) body[i] = <u8>(seed * 31 + <u32>i * 7 + (<u32>i >> 8));
    return ok(body);
  } else if (op == RETAIN) {
    retainResponses(load<i32>(rest.dataStart), load<i32>(rest.dataStart + 4), <usize>load<u32>(rest.dataStart + 8));
    header(out, null);
  } else if (op == RETAINED) {
    header(out, null); out.u32(retainedCount()); out.u32(<u32>retainedBytes()); out.u32(<u32>requestCapacity());
  } else if (op == GET_LENGTH) {
    // The value's length and the memory size, without copying the value into the response.
    const r = kv.get(key);
    header(out, r.error);
    out.u32(r.isOk ? r.value.length : 0); out.u32(<u32>memory.size());
  } else {
    return Result.fail<Uint8Array>("unknown op");
  }
  return out.result();
}

