// A function that imports as-wasi beside tarmac-as (tests/coexist.test.mjs). The request names
// what to read through as-wasi; the answer is JSON written with the SDK's JsonValue:
//   "clock"   as-wasi's Date.now() and the SDK's now()
//   "random"  16 bytes from as-wasi's Random, stored in key:value under "random" through the SDK
//   "args"    as-wasi's CommandLine.all.length
//   "env"     as-wasi's Environ.all.length
//   "errno"   what WASI's args_get and environ_get answer, called as as-wasi calls them
import { handle, ok, fail, kv, now, text, JsonValue, Result } from "tarmac-as/assembly";
export { __guest_call } from "tarmac-as/assembly";
import { Date as WasiDate, Random, CommandLine, Environ } from "as-wasi/assembly";
import { args_sizes_get, args_get, environ_sizes_get, environ_get } from "@assemblyscript/wasi-shim/assembly/bindings/wasi_snapshot_preview1";

handle((request: Uint8Array): Result<Uint8Array> => {
  const what = text(request);
  const out = JsonValue.object();
  if (what == "clock") {
    out.set("wasiNow", JsonValue.number(WasiDate.now())).set("sdkNow", JsonValue.number(now()));
  } else if (what == "random") {
    const err = kv.set("random", Random.randomBytes(16));
    if (err) return fail(err.toString());
  } else if (what == "args") {
    out.set("args", JsonValue.int(CommandLine.all.length));
  } else if (what == "env") {
    out.set("env", JsonValue.int(Environ.all.length));
  } else if (what == "errno") {
    // As as-wasi does: the sizes, then the lists into buffers of those sizes.
    const sizes = memory.data(8);
    const a = args_sizes_get(sizes, sizes + 4);
    const argc = load<u32>(sizes);
    const args = args_get(changetype<usize>(new ArrayBuffer((argc + 1) * 4)), changetype<usize>(new ArrayBuffer(load<u32>(sizes, 4))));
    const e = environ_sizes_get(sizes, sizes + 4);
    const envc = load<u32>(sizes);
    const env = environ_get(changetype<usize>(new ArrayBuffer((envc + 1) * 4)), changetype<usize>(new ArrayBuffer(load<u32>(sizes, 4))));
    out.set("args_sizes_get", JsonValue.int(a)).set("argc", JsonValue.int(argc)).set("args_get", JsonValue.int(args))
      .set("environ_sizes_get", JsonValue.int(e)).set("envc", JsonValue.int(envc)).set("environ_get", JsonValue.int(env));
  } else {
    return fail("unknown request: " + what);
  }
  return ok(out.toBytes());
});
