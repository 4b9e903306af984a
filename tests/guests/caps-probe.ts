// Test guest for the capabilities beyond key:value. Same framing as kv-probe:
// request:  [op u8][name length u32, in UTF-16 units][name as UTF-16LE][rest]
// response: [kind u8, 0 = ok][code i32][message length u32][message UTF-8][result bytes]
import { handle, ok, fail, log, logAt, logBytesAt, hostCall, parseJson, JsonValue, metrics, callFunction, Result, TarmacError, text, HttpRequest, sql, mysql, SqlType, SqlValue, kv, setHostCall, HostReply, base64Encode } from "tarmac-as/assembly";
export { __guest_call } from "tarmac-as/assembly";
import { recorded } from "./recording";

const HTTP: u8 = 9, SQL: u8 = 10, MYSQL: u8 = 11, FAKE_HOST: u8 = 12;

// A fake host for FAKE_HOST: answers every kvstore get with the value "faked" and records the call.
let fakeCalls = "";
function fakeHost(binding: string, namespace: string, operation: string, payload: ArrayBuffer): HostReply {
  fakeCalls += binding + ":" + namespace + ":" + operation + " " + String.UTF8.decode(payload) + ";";
  return HostReply.of(true, String.UTF8.encode(`{"status":{"code":200,"status":"OK"},"data":"ZmFrZWQ="}`), "");
}
// For FAKE_SAME_TWICE: one reply buffer a fake hands out again and again, holding a 96 KiB value
// of "A" bytes (large enough that a reply read from the host would be decoded in place).
let sameReply: ArrayBuffer | null = null;
function sameReplyHost(binding: string, namespace: string, operation: string, payload: ArrayBuffer): HostReply {
  let r = sameReply;
  if (r === null) {
    const value = new Uint8Array(96 << 10).fill(65);
    r = String.UTF8.encode(`{"status":{"code":200,"status":"OK"},"data":"` + base64Encode(value) + `"}`);
    sameReply = r;
  }
  return HostReply.of(true, r, "");
}
const FAKE_SAME_TWICE: u8 = 13, FLOAT_OF: u8 = 14, JSON_PAYLOAD: u8 = 15, RAW_CALL: u8 = 16, LOG_BYTES: u8 = 17, JSON_GET: u8 = 18;
// 20 is RECORDED (recording.ts): a request that starts with it is recorded, not run.
const SQL_EXEC: u8 = 19, MYSQL_EXEC: u8 = 21, SQL_COLUMNS: u8 = 22, MYSQL_COLUMNS: u8 = 23, HTTP_VALUES: u8 = 24;
const LOG: u8 = 1, COUNTER: u8 = 2, GAUGE_INC: u8 = 3, GAUGE_DEC: u8 = 4, HISTOGRAM: u8 = 5, CALL: u8 = 6, CONSOLE: u8 = 7, ECHO: u8 = 8;

function reply(e: TarmacError | null, rest: Uint8Array | null = null): Result<Uint8Array> {
  const msg = e === null ? new ArrayBuffer(0) : String.UTF8.encode(e.message);
  const n = rest === null ? 0 : rest.length;
  const out = new Uint8Array(9 + msg.byteLength + n);
  out[0] = e === null ? 0 : <u8>e.kind;
  store<i32>(out.dataStart + 1, e === null ? 0 : e.code);
  store<u32>(out.dataStart + 5, msg.byteLength);
  memory.copy(out.dataStart + 9, changetype<usize>(msg), msg.byteLength);
  if (rest !== null) memory.copy(out.dataStart + 9 + msg.byteLength, rest.dataStart, n);
  return ok(out);
}

handle((req: Uint8Array): Result<Uint8Array> => recorded(req, run));

