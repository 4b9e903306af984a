// A small JSON writer and reader that work on UTF-8 bytes in memory. Generic JSON: what Tarmac's
// wire adds to it (the protobuf guard, the escaped `|`, statuses and base64 fields) is in
// tarmac-json.ts.
//
// Replaces json-as on the SDK's path: json-as traps on invalid JSON, on an empty body, on a
// number where a string is declared and on `"data":null`, and silently misreads numbers
// (tests/libraries.test.mjs shows it). A guest in a pooled instance must survive anything the
// host sends, so the reader validates as it goes and reports failure instead of trapping. The
// writer escapes exactly as JSON.stringify does and writes UTF-8 straight into one buffer.

import { base64EncodedLength, encodeBase64To } from "./base64";
import { utf8Sequence, decodeUtf8, utf8Size, storeUtf8 } from "./utf8";
import { requestBuffer, requestCapacity, requestSent } from "./buffers";
import { MAX_JSON_DEPTH } from "./limits";

// "0123456789abcdef", for \u00XX escapes.
const HEX = memory.data<u8>([48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 97, 98, 99, 100, 101, 102]);
// The letter after the backslash for control characters 8-13 (0: none, 11 is written as \u000b).
const SHORT_ESCAPES = memory.data<u8>([98, 116, 110, 0, 102, 114]);

/**
 * Builds one JSON document in the SDK's request buffer (buffers.ts, rule 1). Only one writer is
 * in use at a time: the SDK builds a document, uses it, and is done with it before the next.
 *
 * ```ts
 * const w = JsonWriter.begin(64);
 * w.startObject(); w.key("name"); w.string("Ada"); w.endObject();
 * const copy = new Uint8Array(<i32>w.length);
 * memory.copy(copy.dataStart, w.ptr, w.length);
 * w.end();
 * ```
 */
export class JsonWriter {
  /** Start of the document. */
  ptr: usize = 0;
  /** Bytes written so far. */
  length: usize = 0;
  private cap: usize = 0;
  private needComma: bool = false;

  /** The writer `begin` hands out (one document at a time). */
  static shared: JsonWriter | null = null;

  /** A writer reset for a new document with room for about `sizeHint` bytes. */
  static begin(sizeHint: usize): JsonWriter {
    let w = JsonWriter.shared;
    if (!w) { w = new JsonWriter(); JsonWriter.shared = w; }
    w.ptr = requestBuffer(sizeHint); w.cap = requestCapacity(); w.length = 0; w.needComma = false;
    return w;
  }

  /** Call once the document has been used: the buffer goes back (buffers.ts, rule 1). */
  end(): void {
    requestSent();
  }

  /** Writes `n` raw bytes that are not JSON (whitespace before a document, for instance). */
  raw(src: usize, n: usize): void {
    memory.copy(this.ensure(n), src, n);
    this.length += n;
  }

  private ensure(extra: usize): usize {
    const need = this.length + extra;
    if (need > this.cap) {
      this.ptr = requestBuffer(need); this.cap = requestCapacity();
    }
    return this.ptr + this.length;
  }

  private byte(b: u8): void {
    store<u8>(this.ensure(1), b);
    this.length++;
  }

  private comma(): void {
    if (this.needComma) this.byte(44);
  }

  startObject(): void { this.comma(); this.byte(123); this.needComma = false; }
  endObject(): void { this.byte(125); this.needComma = true; }
  startArray(): void { this.comma(); this.byte(91); this.needComma = false; }
  endArray(): void { this.byte(93); this.needComma = true; }

  /** Writes an object key, escaped as JSON.stringify does; the next value belongs to it. */
  key(name: string): void {
    this.string(name);
    this.colon();
  }

  /** Ends an object key written as a string (by `stringEscaping`): the next value belongs to it. */
  colon(): void {
    this.byte(58);
    this.needComma = false;
  }

