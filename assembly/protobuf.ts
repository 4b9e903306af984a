// Protocol Buffers' wire format, strictly: a reader that never traps or reads past its bytes on
// any input (every bound is an explicit comparison, so it holds in release builds, where asserts
// are compiled out), and a writer into the request buffer. Groups (wire types 3 and 4) and the
// unused wire types 6 and 7 are refused, as are field number 0, numbers over 2^29 - 1, varints
// over 10 bytes or 64 bits, and lengths past the end. Strings are checked as UTF-8.
//
// The foundation of a protobuf wire beside Tarmac's JSON (tarmac-json.ts): a codec for Tarmac's
// messages reads and writes with these. Nothing in the SDK's JSON path uses it, so a module that
// does not import it does not carry it.

import { decodeUtf8, encodeUtf8 } from "./utf8";
import { requestBuffer, requestCapacity, requestSent } from "./buffers";

/** Why a `ProtoReader` stopped (`None` while it reads fine). */
export enum ProtoError { None, Truncated, BadVarint, BadWireType, BadFieldNumber, BadLength, BadUtf8 }

/** Wire types. */
export enum WireType { Varint = 0, Fixed64 = 1, Bytes = 2, StartGroup = 3, EndGroup = 4, Fixed32 = 5 }

const MAX_FIELD: u32 = (1 << 29) - 1;

/**
 * Reads one protobuf message from `len` bytes at `ptr`. Call `next()` for each field, read its
 * value with the function for its wire type (or `skip()`), and check `finish()` at the end. The
 * first problem stops it: every later call returns false or zero, and `error` says why.
 *
 * ```ts
 * const r = new ProtoReader(ptr, len);
 * let code: u64 = 0;
 * while (r.next()) { if (r.field == 1 && r.wireType == WireType.Varint) code = r.varint(); else r.skip(); }
 * const good = r.finish();
 * ```
 */
export class ProtoReader {
  private pos: usize;
  private end: usize;
  /** The current field's number and wire type (after `next()`). */
  field: u32 = 0;
  wireType: u32 = 0;
  /** Where the last length-delimited value starts, and its length (after `bytes()`). */
  spanStart: usize = 0;
  spanLength: usize = 0;
  /** Why reading stopped; `None` while it reads fine. */
  error: ProtoError = ProtoError.None;

  constructor(ptr: usize, len: usize) {
    this.pos = ptr;
    this.end = ptr + len;
  }

  /** Starts over on the `len` bytes at `ptr` (one reader reused for each reply). `const r = new ProtoReader(0, 0).reset(ptr, len);` */
  reset(ptr: usize, len: usize): ProtoReader {
    this.pos = ptr;
    this.end = ptr + len;
    this.field = 0;
    this.wireType = 0;
    this.error = ProtoError.None;
    return this;
  }

  private fail(e: ProtoError): bool {
    if (this.error == ProtoError.None) this.error = e;
    this.pos = this.end;
    return false;
  }

  /** Moves to the next field: false at the end of the message or on a problem. */
  next(): bool {
    if (this.error != ProtoError.None || this.pos >= this.end) return false;
    const tag = this.varint();
    if (this.error != ProtoError.None) return false;
    const type = <u32>(tag & 7);
    const field = tag >> 3;
    if (field == 0 || field > <u64>MAX_FIELD) return this.fail(ProtoError.BadFieldNumber);
    if (type == 3 || type == 4 || type > 5) return this.fail(ProtoError.BadWireType);
    this.field = <u32>field;
    this.wireType = type;
    return true;
  }

  /** A varint (up to 10 bytes, at most 64 bits); 0 and `error` on a problem. */
  varint(): u64 {
    let v: u64 = 0;
    let p = this.pos;
    const e = this.end;
    for (let i: u32 = 0; i < 10; i++) {
      if (p >= e) { this.fail(ProtoError.Truncated); return 0; }
      const b = <u64>load<u8>(p++);
      if (i == 9 && b > 1) { this.fail(ProtoError.BadVarint); return 0; }
      const shift = <u64>i * 7;
      v |= (b & 0x7F) << shift;
      if ((b & 0x80) == 0) { this.pos = p; return v; }
    }
    this.fail(ProtoError.BadVarint);
    return 0;
  }

  /** 8 little-endian bytes. */
  fixed64(): u64 {
    if (this.end - this.pos < 8) { this.fail(ProtoError.Truncated); return 0; }
    const v = load<u64>(this.pos);
    this.pos += 8;
    return v;
  }

  /** 4 little-endian bytes. */
  fixed32(): u32 {
    if (this.end - this.pos < 4) { this.fail(ProtoError.Truncated); return 0; }
    const v = load<u32>(this.pos);
    this.pos += 4;
    return v;
  }

  /** A double (wire type 1). */
  double(): f64 {
    return reinterpret<f64>(this.fixed64());
  }

  /** A length-delimited value: true, with `spanStart` and `spanLength` set, or false on a problem. */
  bytes(): bool {
    const n = this.varint();
    if (this.error != ProtoError.None) return false;
    if (n > <u64>(this.end - this.pos)) return this.fail(ProtoError.BadLength);
    this.spanStart = this.pos;
    this.spanLength = <usize>n;
    this.pos += <usize>n;
    return true;
  }

  /** A length-delimited value as text, which must be valid UTF-8; null on a problem. */
  string(): string | null {
    if (!this.bytes()) return null;
    const s = decodeUtf8(this.spanStart, this.spanLength);
    if (s === null) this.fail(ProtoError.BadUtf8);
    return s;
  }