function run(req: Uint8Array): Result<Uint8Array> {
  if (req.length < 5) return fail("short request");
  const op = req[0];
  const nameLen = <i32>load<u32>(req.dataStart + 1);
  const name = String.UTF16.decodeUnsafe(req.dataStart + 5, <usize>nameLen << 1);
  const rest = req.subarray(5 + nameLen * 2);
  if (op == LOG) return reply(logAt(name, String.UTF16.decodeUnsafe(rest.dataStart, rest.length & ~1)));
  if (op == COUNTER) return reply(metrics.counter(name));
  if (op == GAUGE_INC) return reply(metrics.gaugeInc(name));
  if (op == GAUGE_DEC) return reply(metrics.gaugeDec(name));
  if (op == HISTOGRAM) return reply(metrics.histogram(name, load<f64>(rest.dataStart)));
  if (op == JSON_PAYLOAD) {
    // Reads rest as a JSON payload and writes it back; a name is added as member "name".
    const doc = parseJson(rest);
    if (doc.isErr) return reply(doc.error);
    const v = doc.value;
    if (name.length) {
      if (v.kind != 5) return fail("name given but the payload is not an object");
      v.set("name", JsonValue.string(name));
    }
    return reply(null, v.toBytes());
  }
  if (op == JSON_GET) {
    // Reads rest as a JSON payload and answers [found u8][the member called name, as JSON].
    const doc = parseJson(rest);
    if (doc.isErr) return reply(doc.error);
    const m = doc.value.get(name);
    const json = m === null ? new Uint8Array(0) : m.toBytes();
    const out = new Uint8Array(1 + json.length);
    out[0] = m === null ? 0 : 1;
    out.set(json, 1);
    return reply(null, out);
  }
  if (op == RAW_CALL) {
    // name is "binding/namespace/operation"; answers [ok u8][tooLarge u8][error length u32][error][reply].
    const parts = name.split("/");
    const r = hostCall(parts[0], parts[1], parts[2], rest);
    const err = String.UTF8.encode(r.error);
    const out = new Uint8Array(6 + err.byteLength + r.reply.length);
    out[0] = r.ok ? 1 : 0;
    out[1] = r.tooLarge ? 1 : 0;
    store<u32>(out.dataStart + 2, err.byteLength);
    memory.copy(out.dataStart + 6, changetype<usize>(err), err.byteLength);
    memory.copy(out.dataStart + 6 + err.byteLength, r.reply.dataStart, r.reply.length);
    return reply(null, out);
  }
  if (op == LOG_BYTES) return reply(logBytesAt(name, rest));
  if (op == CALL) {
    const r = callFunction(name, rest);
    return reply(r.error, r.isOk ? r.value : null);
  }
  if (op == CONSOLE) {
    console.log("console: " + name);
    console.warn("warned");
    trace("traced", 1, 42);
    return reply(null);
  }
  if (op == ECHO) {
    // A function others call: answers "echo:" + its request, or fails when asked to.
    if (name == "fail") return fail("echo failed on purpose");
    log.info("echo called");
    return ok("echo:" + text(rest));
  }
  if (op == FAKE_HOST) {
    // setHostCall: a user's own unit test swaps the host; the real one comes back after.
    setHostCall(fakeHost);
    const r = kv.get(name);
    setHostCall(null);
    const real = kv.get(name);
    return ok(text(r.value) + "|" + fakeCalls + "|" + (real.isErr ? real.error!.toString() : "real:" + text(real.value)));
  }
  if (op == FLOAT_OF) {
    // SqlValue.asFloat of the name as a text value: [kind, 0 = ok] ... [f64]
    const r = new SqlValue(SqlType.Text, name).asFloat();
    if (r.isErr) return reply(r.error);
    const out = new Uint8Array(8);
    store<f64>(out.dataStart, r.value);
    return reply(null, out);
  }
  if (op == FAKE_SAME_TWICE) {
    // A fake's reply is borrowed: reading it twice must give the value twice, the buffer unchanged.
    setHostCall(sameReplyHost);
    let answer = "";
    for (let i = 0; i < 3; i++) {
      const r = kv.get("k");
      if (r.isErr) answer += "error:" + r.error!.toString() + ";";
      else {
        const v = r.value;
        let good = v.length == 96 << 10;
        for (let j = 0; good && j < v.length; j++) good = v[j] == 65;
        answer += good ? "ok;" : "wrong value;";
      }
    }
    setHostCall(null);
    return ok(answer);
  }
  if (op == SQL_EXEC || op == MYSQL_EXEC) {
    // result: [rows affected i64][last insert id i64][has rows affected u8][has last insert id u8]
    const r = op == SQL_EXEC ? sql.exec(name) : mysql.exec(name);
    if (r.isErr) return reply(r.error);
    const out = new Uint8Array(18);
    store<i64>(out.dataStart, r.value.rowsAffected);
    store<i64>(out.dataStart + 8, r.value.lastInsertId);
    out[16] = r.value.hasRowsAffected ? 1 : 0;
    out[17] = r.value.hasLastInsertId ? 1 : 0;
    return reply(null, out);
  }
  if (op == SQL_COLUMNS || op == MYSQL_COLUMNS) {
    // result: [columns in order u8][row count u32] then the column names, each followed by a 0 byte
    const r = op == SQL_COLUMNS ? sql.queryResult(name) : mysql.queryResult(name);
    if (r.isErr) return reply(r.error);
    let names = "";
    for (let i = 0; i < r.value.columns.length; i++) names += r.value.columns[i] + "\0";
    const bytes = String.UTF8.encode(names);
    const out = new Uint8Array(5 + bytes.byteLength);
    out[0] = r.value.columnsInOrder ? 1 : 0;
    store<u32>(out.dataStart + 1, r.value.rows.length);
    memory.copy(out.dataStart + 5, changetype<usize>(bytes), bytes.byteLength);
    return reply(null, out);
  }
  if (op == HTTP || op == HTTP_VALUES) {
    // rest: [method length u8][method][url length u32][url UTF-16][header count u8]
    //       ([name len u16][name UTF-16][value len u32][value UTF-16])* [insecure u8][body]
    let p = rest.dataStart;
    const ml = <usize>load<u8>(p); p += 1;
    const method = String.UTF8.decodeUnsafe(p, ml); p += ml;
    const ul = <usize>load<u32>(p); p += 4;
    const url = String.UTF16.decodeUnsafe(p, ul << 1); p += ul << 1;
    const req = new HttpRequest(method, url);
    const hc = load<u8>(p); p += 1;
    for (let i: u8 = 0; i < hc; i++) {
      const nl = <usize>load<u16>(p); p += 2;
      const hn = String.UTF16.decodeUnsafe(p, nl << 1); p += nl << 1;
      const vl = <usize>load<u32>(p); p += 4;
      const hv = String.UTF16.decodeUnsafe(p, vl << 1); p += vl << 1;
      if (op == HTTP_VALUES) req.addHeader(hn, hv);
      else req.header(hn, hv);
    }
    req.skipVerify(load<u8>(p) == 1); p += 1;
    const body = new Uint8Array(<i32>(rest.dataStart + rest.length - p));
    memory.copy(body.dataStart, p, body.length);
    req.bytes(body);
    const r = req.send();
    if (r.isErr) return reply(r.error);
    // result: [status u32][header count u32]([len u32][utf8 name][len u32][utf8 value])* [body]
    const resp = r.value;
    const parts = new Array<ArrayBuffer>();
    const keys = resp.headers.keys();
    // HTTP_VALUES: a header's value is every value (headerValues), each followed by a 0 byte.
    for (let i = 0; i < keys.length; i++) {
      parts.push(String.UTF8.encode(keys[i]));
      if (op == HTTP) { parts.push(String.UTF8.encode(resp.headers.get(keys[i]))); continue; }
      const values = resp.headerValues(keys[i]);
      let joined = "";
      for (let j = 0; j < values.length; j++) joined += values[j] + "\0";
      parts.push(String.UTF8.encode(joined));
    }
    let size = 8 + resp.body.length;
    for (let i = 0; i < parts.length; i++) size += 4 + parts[i].byteLength;
    const out = new Uint8Array(size);
    store<u32>(out.dataStart, resp.status);
    store<u32>(out.dataStart + 4, keys.length);
    let q = out.dataStart + 8;
    for (let i = 0; i < parts.length; i++) { store<u32>(q, parts[i].byteLength); memory.copy(q + 4, changetype<usize>(parts[i]), parts[i].byteLength); q += 4 + parts[i].byteLength; }
    memory.copy(q, resp.body.dataStart, resp.body.length);
    return reply(null, out);
  }
  if (op == SQL || op == MYSQL) {
    // result: JSON text [{"col":{"type":n,"text":"...","int":"..."|null}}] built with JSON.stringify-like
    // escaping by the SDK-independent helper below, so the test can compare exactly.
    const r = op == SQL ? sql.query(name) : mysql.query(name);
    if (r.isErr) return reply(r.error);
    const rows = r.value;
    let out = "[";
    for (let i = 0; i < rows.length; i++) {
      if (i) out += ",";
      out += "{";
      const names = rows[i].names();
      for (let j = 0; j < names.length; j++) {
        const v = rows[i].get(names[j])!;
        const n = v.asInt();
        const b = v.asBool();
        if (j) out += ",";
        out += quote(names[j]) + ":{\"type\":" + (<i32>v.type).toString() + ",\"text\":" + quote(v.asString())
          + ",\"int\":" + (n.isOk ? quote(n.value.toString()) : "null") + ",\"bool\":" + (b.isOk ? (b.value ? "true" : "false") : "null")
          + ",\"bytes\":" + v.asBytes().length.toString() + "}";
      }
      out += "}";
    }
    return reply(null, Uint8Array.wrap(String.UTF8.encode(out + "]")));
  }
  return fail("unknown op");
}

// JSON string escaping for the test's report (the SDK's own writer is internal).
function quote(s: string): string {
  let o = "\"";
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c == 34 || c == 92) o += "\\" + String.fromCharCode(c);
    else if (c < 32) o += "\\u00" + (c < 16 ? "0" : "") + c.toString(16);
    else o += String.fromCharCode(c);
  }
  return o + "\"";
}
