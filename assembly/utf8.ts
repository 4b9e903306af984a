// Strict UTF-8: AssemblyScript's String.UTF8 accepts lone surrogates when encoding (WTF-8)
// and silently truncates invalid input when decoding. Keys and values must round-trip
// exactly, so the SDK checks both directions itself, and every string the SDK turns into
// bytes goes through the one encoder here.

/**
 * True when `s` is valid Unicode (no lone surrogates), so it can round-trip through UTF-8.
 *
 * ```ts
 * isValidUnicode("héllo") // true
 * ```
 */
export function isValidUnicode(s: string): bool {
  const p = changetype<usize>(s);
  const n = <usize>s.length << 1;
  for (let i: usize = 0; i < n; i += 2) {
    const c = <u32>load<u16>(p + i);
    if (c - 0xD800 < 0x800) {
      if (c >= 0xDC00 || i + 2 >= n) return false;
      const d = <u32>load<u16>(p + i + 2);
      if (d - 0xDC00 >= 0x400) return false;
      i += 2;
    }
  }
  return true;
}

/**
 * Decodes UTF-8 bytes, or returns null if they are not valid UTF-8 (overlongs, surrogates,
 * truncated sequences and values above U+10FFFF are all invalid). With `replace`, invalid
 * sequences become U+FFFD instead and the result is never null.
 *
 * ```ts
 * const s = decodeUtf8(body.dataStart, body.length); // null if not UTF-8
 * ```
 */
export function decodeUtf8(ptr: usize, len: usize, replace: bool = false): string | null {
  // Count first, so the string is allocated at its exact size.
  const units = decodeUtf8To(ptr, len, 0, replace);
  if (units < 0) return null;
  const out = __new(<usize>units << 1, idof<String>());
  decodeUtf8To(ptr, len, out, replace);
  return changetype<string>(out);
}

// Decodes UTF-8 into UTF-16 at `dst` (with `dst` 0 it only counts) and returns the number of
// UTF-16 units, or -1 at invalid UTF-8 unless `replace` makes that U+FFFD.
function decodeUtf8To(ptr: usize, len: usize, dst: usize, replace: bool): isize {
  let o = dst;
  const end = ptr + len;
  while (ptr < end) {
    let cp = <u32>load<u8>(ptr);
    let n: usize = 1;
    if (cp >= 0x80) {
      const seq = utf8Sequence(ptr, end);
      if (seq == 0) {
        if (!replace) return -1;
        cp = 0xFFFD;
      } else {
        cp = seq & 0x1FFFFF;
        n = seq >> 21;
      }
    }
    ptr += n;
    if (cp < 0x10000) {
      if (dst) store<u16>(o, <u16>cp);
      o += 2;
    } else {
      cp -= 0x10000;
      if (dst) store<u32>(o, (0xD800 | (cp >> 10)) | ((0xDC00 | (cp & 0x3FF)) << 16));
      o += 4;
    }
  }
  return <isize>((o - dst) >> 1);
}

/**
 * The multi-byte UTF-8 sequence at `p` (before `e`) as its code point plus its length (2-4)
 * times 2^21, or 0 if it is not valid UTF-8 (overlong, a surrogate, above U+10FFFF, cut short).
 *
 * ```ts
 * const seq = utf8Sequence(ptr, ptr + len); // 0xE9 | (2 << 21) for "é"
 * ```
 */
export function utf8Sequence(p: usize, e: usize): u32 {
  const b0 = <u32>load<u8>(p);
  const need: u32 = b0 < 0xC2 ? 0 : b0 < 0xE0 ? 1 : b0 < 0xF0 ? 2 : b0 < 0xF5 ? 3 : 0;
  if (need == 0 || p + need >= e) return 0;
  let cp = b0 & (0x3F >> need);
  for (let k: usize = 1; k <= need; k++) {
    const b = <u32>load<u8>(p + k);
    if ((b & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b & 0x3F);
  }
  // The smallest code point each length may carry: 0x80, 0x800, 0x10000.
  if (cp < (need == 1 ? 0x80 : 0x800 << ((need - 2) * 5)) || cp > 0x10FFFF || cp - 0xD800 < 0x800) return 0;
  return cp | ((need + 1) << 21);
}


/**
 * Writes `units` UTF-16 code units at `src` as UTF-8 at `dst` and returns the byte count;
 * with `dst` 0 it only counts. A lone surrogate becomes U+FFFD.
 *
 * ```ts
 * const n = encodeUtf8(changetype<usize>(key), key.length, 0); // bytes key takes as UTF-8
 * ```
 */
export function encodeUtf8(src: usize, units: usize, dst: usize): usize {
  let o = dst;
  const end = src + (units << 1);
  while (src < end) {
    let c = <u32>load<u16>(src);
    src += 2;
    if (c - 0xD800 < 0x800) {
      const d = src < end ? <u32>load<u16>(src) : 0;
      if (c < 0xDC00 && d - 0xDC00 < 0x400) { c = 0x10000 + ((c - 0xD800) << 10) + (d - 0xDC00); src += 2; }
      else c = 0xFFFD;
    }
    const n = utf8Size(c);
    if (dst) storeUtf8(o, c, n);
    o += n;
  }
  return o - dst;
}

/** Bytes code point `cp` takes in UTF-8 (1-4). `utf8Size(0xE9) // 2` */
// @ts-ignore: decorator
@inline export function utf8Size(cp: u32): usize {
  return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
}

/** Stores code point `cp` at `o` as its `n` UTF-8 bytes. `storeUtf8(out, 0xE9, 2)` */
export function storeUtf8(o: usize, cp: u32, n: usize): void {
  if (n == 1) { store<u8>(o, <u8>cp); return; }
  for (let k = n - 1; k > 0; k--) { store<u8>(o + k, <u8>(0x80 | (cp & 63))); cp >>= 6; }
  store<u8>(o, <u8>((0xFF00 >> <u32>n) | cp));
}

/**
 * Text as UTF-8 bytes (a lone surrogate becomes U+FFFD).
 *
 * ```ts
 * kv.set("k", bytes("v"));
 * ```
 */
export function bytes(s: string): Uint8Array {
  const p = changetype<usize>(s);
  const out = new Uint8Array(<i32>encodeUtf8(p, s.length, 0));
  encodeUtf8(p, s.length, out.dataStart);
  return out;
}