  /** Steps over the current field's value, whatever its (accepted) wire type. */
  skip(): bool {
    switch (this.wireType) {
      case WireType.Varint: { this.varint(); break; }
      case WireType.Fixed64: { this.fixed64(); break; }
      case WireType.Bytes: { this.bytes(); break; }
      case WireType.Fixed32: { this.fixed32(); break; }
      default: return this.fail(ProtoError.BadWireType);
    }
    return this.error == ProtoError.None;
  }

  /** After the last field: true if the whole message was read without a problem. */
  finish(): bool {
    return this.error == ProtoError.None && this.pos == this.end;
  }
}

/** How many bytes the varint `v` takes. `varintSize(300) == 2` */
export function varintSize(v: u64): usize {
  let n: usize = 1;
  while (v >= 0x80) { v >>= 7; n++; }
  return n;
}

/**
 * Writes one protobuf message into the request buffer (buffers.ts, rule 1): fields in the order
 * written, each by number. Only one writer is in use at a time; call `end()` once the bytes have
 * been used.
 *
 * ```ts
 * const w = ProtoWriter.begin(32);
 * w.string(1, "myKey");
 * w.bool(5, true);
 * const n = w.length; // the message is the n bytes at w.ptr
 * w.end();
 * ```
 */
export class ProtoWriter {
  /** Start of the message. */
  ptr: usize = 0;
  /** Bytes written so far. */
  length: usize = 0;
  private cap: usize = 0;

  /** The writer `begin` hands out. */
  static shared: ProtoWriter | null = null;

  /** A writer reset for a new message, with room for about `sizeHint` bytes. */
  static begin(sizeHint: usize): ProtoWriter {
    let w = ProtoWriter.shared;
    if (!w) { w = new ProtoWriter(); ProtoWriter.shared = w; }
    w.ptr = requestBuffer(sizeHint); w.cap = requestCapacity(); w.length = 0;
    return w;
  }

  /** Gives the buffer back (buffers.ts, rule 1). */
  end(): void {
    requestSent();
  }

  private room(n: usize): usize {
    const need = this.length + n;
    if (need > this.cap) { this.ptr = requestBuffer(need); this.cap = requestCapacity(); }
    return this.ptr + this.length;
  }

  /** A raw varint (no tag). */
  varint(v: u64): void {
    let o = this.room(10);
    const start = o;
    while (v >= 0x80) { store<u8>(o++, <u8>(v | 0x80)); v >>= 7; }
    store<u8>(o++, <u8>v);
    this.length += o - start;
  }

  /** A field's tag. */
  tag(field: u32, type: WireType): void {
    this.varint((<u64>field << 3) | <u64>type);
  }

  /** A varint field. */
  uint(field: u32, v: u64): void {
    this.tag(field, WireType.Varint);
    this.varint(v);
  }

  /** A boolean field (proto3 leaves false out; this writes what it is given). */
  bool(field: u32, v: bool): void {
    this.uint(field, v ? 1 : 0);
  }

  /** A double field. */
  double(field: u32, v: f64): void {
    this.tag(field, WireType.Fixed64);
    store<f64>(this.room(8), v);
    this.length += 8;
  }

  /** A bytes field: the `n` bytes at `src`. */
  bytes(field: u32, src: usize, n: usize): void {
    this.tag(field, WireType.Bytes);
    this.varint(<u64>n);
    memory.copy(this.room(n), src, n);
    this.length += n;
  }

  /** A string field, as UTF-8 (the caller has checked it holds no lone surrogate). */
  string(field: u32, s: string): void {
    this.utf8(field, s, utf8Length(s));
  }

  // A string field whose UTF-8 length `n` the caller has counted.
  private utf8(field: u32, s: string, n: usize): void {
    this.tag(field, WireType.Bytes);
    this.varint(<u64>n);
    const o = this.room(n);
    this.length += encodeUtf8(changetype<usize>(s), <usize>s.length, o);
  }

  /**
   * A map entry of a string to a message of repeated strings: field `field` holding
   * { 1: key, 2: { 1: values[0], 1: values[1], ... } } (Tarmac's `map<string, Header>`).
   * `ProtoWriter.begin(64).stringListPair(2, "accept", ["text/plain", "text/html"]);`
   */
  stringListPair(field: u32, key: string, values: string[]): void {
    const k = utf8Length(key);
    let inner: usize = 0;
    for (let i = 0; i < values.length; i++) { const v = utf8Length(values[i]); inner += 1 + varintSize(<u64>v) + v; }
    this.tag(field, WireType.Bytes);
    this.varint(<u64>(2 + varintSize(<u64>k) + k + varintSize(<u64>inner) + inner));
    this.utf8(1, key, k);
    this.tag(2, WireType.Bytes);
    this.varint(<u64>inner);
    for (let i = 0; i < values.length; i++) this.string(1, values[i]);
  }

  /** A map entry of strings: field `field` holding { 1: key, 2: value }. */
  stringPair(field: u32, key: string, value: string): void {
    const k = utf8Length(key), v = utf8Length(value);
    this.tag(field, WireType.Bytes);
    this.varint(<u64>(2 + varintSize(<u64>k) + k + varintSize(<u64>v) + v));
    this.utf8(1, key, k);
    this.utf8(2, value, v);
  }
}

// The UTF-8 length of `s` (a lone surrogate as U+FFFD, as the encoder writes it).
// @ts-ignore: decorator
@inline function utf8Length(s: string): usize {
  return encodeUtf8(changetype<usize>(s), <usize>s.length, 0);
}
