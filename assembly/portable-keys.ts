// Portable keys: an opt-in, reversible encoding that makes any key legal on every store Tarmac
// runs on (`kv.portable()`). NATS key:value holds only keys of -/_=.a-zA-Z0-9 without a leading or
// trailing dot, and a key past its control line (about 4 KB) ends Tarmac's NATS connection; the
// other stores take more. The rule:
// - a key that NATS holds as it is, and that does not start with PREFIX, passes through unchanged
//   (so data stored before keeps its keys);
// - any other key is stored as PREFIX + the unpadded base64url of its UTF-8 (which NATS holds);
// - a stored key that is exactly such an encoding is given back decoded by `keys()`; any other
//   stored key is given back as it is;
// - a key longer than MAX_PORTABLE_KEY_BYTES once stored is refused before any host call.

import { base64Encode, base64Decode } from "./base64";
import { bytes, decodeUtf8 } from "./utf8";
import { MAX_PORTABLE_KEY_BYTES } from "./limits";

/** What an encoded key starts with: "=" and "_" are both legal on NATS, and rare at the start of a key. */
export const PORTABLE_PREFIX = "=_";

// Whether NATS holds `key` as it is: letters, digits and -/_=. only, no leading or trailing dot.
function natsHolds(key: string): bool {
  const n = key.length;
  if (n == 0 || key.charCodeAt(0) == 0x2e || key.charCodeAt(n - 1) == 0x2e) return false;
  for (let i = 0; i < n; i++) {
    const c = key.charCodeAt(i);
    const letter = (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a;
    const digit = c >= 0x30 && c <= 0x39;
    if (!letter && !digit && c != 0x2d && c != 0x2f && c != 0x5f && c != 0x3d && c != 0x2e) return false;
  }
  return true;
}

/**
 * The key as the store holds it, or null when that is longer than MAX_PORTABLE_KEY_BYTES. `key`
 * is valid text (no lone surrogate: the caller checks).
 *
 * ```ts
 * portableKey("user-42");   // "user-42"
 * portableKey("user:42");   // "=_dXNlcjo0Mg"
 * ```
 */
export function portableKey(key: string): string | null {
  // Either form holds at least one byte per character: a key this long can only be too long.
  if (key.length > <i32>MAX_PORTABLE_KEY_BYTES) return null;
  const stored = natsHolds(key) && !key.startsWith(PORTABLE_PREFIX) ? key
    : PORTABLE_PREFIX + base64Encode(bytes(key)).replaceAll("+", "-").replaceAll("/", "_").replaceAll("=", "");
  return stored.length > <i32>MAX_PORTABLE_KEY_BYTES ? null : stored;
}

/**
 * The key a stored key was made from (the same key when it is not an encoded one).
 *
 * ```ts
 * naturalKey("=_dXNlcjo0Mg"); // "user:42"
 * naturalKey("user-42");      // "user-42"
 * ```
 */
export function naturalKey(stored: string): string {
  if (!stored.startsWith(PORTABLE_PREFIX)) return stored;
  let text = stored.substring(PORTABLE_PREFIX.length);
  if (text.includes("=")) return stored; // padding: not an encoded key
  text = text.replaceAll("-", "+").replaceAll("_", "/");
  while (text.length & 3) text += "=";
  const raw = base64Decode(text);
  if (raw === null) return stored;
  const key = decodeUtf8(raw.dataStart, raw.length);
  // Only the exact encoding of a key decodes to it, so no two stored keys give the same key.
  return key !== null && key.length > 0 && portableKey(key) == stored ? key : stored;
}