  /** Writes `s` as a JSON string exactly as JSON.stringify does (lone surrogates as `\udXXX`). */
  string(s: string): void {
    this.writeString(s, 0, true);
  }

  /**
   * Writes `s` as `string` does, but with the ASCII character `also` escaped as `\u00XX` too
   * (the same JSON text to any reader, without that byte), for text the caller has checked
   * holds no lone surrogate (one would be left out). Inlined: call it from one function of
   * your own with a constant `also`.
   */
  // @ts-ignore: decorator
  @inline stringEscaping(s: string, also: u32): void {
    this.writeString(s, also, false);
  }

  // Inlined with constant `also` and `lossless`, so each caller carries only its own form.
  // @ts-ignore: decorator
  @inline private writeString(s: string, also: u32, lossless: bool): void {
    this.comma();
    const n = s.length;
    // Worst case: every UTF-16 unit becomes a 6-byte \u00XX escape.
    let o = this.ensure(<usize>n * 6 + 2);
    const start = o;
    store<u8>(o++, 34);
    const p = changetype<usize>(s);
    for (let i = 0; i < n; i++) {
      const c = <u32>load<u16>(p + (<usize>i << 1));
      if (c < 0x80) {
        if (c >= 0x20 && c != 34 && c != 92 && c != also) { store<u8>(o++, <u8>c); continue; }
        store<u8>(o++, 92);
        // \" and \\, then the short escapes JSON.stringify uses (\b \t \n \f \r), else \u00XX.
        const short = c == 34 || c == 92 ? c : c - 8 < 6 ? <u32>load<u8>(SHORT_ESCAPES + c - 8) : 0;
        if (short) { store<u8>(o++, <u8>short); continue; }
        store<u32>(o, 0x00303075); // "u00", then two hex digits
        store<u8>(o + 3, load<u8>(HEX + (c >> 4)));
        store<u8>(o + 4, load<u8>(HEX + (c & 15)));
        o += 5;
      } else {
        let cp = c;
        if (c - 0xD800 < 0x800) {
          // A surrogate: must be a high one followed by a low one.
          const d = i + 1 < n ? <u32>load<u16>(p + (<usize>(i + 1) << 1)) : 0;
          if (c >= 0xDC00 || d - 0xDC00 >= 0x400) {
            if (!lossless) continue;
            store<u32>(o, 0x0064755C); // "\ud"
            store<u8>(o + 3, load<u8>(HEX + ((c >> 8) & 15)));
            store<u8>(o + 4, load<u8>(HEX + ((c >> 4) & 15)));
            store<u8>(o + 5, load<u8>(HEX + (c & 15)));
            o += 6;
            continue;
          }
          i++;
          cp = 0x10000 + ((c - 0xD800) << 10) + (d - 0xDC00);
        }
        const size = utf8Size(cp);
        storeUtf8(o, cp, size);
        o += size;
      }
    }
    store<u8>(o++, 34);
    this.length += o - start;
    this.needComma = true;
  }

  /** Writes `n` bytes at `src` as a base64 JSON string. */
  base64(src: usize, n: usize): void {
    this.comma();
    const len = base64EncodedLength(n);
    const o = this.ensure(len + 2);
    store<u8>(o, 34);
    encodeBase64To(src, n, o + 1);
    store<u8>(o + 1 + len, 34);
    this.length += len + 2;
    this.needComma = true;
  }

  /** Writes `null`. */
  null(): void {
    this.comma();
    store<u32>(this.ensure(4), 0x6C6C756E);
    this.length += 4;
    this.needComma = true;
  }

  /** Writes `true` or `false`. */
  bool(b: bool): void {
    this.comma();
    if (b) { store<u32>(this.ensure(4), 0x65757274); this.length += 4; }
    else { const o = this.ensure(5); store<u32>(o, 0x736C6166); store<u8>(o + 4, 0x65); this.length += 5; }
    this.needComma = true;
  }

