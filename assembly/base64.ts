// Standard padded base64 (RFC 4648 section 4), the encoding Tarmac's Go host uses for `data`.
//
// Replaces as-base64 on our path: it traps on unpadded input, whitespace and non-ASCII, decodes
// non-alphabet characters to zero bytes and reads past padding (tests/base64.test.mjs shows
// each), and is 10-20x slower. This codec is strict - anything that is not the canonical
// encoding of some bytes is rejected - never traps, and works on raw memory so a value goes
// straight from the host's reply into the result without an intermediate string.

import { bytes } from "./utf8";
import { newBytes } from "./buffers";


// For the SIMD decoder: validity by low and high nibble, and the offset from character to sextet.
// @ts-ignore: decorator
@lazy const LUT_LO = v128(0x15, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x13, 0x1A, 0x1B, 0x1B, 0x1B, 0x1A);
// @ts-ignore: decorator
@lazy const LUT_HI = v128(0x10, 0x10, 0x01, 0x02, 0x04, 0x08, 0x04, 0x08, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10);
// @ts-ignore: decorator
@lazy const LUT_ROLL = v128(0, 16, 19, 4, -65, -65, -71, -71, 0, 0, 0, 0, 0, 0, 0, 0);
// @ts-ignore: decorator
@lazy const PACK = v128(2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1);
// For the SIMD encoder: bytes b0 b1 b2 to lane [b1, b0, b2, b1], and sextet -> ASCII offsets.
// @ts-ignore: decorator
@lazy const SPREAD = v128(1, 0, 2, 1, 4, 3, 5, 4, 7, 6, 8, 7, 10, 9, 11, 10);
// @ts-ignore: decorator
@lazy const LUT_SHIFT = v128(71, -4, -4, -4, -4, -4, -4, -4, -4, -4, -4, -19, -16, 65, 0, 0);

/**
 * The length of the base64 text for `n` bytes.
 *
 * ```ts
 * base64EncodedLength(5) // 8
 * ```
 */
// @ts-ignore: decorator
@inline export function base64EncodedLength(n: usize): usize {
  return ((n + 2) / 3) << 2;
}

/**
 * Writes the base64 of `n` bytes at `src` to `dst` (ASCII, `base64EncodedLength(n)` bytes).
 *
 * ```ts
 * encodeBase64To(body.dataStart, body.length, out); // body: a Uint8Array
 * ```
 */
export function encodeBase64To(src: usize, n: usize, dst: usize): void {
  const stop = src + n;
  const end = stop - n % 3;
  if (ASC_FEATURE_SIMD) {
    // 12 bytes -> 16 characters per step (Mula): spread each 3 bytes over a 32-bit lane, cut
    // out the four sextets with shifts, then map sextets to ASCII with one lookup of offsets.
    // Loads read 16 bytes, so stop while 16 remain.
    while (src + 16 <= end) {
      const u = i8x16.swizzle(v128.load(src), SPREAD);
      const even = v128.or(i16x8.shr_u(u, 10), v128.and(i16x8.shl(u, 4), i16x8.splat(0x3F00)));
      const odd = v128.or(v128.and(i16x8.shr_u(u, 6), i16x8.splat(0x3F)), v128.and(i16x8.shl(u, 8), i16x8.splat(0x3F00)));
      const sextets = v128.bitselect(even, odd, i32x4.splat(0x0000FFFF));
      const reduced = v128.or(i8x16.sub_sat_u(sextets, i8x16.splat(51)), v128.and(i8x16.lt_u(sextets, i8x16.splat(26)), i8x16.splat(13)));
      v128.store(dst, i8x16.add(sextets, i8x16.swizzle(LUT_SHIFT, reduced)));
      src += 12; dst += 16;
    }
  }
  // 3 bytes -> 4 characters (the SIMD loop above does the bulk when SIMD is enabled); a last
  // group of 1 or 2 bytes is padded with "=".
  while (src < stop) {
    const left = stop - src;
    const v = (<u32>load<u8>(src) << 16) | (left > 1 ? <u32>load<u8>(src, 1) << 8 : 0) | (left > 2 ? <u32>load<u8>(src, 2) : 0);
    store<u32>(dst, base64Char(v >> 18) | (base64Char((v >> 12) & 63) << 8)
      | ((left > 1 ? base64Char((v >> 6) & 63) : 61) << 16) | ((left > 2 ? base64Char(v & 63) : 61) << 24));
    src += 3; dst += 4;
  }
}

// The base64 character for sextet `x` (0-63).
function base64Char(x: u32): u32 {
  return x < 26 ? x + 65 : x < 52 ? x + 71 : x < 62 ? x - 4 : x == 62 ? 43 : 47;
}

/**
 * The number of bytes `len` characters of base64 decode to, or -1 if `len` characters cannot
 * be canonical padded base64. `src` is only read for its padding.
 *
 * ```ts
 * const n = base64DecodedLength(ptr, len);
 * ```
 */
export function base64DecodedLength(src: usize, len: usize): isize {
  if (len & 3) return -1;
  if (len == 0) return 0;
  let n = <isize>((len >> 2) * 3);
  if (load<u8>(src + len - 1) == 61) n -= load<u8>(src + len - 2) == 61 ? 2 : 1;
  return n;
}

/**
 * Decodes `len` characters of base64 at `src` into `dst`, which has room for exactly
 * `base64DecodedLength(src, len)` bytes. Returns false (dst partly written) if the text is not
 * canonical standard padded base64.
 *
 * ```ts
 * const valid = decodeBase64To(ptr, len, out); // false: not canonical base64
 * ```
 */
