// Requests for the caps-probe test guest (tests/guests/caps-probe.ts), shared by every suite
// that drives it: [op u8][name length u32, in UTF-16 units][name as UTF-16LE][rest].

export const CapsOp = { LOG: 1, COUNTER: 2, GAUGE_INC: 3, GAUGE_DEC: 4, HISTOGRAM: 5, CALL: 6, CONSOLE: 7, ECHO: 8, HTTP: 9, SQL: 10, MYSQL: 11, FAKE_HOST: 12, FAKE_SAME_TWICE: 13, FLOAT_OF: 14, JSON_PAYLOAD: 15, RAW_CALL: 16, LOG_BYTES: 17, JSON_GET: 18, SQL_EXEC: 19, MYSQL_EXEC: 21, SQL_COLUMNS: 22, MYSQL_COLUMNS: 23, HTTP_VALUES: 24 }; // 20 is RECORDED (tests/guests/recording.ts)

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
  return httpRequestOp(CapsOp.HTTP, method, url, Object.entries(headers), { insecure, body });
}

/** The HTTP_VALUES op's request: `headers` as [name, value] pairs, each given with addHeader. */
export function httpValuesRequest(method, url, headers = [], { insecure = false, body = Buffer.alloc(0) } = {}) {
  return httpRequestOp(CapsOp.HTTP_VALUES, method, url, headers, { insecure, body });
}

function httpRequestOp(op, method, url, headers, { insecure, body }) {
  const parts = [Buffer.from([method.length]), Buffer.from(method), str16(url), Buffer.from([headers.length])];
  for (const [n, v] of headers) {
    const nl = Buffer.alloc(2); nl.writeUInt16LE(n.length);
    parts.push(nl, Buffer.from(n, "utf16le"), str16(v));
  }
  parts.push(Buffer.from([insecure ? 1 : 0]), Buffer.from(body));
  return capsRequest(op, "", Buffer.concat(parts));
}

/** An HTTP or HTTP_VALUES result: { status, headers: { name: value | [values] }, body }. */
export function httpResult(rest, values = false) {
  const status = rest.readUInt32LE(0);
  const headers = {};
  let p = 8;
  for (let i = rest.readUInt32LE(4); i > 0; i--) {
    const n = rest.readUInt32LE(p); const name = rest.subarray(p + 4, p + 4 + n).toString(); p += 4 + n;
    const m = rest.readUInt32LE(p); const value = rest.subarray(p + 4, p + 4 + m).toString(); p += 4 + m;
    headers[name] = values ? value.split("\0").slice(0, -1) : value;
  }
  return { status, headers, body: rest.subarray(p) };
}

/** An SQL_EXEC / MYSQL_EXEC result: { rowsAffected, lastInsertId, hasRowsAffected, hasLastInsertId }. */
export const execResult = (rest) => ({ rowsAffected: Number(rest.readBigInt64LE(0)), lastInsertId: Number(rest.readBigInt64LE(8)), hasRowsAffected: rest[16] === 1, hasLastInsertId: rest[17] === 1 });

/** An SQL_COLUMNS / MYSQL_COLUMNS result: { columns, inOrder, rows }. */
export const columnsResult = (rest) => ({ inOrder: rest[0] === 1, rows: rest.readUInt32LE(1), columns: rest.subarray(5).toString().split("\0").slice(0, -1) });