  /** Writes `text`, a JSON number already validated, as it is. */
  numberText(text: string): void {
    this.comma();
    for (let i = 0; i < text.length; i++) this.byte(<u8>text.charCodeAt(i));
    this.needComma = true;
  }

  /** Writes a finite number (the caller rejects NaN and infinities). */
  number(v: f64): void {
    this.comma();
    const s = numberText(v);
    for (let i = 0; i < s.length; i++) this.byte(<u8>s.charCodeAt(i));
    this.needComma = true;
  }
}

/**
 * A finite number as JSON writes it: an integer without a fraction, else the shortest decimal.
 * `numberText(2.0)` is "2", `numberText(0.5)` is "0.5".
 */
export function numberText(v: f64): string {
  return v == Math.floor(v) && Math.abs(v) < 9007199254740992 ? (<i64>v).toString() : v.toString();
}

/** The kind of the next value in a `JsonReader`. */
export enum JsonType { Invalid, Null, Bool, Number, String, Array, Object }


/**
 * A validating pull reader over UTF-8 JSON. It never traps: every failure sets `failed` and
 * every later call returns a neutral value.
 *
 * ```ts
 * const r = JsonReader.over(ptr, len);
 * let code: i64 = 0;
 * if (r.startObject()) while (r.nextKey()) { if (r.keyIs("code")) code = r.int(0, 999); else r.skip(); }
 * r.finish();
 * ```
 */
export class JsonReader {
  private pos: usize;
  private end: usize;
  /** True once anything was malformed. */
  failed: bool = false;
  /** Where the last key's text starts and ends (raw bytes, between the quotes). */
  private keyStart: usize = 0;
  private keyEnd: usize = 0;
  private keyEscaped: bool = false;
  private first: bool = true;
  /** Raw span of the last string read with `stringSpan` (valid when `spanEscaped` is false). */
  spanStart: usize = 0;
  spanEnd: usize = 0;
  spanEscaped: bool = false;
  /** Set by `int` when the number was not an integer in range. */
  badNumber: bool = false;

  constructor(ptr: usize, len: usize) {
    this.pos = ptr;
    this.end = ptr + len;
  }

  /** The reader `over` hands out (one reply at a time). */
  static shared: JsonReader | null = null;

  /** A reader over `len` bytes at `ptr`, reusing one object (use it before the next `over`). */
  static over(ptr: usize, len: usize): JsonReader {
    let r = JsonReader.shared;
    if (!r) { r = new JsonReader(ptr, len); JsonReader.shared = r; }
    r.pos = ptr; r.end = ptr + len; r.failed = false; r.first = true; r.badNumber = false;
    return r;
  }

  /**
   * Consumes a string expected to hold plain ASCII such as base64, finding its end quickly. Its
   * content is not validated here (the caller decodes it strictly); a string with escapes
   * falls back to `stringSpan`.
   */
  plainSpan(): bool {
    if (this.peek() != JsonType.String) return this.fail();
    const start = this.pos + 1;
    const e = this.end;
    let p = start;
    if (ASC_FEATURE_SIMD) {
      while (p + 16 <= e) {
        const v = v128.load(p);
        const hits = i8x16.bitmask(v128.or(i8x16.eq(v, i8x16.splat(34)), i8x16.eq(v, i8x16.splat(92))));
        if (hits) { p += ctz(hits); break; }
        p += 16;
      }
    }
    while (p < e) {
      const c = load<u8>(p);
      if (c == 34 || c == 92) break;
      p++;
    }
    if (p >= e || load<u8>(p) == 92) return this.stringSpan();
    this.spanStart = start;
    this.spanEnd = p;
    this.spanEscaped = false;
    this.pos = p + 1;
    return true;
  }

  private fail(): bool {
    this.failed = true;
    this.pos = this.end;
    return false;
  }

  private ws(): void {
    let p = this.pos;
    const e = this.end;
    while (p < e) {
      const c = load<u8>(p);
      if (c != 32 && c != 10 && c != 13 && c != 9) break;
      p++;
    }
    this.pos = p;
  }

