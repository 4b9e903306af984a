// Requests for the caps-probe test guest (tests/guests/caps-probe.ts), shared by every suite
// that drives it: [op u8][name length u32, in UTF-16 units][name as UTF-16LE][rest].

export const CapsOp = { LOG: 1, COUNTER: 2, GAUGE_INC: 3, GAUGE_DEC: 4, HISTOGRAM: 5, CALL: 6, CONSOLE: 7, ECHO: 8, HTTP: 9, SQL: 10, MYSQL: 11, FAKE_HOST: 12, FAKE_SAME_TWICE: 13, FLOAT_OF: 14, JSON_PAYLOAD: 15, RAW_CALL: 16, LOG_BYTES: 17, JSON_GET: 18 };

/** One request to caps-probe. */
export function capsRequest(op, name = "", rest = Buffer.alloc(0)) {
  const head = Buffer.alloc(5);
  head[0] = op;
  head.writeUInt32LE(name.length, 1);
  return Buffer.concat([head, Buffer.from(name, "utf16le"), Buffer.from(rest)]);
}

/** A float64, little-endian (the HISTOGRAM op's value). */
export const f64 = (v) => { const b = Buffer.alloc(8); b.writeDoubleLE(v); return b; };

const str16 = (s) => { const b = Buffer.alloc(4); b.writeUInt32LE(s.length); return Buffer.concat([b, Buffer.from(s, "utf16le")]); };

/** The HTTP op's request: one HttpRequest with these parts, sent by the guest. */
export function httpCallRequest(method, url, { headers = {}, insecure = false, body = Buffer.alloc(0) } = {}) {
  const parts = [Buffer.from([method.length]), Buffer.from(method), str16(url), Buffer.from([Object.keys(headers).length])];
  for (const [n, v] of Object.entries(headers)) {
    const nl = Buffer.alloc(2); nl.writeUInt16LE(n.length);
    parts.push(nl, Buffer.from(n, "utf16le"), str16(v));
  }
  parts.push(Buffer.from([insecure ? 1 : 0]), Buffer.from(body));
  return capsRequest(CapsOp.HTTP, "", Buffer.concat(parts));
}
