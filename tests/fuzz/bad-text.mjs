// Byte sequences and number texts at the edges of what JSON and UTF-8 allow, in one place: the
// fuzzers put them into host replies (hostile.mjs, caps.mjs) and payloads (payload.test.mjs), and
// the hand-written tests check each one.

/**
 * Not UTF-8, as a strict decoder (TextDecoder with `fatal`, Go's utf8.Valid) sees it: overlong
 * forms, UTF-16 surrogates encoded as UTF-8 (CESU-8), code points above U+10FFFF, bytes that
 * never start a sequence, and sequences cut short.
 */
export const INVALID_UTF8 = {
  "overlong '/' in 2 bytes (C0 AF)": [0xc0, 0xaf],
  "overlong NUL in 2 bytes (C0 80)": [0xc0, 0x80],
  "overlong U+007F in 2 bytes (C1 BF)": [0xc1, 0xbf],
  "overlong '/' in 3 bytes (E0 80 AF)": [0xe0, 0x80, 0xaf],
  "overlong U+07FF in 3 bytes (E0 9F BF)": [0xe0, 0x9f, 0xbf],
  "overlong '/' in 4 bytes (F0 80 80 AF)": [0xf0, 0x80, 0x80, 0xaf],
  "overlong U+FFFF in 4 bytes (F0 8F BF BF)": [0xf0, 0x8f, 0xbf, 0xbf],
  "high surrogate U+D800 (ED A0 80)": [0xed, 0xa0, 0x80],
  "low surrogate U+DFFF (ED BF BF)": [0xed, 0xbf, 0xbf],
  "a surrogate pair as CESU-8 (ED A0 BD ED B8 80)": [0xed, 0xa0, 0xbd, 0xed, 0xb8, 0x80],
  "U+110000, beyond U+10FFFF (F4 90 80 80)": [0xf4, 0x90, 0x80, 0x80],
  "F5 lead byte (F5 80 80 80)": [0xf5, 0x80, 0x80, 0x80],
  "5-byte form (F8 88 80 80 80)": [0xf8, 0x88, 0x80, 0x80, 0x80],
  "FF": [0xff],
  "FE": [0xfe],
  "a lone continuation byte (80)": [0x80],
  "a 3-byte sequence cut short (E2 82)": [0xe2, 0x82],
  "a 4-byte sequence cut short (F0 9F 98)": [0xf0, 0x9f, 0x98],
  "a lead byte then ASCII (C3 41)": [0xc3, 0x41],
};

/** Valid UTF-8 at the edges of each length and of the surrogate gap: must be read as text. */
export const VALID_UTF8_EDGES = {
  "U+0080 (C2 80)": [0xc2, 0x80],
  "U+07FF (DF BF)": [0xdf, 0xbf],
  "U+0800 (E0 A0 80)": [0xe0, 0xa0, 0x80],
  "U+D7FF, below the surrogates (ED 9F BF)": [0xed, 0x9f, 0xbf],
  "U+E000, above the surrogates (EE 80 80)": [0xee, 0x80, 0x80],
  "U+FFFF (EF BF BF)": [0xef, 0xbf, 0xbf],
  "U+10000 (F0 90 80 80)": [0xf0, 0x90, 0x80, 0x80],
  "U+10FFFF (F4 8F BF BF)": [0xf4, 0x8f, 0xbf, 0xbf],
};

/** Numbers with a leading zero, which JSON (and Go's encoding/json, and JSON.parse) rejects. */
export const LEADING_ZEROS = ["0200", "-01", "00", "-00", "007", "00.5", "01e2", "-0200", "0000"];

/** Numbers starting with zero that JSON allows. */
export const ZERO_NUMBERS = ["0", "-0", "0.5", "-0.0", "0e5", "0E-2", "-0.01e+3"];

/**
 * `text` with one of its numbers given a leading zero (`200` -> `0200`, `-1` -> `-01`, `0` ->
 * `00`) or replaced by one of LEADING_ZEROS; `r` is a fuzz PRNG (hostile.mjs rng). Numbers are
 * found after `:`, `[` or `,`, so one inside a string may be the one changed, which is fine:
 * the reference decides what the result means.
 */
export function withLeadingZero(r, text) {
  const spots = [...text.matchAll(/([:\[,]\s*)(-?)([0-9][0-9.eE+-]*)/g)];
  if (spots.length === 0) return text;
  const m = r.pick(spots);
  const at = m.index + m[1].length;
  const number = r.chance(0.5) ? `${m[2]}0${m[3]}` : r.pick(LEADING_ZEROS);
  return text.slice(0, at) + number + text.slice(at + m[2].length + m[3].length);
}

/** `bytes` with `seq` inserted just after one of its `"` (so usually inside a string). */
export function insertAfterQuote(r, bytes, seq) {
  const quotes = [];
  for (let i = 0; i < bytes.length; i++) if (bytes[i] === 34) quotes.push(i + 1);
  const at = quotes.length ? r.pick(quotes) : r.int(bytes.length + 1);
  return Buffer.concat([bytes.subarray(0, at), Buffer.from(seq), bytes.subarray(at)]);
}

/** One sequence from INVALID_UTF8 (three times in four) or VALID_UTF8_EDGES. */
export const utf8Edge = (r) => r.chance(0.75) ? r.pick(Object.values(INVALID_UTF8)) : r.pick(Object.values(VALID_UTF8_EDGES));