  /** The type of the next value, without consuming it. */
  peek(): JsonType {
    this.ws();
    if (this.failed || this.pos >= this.end) return JsonType.Invalid;
    const c = load<u8>(this.pos);
    if (c == 34) return JsonType.String;
    if (c == 123) return JsonType.Object;
    if (c == 91) return JsonType.Array;
    if (c == 110) return JsonType.Null;
    if (c == 116 || c == 102) return JsonType.Bool;
    if (c == 45 || (c >= 48 && c <= 57)) return JsonType.Number;
    return JsonType.Invalid;
  }

  private literal(word: u32, len: usize): bool {
    if (this.pos + len > this.end) return this.fail();
    const w = len == 4 ? load<u32>(this.pos) : load<u32>(this.pos + 1);
    if (w != word) return this.fail();
    this.pos += len;
    return true;
  }

  /** Consumes `null`. */
  null(): bool {
    return this.peek() == JsonType.Null ? this.literal(0x6C6C756E, 4) : this.fail();
  }

  /** Consumes `true` or `false` and returns it (false, with `failed`, if it is neither). */
  bool(): bool {
    if (this.peek() != JsonType.Bool) return this.fail();
    if (load<u8>(this.pos) == 116) return this.literal(0x65757274, 4);
    this.literal(0x65736C61, 5);
    return false;
  }

  /** Consumes `{`. Then call `nextKey` until it returns false. */
  startObject(): bool {
    return this.open(JsonType.Object);
  }

  /** Moves to the next key of the current object; false (and past `}`) at its end. */
  nextKey(): bool {
    if (!this.advance(125)) return false;
    this.ws();
    if (!this.stringSpan()) return false;
    this.keyStart = this.spanStart; this.keyEnd = this.spanEnd; this.keyEscaped = this.spanEscaped;
    this.ws();
    if (this.pos >= this.end || load<u8>(this.pos) != 58) return this.fail();
    this.pos++;
    return true;
  }

  private open(type: JsonType): bool {
    if (this.peek() != type) return this.fail();
    this.pos++;
    this.first = true;
    return true;
  }

  // Steps over the `,` before a member, or past the `close` byte that ends the container.
  private advance(close: u8): bool {
    this.ws();
    if (this.failed || this.pos >= this.end) return this.fail();
    const c = load<u8>(this.pos);
    if (c == close) { this.pos++; this.first = false; return false; }
    if (!this.first) {
      if (c != 44) return this.fail();
      this.pos++;
    }
    this.first = false;
    return true;
  }

  /** Where the next value starts (after whitespace); pair with `textSince`. */
  mark(): usize {
    this.ws();
    return this.pos;
  }

  /** The raw JSON text from `start` (a `mark`) to the current position. */
  textSince(start: usize): string {
    return changetype<string>(decodeUtf8(start, this.pos - start, true));
  }

  /** The current key's text. */
  keyText(): string {
    const saveStart = this.spanStart, saveEnd = this.spanEnd, saveEscaped = this.spanEscaped;
    this.spanStart = this.keyStart; this.spanEnd = this.keyEnd; this.spanEscaped = this.keyEscaped;
    const k = this.spanText();
    this.spanStart = saveStart; this.spanEnd = saveEnd; this.spanEscaped = saveEscaped;
    return k;
  }

  /** Whether the current key equals `name`, ignoring ASCII case as Go's encoding/json does. */
  keyIs(name: string): bool {
    let p = this.keyStart;
    let n = this.keyEnd - p;
    let shift: usize = 0; // raw bytes, or (rarely, for a key with escapes) its UTF-16 text
    if (this.keyEscaped) {
      const k = this.keyText();
      p = changetype<usize>(k); n = <usize>k.length; shift = 1;
    }
    if (n != <usize>name.length) return false;
    const q = changetype<usize>(name);
    for (let i: usize = 0; i < n; i++) {
      const a = shift ? <u32>load<u16>(p + (i << 1)) : <u32>load<u8>(p + i);
      if (!sameLetter(a, <u32>load<u16>(q + (i << 1)))) return false;
    }
    return true;
  }

