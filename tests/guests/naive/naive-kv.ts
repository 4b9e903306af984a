// Reference guest: key:value written the straightforward way a user would without tarmac-as,
// with @wapc/as-guest's hostCall, json-as and as-base64. Kept to show why the SDK replaces
// those pieces (tests/libraries.test.mjs) and as the benchmark's "naive" column.
//
// request: [op u8][key length u32][key UTF-8][value bytes]; op 1 = get, 2 = set,
// 3 = as-base64 decode of the rest, 4 = as-base64 encode of the rest; ops 5-8 repeat 1, 2, 4
// and 3 a number of times given as a u32 before the rest (for the benchmark).

import { JSON } from "json-as";
import { encode, decode } from "as-base64/assembly";
import { register, handleCall, hostCall, Result } from "@wapc/as-guest";

@json
class KVStoreGet { key: string = ""; }

@json
class KVStoreSet { key: string = ""; data: string = ""; }

@json
class Status { code: i32 = 0; status: string = ""; }

@json
class KVStoreGetResponse { status: Status = new Status(); data: string = ""; }

@json
class KVStoreSetResponse { status: Status = new Status(); }

function get(key: string): Uint8Array | null {
  const req = new KVStoreGet();
  req.key = key;
  const r = hostCall("tarmac", "kvstore", "get", String.UTF8.encode(JSON.stringify(req)));
  if (!r.isOk) return null;
  const resp = JSON.parse<KVStoreGetResponse>(String.UTF8.decode(r.get()));
  if (resp.status.code != 200) return null;
  return decode(resp.data);
}

function set(key: string, value: Uint8Array): bool {
  const req = new KVStoreSet();
  req.key = key;
  req.data = encode(value);
  const r = hostCall("tarmac", "kvstore", "set", String.UTF8.encode(JSON.stringify(req)));
  if (!r.isOk) return false;
  const resp = JSON.parse<KVStoreSetResponse>(String.UTF8.decode(r.get()));
  return resp.status.code == 200;
}

function handler(payload: ArrayBuffer): Result<ArrayBuffer> {
  const req = Uint8Array.wrap(payload);
  const op = req[0];
  const keyLen = <i32>load<u32>(req.dataStart + 1);
  const key = String.UTF8.decodeUnsafe(req.dataStart + 5, keyLen);
  const rest = req.slice(5 + keyLen);
  if (op == 1) {
    const v = get(key);
    if (v === null) return Result.ok<ArrayBuffer>(new ArrayBuffer(0));
    return Result.ok<ArrayBuffer>(v.buffer);
  }
  if (op == 2) {
    const out = new Uint8Array(1);
    out[0] = set(key, rest) ? 1 : 0;
    return Result.ok<ArrayBuffer>(out.buffer);
  }
  if (op == 3) return Result.ok<ArrayBuffer>(decode(String.UTF8.decode(rest.buffer)).buffer);
  if (op >= 5 && op <= 8) {
    const n = <i32>load<u32>(rest.dataStart);
    const data = rest.slice(4);
    const text = String.UTF8.decode(data.buffer);
    let failures = 0;
    for (let i = 0; i < n; i++) {
      if (op == 5) { if (get(key) === null) failures++; }
      else if (op == 6) { if (!set(key, data)) failures++; }
      else if (op == 7) { if (encode(data).length == 0 && data.length > 0) failures++; }
      else { if (decode(text).length == 0 && text.length > 0) failures++; }
    }
    const out = new Uint8Array(4);
    store<u32>(out.dataStart, failures);
    return Result.ok<ArrayBuffer>(out.buffer);
  }
  if (op == 4) return Result.ok<ArrayBuffer>(String.UTF8.encode(encode(rest)));
  return Result.ok<ArrayBuffer>(new ArrayBuffer(0));
}

register("handler", handler);

export function __guest_call(operation_size: usize, payload_size: usize): bool {
  return handleCall(operation_size, payload_size);
}
