// Benchmark guest: key:value and base64 through tarmac-as, in loops inside one call.
// request: [op u8][n u32][key length u32][key UTF-8][rest]
import { handle, ok, fail, kv, Result, retainResponses } from "tarmac-as/assembly";
import { encodeBase64To, decodeBase64To, base64EncodedLength, base64DecodedLength } from "tarmac-as/assembly/base64";
export { __guest_call } from "tarmac-as/assembly";

handle((req: Uint8Array): Result<Uint8Array> => {
  if (req.length < 9) return fail("short request");
  const op = req[0];
  const n = <i32>load<u32>(req.dataStart + 1);
  const keyLen = <i32>load<u32>(req.dataStart + 5);
  const key = String.UTF8.decodeUnsafe(req.dataStart + 9, keyLen);
  const rest = req.subarray(9 + keyLen);
  let failures = 0;
  if (op == 1) {
    for (let i = 0; i < n; i++) if (kv.get(key).isErr) failures++;
  } else if (op == 2) {
    for (let i = 0; i < n; i++) if (kv.set(key, rest) !== null) failures++;
  } else if (op == 3) {
    const out = heap.alloc(base64EncodedLength(rest.length));
    for (let i = 0; i < n; i++) encodeBase64To(rest.dataStart, rest.length, out);
    heap.free(out);
  } else if (op == 4) {
    const out = heap.alloc(<usize>base64DecodedLength(rest.dataStart, rest.length));
    for (let i = 0; i < n; i++) if (!decodeBase64To(rest.dataStart, rest.length, out)) failures++;
    heap.free(out);
  } else if (op == 5) {
    const r = kv.get(key);
    return r.isOk ? ok(r.value) : fail(r.error!.toString());
  } else if (op == 6) {
    const err = kv.set(key, rest);
    return err === null ? ok("") : fail(err.toString());
  } else if (op == 7) {
    // rest: [count u32][millis u32][budget u32], for retainResponses.
    retainResponses(load<i32>(rest.dataStart), load<i32>(rest.dataStart + 4), <usize>load<u32>(rest.dataStart + 8));
  }
  return failures == 0 ? ok("") : fail("failures: " + failures.toString());
});