  /** Consumes `[`. Then call `nextItem` before each element until it returns false. */
  startArray(): bool {
    return this.open(JsonType.Array);
  }

  /** True if another element follows in the current array; false (and past `]`) at its end. */
  nextItem(): bool {
    return this.advance(93);
  }

  /**
   * Consumes a string, validating it, and records its raw span. `spanEscaped` tells whether it
   * held escapes (then use `string()` to get its text).
   */
  stringSpan(): bool {
    if (this.peek() != JsonType.String) return this.fail();
    let p = this.pos + 1;
    const e = this.end;
    this.spanStart = p;
    let escaped = false;
    while (true) {
      if (p >= e) return this.fail();
      const c = <u32>load<u8>(p);
      if (c == 34) break;
      if (c < 0x20) return this.fail();
      if (c == 92) {
        escaped = true;
        if (p + 1 >= e) return this.fail();
        const x = <u32>load<u8>(p + 1);
        if (x == 117) {
          if (p + 6 > e) return this.fail();
          for (let k: usize = 2; k < 6; k++) if (hexValue(load<u8>(p + k)) < 0) return this.fail();
          p += 6;
        } else if (x == 34 || x == 92 || x == 47 || x == 98 || x == 102 || x == 110 || x == 114 || x == 116) {
          p += 2;
        } else return this.fail();
        continue;
      }
      if (c < 0x80) { p++; continue; }
      const seq = utf8Sequence(p, e);
      if (seq == 0) return this.fail();
      p += seq >> 21;
    }
    this.spanEnd = p;
    this.spanEscaped = escaped;
    this.pos = p + 1;
    return true;
  }

  /**
   * Consumes a string and returns its text, or null (and `failed`) if it is not a valid
   * string. Escaped lone surrogates become U+FFFD, as in Go.
   */
  string(): string | null {
    if (!this.stringSpan()) return null;
    return this.spanText();
  }

  /** The text of the string last read by `stringSpan`. */
  spanText(): string {
    const start = this.spanStart, end = this.spanEnd;
    if (!this.spanEscaped) return changetype<string>(decodeUtf8(start, end - start, true));
    // Unescape into UTF-8, then decode that. The UTF-8 is never longer than the raw text: each
    // escape (2, 6 or 12 bytes) becomes 1 to 4 bytes, and `stringSpan` checked the rest.
    const buf = heap.alloc(end - start);
    let o = buf;
    let p = start;
    while (p < end) {
      let c = <u32>load<u8>(p);
      if (c != 92) { store<u8>(o++, <u8>c); p++; continue; }
      const x = <u32>load<u8>(p + 1);
      p += 2;
      if (x == 117) {
        c = hex4(p);
        p += 4;
        if (c - 0xD800 < 0x800) {
          // A surrogate escape: kept only as the first half of a valid pair, else U+FFFD (as in Go).
          const d = p + 6 <= end && load<u8>(p) == 92 && load<u8>(p + 1) == 117 ? hex4(p + 2) : 0;
          if (c < 0xDC00 && d - 0xDC00 < 0x400) { c = 0x10000 + ((c - 0xD800) << 10) + (d - 0xDC00); p += 6; }
          else c = 0xFFFD;
        }
      } else {
        c = x == 98 ? 8 : x == 102 ? 12 : x == 110 ? 10 : x == 114 ? 13 : x == 116 ? 9 : x;
      }
      const n = utf8Size(c);
      storeUtf8(o, c, n);
      o += n;
    }
    const text = decodeUtf8(buf, o - buf, true);
    heap.free(buf);
    return changetype<string>(text);
  }

