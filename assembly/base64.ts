// Standard padded base64 (RFC 4648 section 4), the encoding Tarmac's Go host uses for `data`.
//
// Replaces as-base64 on our path: it traps on unpadded input, whitespace and non-ASCII, decodes
// non-alphabet characters to zero bytes and reads past padding (tests/base64.test.mjs shows
// each), and is 10-20x slower. This codec is strict - anything that is not the canonical
// encoding of some bytes is rejected - never traps, and works on raw memory so a value goes
// straight from the host's reply into the result without an intermediate string.
//
// Its lookup tables are built on first use in heap memory, so they cost nothing in the module.

// @ts-ignore: decorator
@lazy @inline const ALPHABET: string = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const INVALID: u32 = 0x01FFFFFF;

let encodeTable: usize = 0; // 4096 x u16: two output characters for each 12-bit input
let decodeTable: usize = 0; // 4 x 256 x u32: each character's bits, pre-shifted for its position

function buildTables(): void {
  encodeTable = heap.alloc(4096 << 1);
  const alpha = changetype<usize>(ALPHABET);
  for (let v: u32 = 0; v < 4096; v++) {
    const hi = <u32>load<u16>(alpha + ((v >> 6) << 1));
    const lo = <u32>load<u16>(alpha + ((v & 63) << 1));
    store<u16>(encodeTable + (v << 1), <u16>(hi | (lo << 8)));
  }
  decodeTable = heap.alloc(4 * 256 * 4);
  for (let c: u32 = 0; c < 256; c++) {
    let v: u32 = INVALID;
    if (c >= 65 && c <= 90) v = c - 65;
    else if (c >= 97 && c <= 122) v = c - 71;
    else if (c >= 48 && c <= 57) v = c + 4;
    else if (c == 43) v = 62;
    else if (c == 47) v = 63;
    const ok = v != INVALID;
    store<u32>(decodeTable + (c << 2), ok ? v << 2 : INVALID);
    store<u32>(decodeTable + 1024 + (c << 2), ok ? (v >> 4) | ((v & 15) << 12) : INVALID);
    store<u32>(decodeTable + 2048 + (c << 2), ok ? ((v >> 2) << 8) | ((v & 3) << 22) : INVALID);
    store<u32>(decodeTable + 3072 + (c << 2), ok ? v << 16 : INVALID);
  }
}

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
 * encodeBase64To(changetype<usize>(bytes.buffer), bytes.length, out);
 * ```
 */
export function encodeBase64To(src: usize, n: usize, dst: usize): void {
  if (encodeTable == 0) buildTables();
  const table = encodeTable;
  const end = src + n - n % 3;
  // Main loop: 6 input bytes -> 8 output bytes per iteration.
  while (src + 6 <= end) {
    const a = (<u32>load<u8>(src) << 16) | (<u32>load<u8>(src, 1) << 8) | <u32>load<u8>(src, 2);
    const b = (<u32>load<u8>(src, 3) << 16) | (<u32>load<u8>(src, 4) << 8) | <u32>load<u8>(src, 5);
    const w0 = <u64>load<u16>(table + ((a >> 12) << 1)) | (<u64>load<u16>(table + ((a & 0xFFF) << 1)) << 16);
    const w1 = <u64>load<u16>(table + ((b >> 12) << 1)) | (<u64>load<u16>(table + ((b & 0xFFF) << 1)) << 16);
    store<u64>(dst, w0 | (w1 << 32));
    src += 6; dst += 8;
  }
  if (src < end) {
    const a = (<u32>load<u8>(src) << 16) | (<u32>load<u8>(src, 1) << 8) | <u32>load<u8>(src, 2);
    store<u32>(dst, <u32>load<u16>(table + ((a >> 12) << 1)) | (<u32>load<u16>(table + ((a & 0xFFF) << 1)) << 16));
    src += 3; dst += 4;
  }
  const rest = n % 3;
  if (rest != 0) {
    const alpha = changetype<usize>(ALPHABET);
    const b0 = <u32>load<u8>(src);
    const b1 = rest == 2 ? <u32>load<u8>(src, 1) : 0;
    store<u8>(dst, <u8>load<u16>(alpha + ((b0 >> 2) << 1)));
    store<u8>(dst, <u8>load<u16>(alpha + ((((b0 & 3) << 4) | (b1 >> 4)) << 1)), 1);
    store<u8>(dst, rest == 2 ? <u8>load<u16>(alpha + (((b1 & 15) << 2) << 1)) : 61, 2);
    store<u8>(dst, 61, 3);
  }
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
 * if (!decodeBase64To(ptr, len, out)) return invalid;
 * ```
 */
export function decodeBase64To(src: usize, len: usize, dst: usize): bool {
  if (len == 0) return true;
  if (len & 3) return false;
  if (decodeTable == 0) buildTables();
  const t = decodeTable;
  const last = src + len - 4;
  let bad: u32 = 0;
  // All groups but the last: 4 characters -> 3 bytes, written as one u32 whose 4th byte the
  // next group overwrites (the last group always writes at least one byte).
  while (src < last) {
    const w = load<u32>(src);
    const x = load<u32>(t + ((w & 0xFF) << 2))
      | load<u32>(t + 1024 + (((w >> 8) & 0xFF) << 2))
      | load<u32>(t + 2048 + (((w >> 16) & 0xFF) << 2))
      | load<u32>(t + 3072 + ((w >> 24) << 2));
    bad |= x;
    store<u32>(dst, x);
    src += 4; dst += 3;
  }
  if (bad >= 0x01000000) return false;
  // The last group, which may carry padding.
  const c0 = <u32>load<u8>(src), c1 = <u32>load<u8>(src, 1);
  const c2 = <u32>load<u8>(src, 2), c3 = <u32>load<u8>(src, 3);
  const a = load<u32>(t + (c0 << 2)) | load<u32>(t + 1024 + (c1 << 2));
  if (a >= 0x01000000) return false;
  if (c3 != 61) {
    const x = a | load<u32>(t + 2048 + (c2 << 2)) | load<u32>(t + 3072 + (c3 << 2));
    if (x >= 0x01000000) return false;
    store<u8>(dst, <u8>x); store<u8>(dst, <u8>(x >> 8), 1); store<u8>(dst, <u8>(x >> 16), 2);
    return true;
  }
  if (c2 != 61) {
    const x = a | load<u32>(t + 2048 + (c2 << 2));
    if (x >= 0x01000000 || (x >> 16) != 0) return false; // leftover bits must be zero
    store<u8>(dst, <u8>x); store<u8>(dst, <u8>(x >> 8), 1);
    return true;
  }
  if (((a >> 8) & 0xFF) != 0) return false; // leftover bits must be zero
  store<u8>(dst, <u8>a);
  return true;
}

/**
 * Base64 text of `bytes`.
 *
 * ```ts
 * base64Encode(String.UTF8.encode("hi")) // "aGk="
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
  const utf8 = String.UTF8.encode(text);
  const p = changetype<usize>(utf8);
  const n = base64DecodedLength(p, utf8.byteLength);
  if (n < 0) return null;
  const out = new Uint8Array(<i32>n);
  return decodeBase64To(p, utf8.byteLength, out.dataStart) ? out : null;
}
