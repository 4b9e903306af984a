// Test guest for the capabilities beyond key:value. Same framing as kv-probe:
// request:  [op u8][name length u32, in UTF-16 units][name as UTF-16LE][rest]
// response: [kind u8, 0 = ok][code i32][message length u32][message UTF-8][result bytes]
import { handle, ok, fail, log, logAt, metrics, callFunction, Result, TarmacError, text } from "tarmac-as/assembly";
export { __guest_call } from "tarmac-as/assembly";

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

handle((req: Uint8Array): Result<Uint8Array> => {
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
  return fail("unknown op");
});