  /**
   * Consumes a number and returns it as an integer in [min, max]. A number with a fraction or
   * an exponent, or out of range, sets `badNumber` (as decoding into a Go int field fails) but
   * leaves the reader usable; anything that is not a number fails the reader.
   */
  int(min: i64, max: i64): i64 {
    this.badNumber = false;
    if (!this.numberSpan()) return 0;
    let p = this.spanStart;
    const e = this.spanEnd;
    const neg = load<u8>(p) == 45;
    if (neg) p++;
    if (e - p > 18) { this.badNumber = true; return 0; }
    let v: i64 = 0;
    while (p < e) {
      const c = load<u8>(p++);
      if (!isDigit(c)) { this.badNumber = true; return 0; }
      v = v * 10 + (c - 48);
    }
    if (neg) v = -v;
    if (v < min || v > max) { this.badNumber = true; return 0; }
    return v;
  }

  /** Consumes a number, validating it against JSON's number grammar; its text is at `spanStart..spanEnd`. */
  numberSpan(): bool {
    if (this.peek() != JsonType.Number) return this.fail();
    const start = this.pos;
    const e = this.end;
    let p = start + usize(load<u8>(start) == 45);
    // Integer part: "0" or a digit run that does not start with 0.
    let d = digitsEnd(p, e);
    if (d == p || (load<u8>(p) == 48 && d > p + 1)) return this.fail();
    p = d;
    if (p < e && load<u8>(p) == 46) {
      d = digitsEnd(++p, e);
      if (d == p) return this.fail();
      p = d;
    }
    if (p < e && (load<u8>(p) | 32) == 101) {
      p++;
      if (p < e && (load<u8>(p) == 43 || load<u8>(p) == 45)) p++;
      d = digitsEnd(p, e);
      if (d == p) return this.fail();
      p = d;
    }
    this.spanStart = start;
    this.spanEnd = p;
    this.pos = p;
    return true;
  }

  /** Consumes any value, validating it. */
  skip(): bool {
    return this.skipDepth(0);
  }

  private skipDepth(depth: i32): bool {
    if (depth > MAX_JSON_DEPTH) return this.fail();
    switch (this.peek()) {
      case JsonType.Null: return this.null();
      case JsonType.Bool: { this.bool(); return !this.failed; }
      case JsonType.Number: return this.numberSpan();
      case JsonType.String: return this.stringSpan();
      case JsonType.Array: {
        if (!this.startArray()) return false;
        while (this.nextItem()) {
          if (!this.skipDepth(depth + 1)) return false;
        }
        return !this.failed;
      }
      case JsonType.Object: {
        if (!this.startObject()) return false;
        while (this.nextKey()) {
          if (!this.skipDepth(depth + 1)) return false;
        }
        return !this.failed;
      }
    }
    return this.fail();
  }

  /** After the top-level value: true if only whitespace remains and nothing failed. */
  finish(): bool {
    this.ws();
    if (this.pos != this.end) this.fail();
    return !this.failed;
  }
}

// @ts-ignore: decorator
@inline function isDigit(c: u8): bool {
  return c >= 48 && c <= 57;
}

// Where the run of ASCII digits starting at p ends.
function digitsEnd(p: usize, e: usize): usize {
  while (p < e && isDigit(load<u8>(p))) p++;
  return p;
}

function hexValue(c: u8): i32 {
  if (c >= 48 && c <= 57) return c - 48;
  const l = c | 32;
  if (l >= 97 && l <= 102) return l - 87;
  return -1;
}

function hex4(p: usize): u32 {
  return (<u32>hexValue(load<u8>(p)) << 12) | (<u32>hexValue(load<u8>(p + 1)) << 8)
    | (<u32>hexValue(load<u8>(p + 2)) << 4) | <u32>hexValue(load<u8>(p + 3));
}

// Equal, ignoring ASCII case.
function sameLetter(a: u32, b: u32): bool {
  if (a == b) return true;
  const l = a | 32;
  return l == (b | 32) && l >= 97 && l <= 122;
}