export function decodeBase64To(src: usize, len: usize, dst: usize): bool {
  if (len == 0) return true;
  if (len & 3) return false;
  const last = src + len - 4;
  if (ASC_FEATURE_SIMD) {
    // 16 characters -> 12 bytes per block (Mula's nibble lookups). Each 16-byte store runs 4
    // bytes past its output; the >= 20 characters left after it always overwrite those. Invalid
    // characters are collected and checked once, after the loop.
    let invalid = i8x16.splat(0);
    const lutLo = LUT_LO, lutHi = LUT_HI, lutRoll = LUT_ROLL, pack = PACK;
    const nibble = i8x16.splat(0x0F), slash = i8x16.splat(0x2F);
    const low8 = i16x8.splat(0x00FF), low16 = i32x4.splat(0x0000FFFF);
    while (src + 36 <= last) {
      // Two independent blocks per step, so their work overlaps: 2.4 times the speed of one
      // block per step, for about 500 bytes of code.
      const v = v128.load(src);
      const w = v128.load(src, 16);
      const hv = v128.and(i16x8.shr_u(v, 4), nibble);
      const hw = v128.and(i16x8.shr_u(w, 4), nibble);
      invalid = v128.or(invalid, v128.or(
        v128.and(i8x16.swizzle(lutLo, v128.and(v, nibble)), i8x16.swizzle(lutHi, hv)),
        v128.and(i8x16.swizzle(lutLo, v128.and(w, nibble)), i8x16.swizzle(lutHi, hw))));
      const sv = i8x16.add(v, i8x16.swizzle(lutRoll, i8x16.add(hv, i8x16.eq(v, slash))));
      const sw = i8x16.add(w, i8x16.swizzle(lutRoll, i8x16.add(hw, i8x16.eq(w, slash))));
      const pv = v128.or(i16x8.shl(v128.and(sv, low8), 6), i16x8.shr_u(sv, 8));
      const pw = v128.or(i16x8.shl(v128.and(sw, low8), 6), i16x8.shr_u(sw, 8));
      const tv = v128.or(i32x4.shl(v128.and(pv, low16), 12), i32x4.shr_u(pv, 16));
      const tw = v128.or(i32x4.shl(v128.and(pw, low16), 12), i32x4.shr_u(pw, 16));
      v128.store(dst, i8x16.swizzle(tv, pack));
      v128.store(dst + 12, i8x16.swizzle(tw, pack));
      src += 32; dst += 24;
    }
    while (src + 20 <= last) {
      const v = v128.load(src);
      const hiNibbles = v128.and(i16x8.shr_u(v, 4), nibble);
      const lo = i8x16.swizzle(lutLo, v128.and(v, nibble));
      const hi = i8x16.swizzle(lutHi, hiNibbles);
      invalid = v128.or(invalid, v128.and(lo, hi));
      const roll = i8x16.swizzle(lutRoll, i8x16.add(hiNibbles, i8x16.eq(v, slash)));
      const sextets = i8x16.add(v, roll);
      const pairs = v128.or(i16x8.shl(v128.and(sextets, low8), 6), i16x8.shr_u(sextets, 8));
      const triples = v128.or(i32x4.shl(v128.and(pairs, low16), 12), i32x4.shr_u(pairs, 16));
      v128.store(dst, i8x16.swizzle(triples, pack));
      src += 16; dst += 12;
    }
    if (v128.any_true(invalid)) return false;
  }
  // Groups of 4 characters -> 3 bytes (the SIMD loop above does the bulk when SIMD is
  // enabled). Only the last group may end in "=" or "==", and the bits its padding leaves
  // over must be zero, so every byte string has exactly one accepted encoding.
  while (src <= last) {
    const pad: u32 = src < last || load<u8>(src, 3) != 61 ? 0 : load<u8>(src, 2) == 61 ? 2 : 1;
    let v: u32 = 0;
    for (let k: u32 = 0; k < 4 - pad; k++) {
      const x = sextet(load<u8>(src + k));
      if (x > 63) return false;
      v = (v << 6) | x;
    }
    v <<= pad * 6;
    if (v & ((1 << (pad << 3)) - 1)) return false;
    store<u8>(dst, <u8>(v >> 16));
    if (pad < 2) store<u8>(dst, <u8>(v >> 8), 1);
    if (pad < 1) store<u8>(dst, <u8>v, 2);
    src += 4; dst += 3;
  }
  return true;
}

// The value of base64 character `c`, or 64 if it is not one.
// @ts-ignore: decorator
@inline function sextet(c: u32): u32 {
  return c - 65 < 26 ? c - 65 : c - 97 < 26 ? c - 71 : c - 48 < 10 ? c + 4 : c == 43 ? 62 : c == 47 ? 63 : 64;
}

/**
 * Base64 text of `bytes`.
 *
 * ```ts
 * base64Encode(bytes("hi")) // "aGk="
 * ```
 */
export function base64Encode(bytes: Uint8Array): string {
  const n = base64EncodedLength(bytes.length);
  const tmp = heap.alloc(n);
  encodeBase64To(bytes.dataStart, bytes.length, tmp);
  const s = String.UTF8.decodeUnsafe(tmp, n);
  heap.free(tmp);
  return s;
}

/**
 * The bytes of base64 `text`, or null if it is not canonical standard padded base64.
 *
 * ```ts
 * const bytes = base64Decode("aGk="); // [104, 105]
 * ```
 */
export function base64Decode(text: string): Uint8Array | null {
  const utf8 = bytes(text);
  const n = base64DecodedLength(utf8.dataStart, utf8.length);
  if (n < 0) return null;
  const out = Uint8Array.wrap(newBytes(<usize>n));
  return decodeBase64To(utf8.dataStart, utf8.length, out.dataStart) ? out : null;
}
