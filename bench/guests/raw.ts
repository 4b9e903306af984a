// Benchmark guest: the floor. The bare waPC host call with a request precomputed by the
// benchmark, reading the reply into a reused buffer; nothing parsed or decoded (op 1).
// Op 2 is the floor the JSON wire sets for a get: also find the reply's "data" string and
// decode its base64 into a reused buffer, the least any guest must do to have the value.
// Op 3 is the floor the protobuf wire sets for a get: also find the reply's data field (2) and
// copy it into a block of its own, the least any guest must do to hand a function a value it
// may keep. Op 4 is the floor for a set: copy the request (the message with the value) into a
// buffer before the call, as any guest must put a value it holds into a message.
// request: [op u8][n u32][operation length u8][operation][request bytes]
import { decodeBase64To, base64DecodedLength } from "tarmac-as/assembly/base64";
@external("wapc", "__guest_request") declare function guestRequest(op: usize, payload: usize): void;
@external("wapc", "__guest_response") declare function guestResponse(ptr: usize, len: usize): void;
@external("wapc", "__host_call") declare function hostCall(b: usize, bl: usize, n: usize, nl: usize, o: usize, ol: usize, p: usize, pl: usize): bool;
@external("wapc", "__host_response_len") declare function hostResponseLen(): usize;
@external("wapc", "__host_response") declare function hostResponse(ptr: usize): void;

let reply: usize = 0;
let replyCap: usize = 0;
let value: usize = 0;
let valueCap: usize = 0;

// The first `"` at or after p (16 bytes at a time), or end.
function nextQuote(p: usize, end: usize): usize {
  while (p + 16 <= end) {
    const hits = i8x16.bitmask(i8x16.eq(v128.load(p), i8x16.splat(34)));
    if (hits) return p + ctz(hits);
    p += 16;
  }
  while (p < end && load<u8>(p) != 34) p++;
  return p;
}

// Decodes the base64 string after `"data":"` in the reply of `len` bytes; false if none.
function decodeData(len: usize): bool {
  const end = reply + len;
  let p = reply;
  for (;;) {
    p = nextQuote(p, end);
    if (p + 8 > end) return false;
    if (load<u64>(p) == 0x223a226174616422) break; // "data":"
    p++;
  }
  const start = p + 8;
  const stop = nextQuote(start, end);
  const n = <usize>base64DecodedLength(start, stop - start);
  if (n > valueCap) { if (value) heap.free(value); value = heap.alloc(n); valueCap = n; }
  return decodeBase64To(start, stop - start, value);
}

// A varint at `p`, its end in `varintEnd`.
let varintEnd: usize = 0;
function readVarint(p: usize): u64 {
  let v: u64 = 0;
  let shift: u64 = 0;
  for (;;) {
    const b = load<u8>(p++);
    v |= <u64>(b & 0x7f) << shift;
    if (b < 0x80) break;
    shift += 7;
  }
  varintEnd = p;
  return v;
}

// Copies field 2 (bytes) of the protobuf reply of `len` bytes into a new block; false if none.
function copyData(len: usize): bool {
  const end = reply + len;
  let p = reply;
  while (p < end) {
    const tag = readVarint(p);
    const n = <usize>readVarint(varintEnd);
    p = varintEnd;
    if (tag == 0x12) {
      const own = heap.alloc(n);
      memory.copy(own, p, n);
      heap.free(own);
      return true;
    }
    p += n;
  }
  return false;
}

export function __guest_call(opLen: usize, payloadLen: usize): bool {
  const op = heap.alloc(opLen);
  const req = heap.alloc(payloadLen);
  guestRequest(op, req);
  const n = load<u32>(req + 1);
  const nameLen = <usize>load<u8>(req + 5);
  const name = req + 6;
  const body = name + nameLen;
  const bodyLen = payloadLen - 6 - nameLen;
  const names = memory.data<u8>([116, 97, 114, 109, 97, 99, 107, 118, 115, 116, 111, 114, 101]); // "tarmac" "kvstore"
  let payload = body;
  if (load<u8>(req) == 4) {
    if (bodyLen > valueCap) { if (value) heap.free(value); value = heap.alloc(bodyLen); valueCap = bodyLen; }
    payload = value;
  }
  for (let i: u32 = 0; i < n; i++) {
    if (payload != body) memory.copy(payload, body, bodyLen);
    hostCall(names, 6, names + 6, 7, name, nameLen, payload, bodyLen);
    const len = hostResponseLen();
    if (len > replyCap) { if (reply) heap.free(reply); reply = heap.alloc(len); replyCap = len; }
    hostResponse(reply);
    if (load<u8>(req) == 2 && !decodeData(len)) unreachable();
    if (load<u8>(req) == 3 && !copyData(len)) unreachable();
  }
  heap.free(op);
  heap.free(req);
  guestResponse(0, 0);
  return true;
}
