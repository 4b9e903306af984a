// For the conformance suite (tests/contract/): a request whose first byte is RECORDED (20) runs
// the rest as the probe's request and answers [its response length u32][its response] followed
// by every host call it made, as the host answered it:
// ([namespace length u8][namespace][operation length u8][operation][request length u32][request]
//  [ok u8][reply length u32][reply][error length u32][error UTF-8])*.
// The calls go to the real host through a setHostCall wrapper, so the same record comes from the
// test host and from a real Tarmac. Any other request is the probe's own.
import { Result, setHostCall, HostReply } from "tarmac-as/assembly";
import { callHost } from "tarmac-as/assembly/host";

const RECORDED: u8 = 20;
let log: Uint8Array = new Uint8Array(0);
let logLength: i32 = 0;

function room(n: i32): usize {
  if (logLength + n > log.length) {
    let cap = log.length < 64 ? 64 : log.length << 1;
    while (cap < logLength + n) cap <<= 1;
    const next = new Uint8Array(cap);
    memory.copy(next.dataStart, log.dataStart, logLength);
    log = next;
  }
  const p = log.dataStart + logLength;
  logLength += n;
  return p;
}
function putU32(v: u32): void { store<u32>(room(4), v); }
function name(s: string): void { store<u8>(room(1), <u8>s.length); for (let i = 0; i < s.length; i++) store<u8>(room(1), <u8>s.charCodeAt(i)); }
function bytes(p: usize, n: usize): void { putU32(<u32>n); memory.copy(room(<i32>n), p, n); }

function recordingHost(binding: string, namespace: string, operation: string, payload: ArrayBuffer): HostReply {
  setHostCall(null);
  const r = callHost(binding, namespace, operation, changetype<usize>(payload), payload.byteLength);
  setHostCall(recordingHost);
  const body = new ArrayBuffer(<i32>r.bodyLen);
  memory.copy(changetype<usize>(body), r.bodyPtr, r.bodyLen);
  name(namespace); name(operation);
  bytes(changetype<usize>(payload), payload.byteLength);
  store<u8>(room(1), r.ok ? 1 : 0);
  bytes(changetype<usize>(body), body.byteLength);
  const error = String.UTF8.encode(r.error);
  bytes(changetype<usize>(error), error.byteLength);
  const copy = HostReply.of(r.ok, body, r.error);
  copy.tooLarge = r.tooLarge;
  return copy;
}

/** Runs `req` with `run`, recording its host calls when it asks for that. */
export function recorded(req: Uint8Array, run: (req: Uint8Array) => Result<Uint8Array>): Result<Uint8Array> {
  if (req.length == 0 || req[0] != RECORDED) return run(req);
  logLength = 0;
  setHostCall(recordingHost);
  const inner = run(req.subarray(1));
  setHostCall(null);
  if (inner.isErr) return inner;
  const body = inner.value;
  const out = new Uint8Array(4 + body.length + logLength);
  store<u32>(out.dataStart, body.length);
  memory.copy(out.dataStart + 4, body.dataStart, body.length);
  memory.copy(out.dataStart + 4 + body.length, log.dataStart, logLength);
  return Result.ok<Uint8Array>(out);
}
