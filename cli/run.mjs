// tarmac-as run: one call of a function on the embedded Tarmac-like host. Prints the response
// (or the error, with the HTTP answer Tarmac would give) and every host call it made.
import { readFileSync } from "node:fs";
import { TestHost } from "../host/index.mjs";

const show = (v) => (Buffer.isBuffer(v) ? `<${v.length} bytes>` : JSON.stringify(v));

export async function main(args, { parseArgs }) {
  const { values, positionals } = parseArgs({
    args, allowPositionals: true,
    options: { data: { type: "string" }, kv: { type: "string" }, profile: { type: "string" } },
  });
  const wasm = positionals[0];
  if (!wasm) throw new Error("usage: tarmac-as run <module.wasm> [--data TEXT|@FILE] [--kv JSON] [--profile v0.10.0|main]");
  let data = values.data ?? "";
  if (data.startsWith("@")) data = readFileSync(data.slice(1));
  let kv = {};
  if (values.kv) {
    try { kv = JSON.parse(values.kv); } catch (e) { throw new Error(`--kv is not a JSON object: ${e.message}`); }
  }
  const host = new TestHost({ profile: values.profile ?? "v0.10.0", kv });
  try {
    const fn = await host.load(wasm);
    const r = fn.call(data);
    for (const c of r.calls) {
      console.log(`host call ${c.capability}.${c.operation} ${show(c.request)} -> ${c.ok ? "ok" : `failed (${c.error})`} ${show(c.reply)}`);
    }
    for (const l of host.logs) console.log(`log ${l.level}: ${l.message}`);
    if (r.ok) {
      console.log(`response (HTTP ${r.status}): ${r.text}`);
      return 0;
    }
    console.log(`error: ${r.error}`);
    console.log(`HTTP ${r.status}${r.text ? `: ${r.text}` : " with an empty body"} (as Tarmac ${host.profile} answers)`);
    return 1;
  } finally {
    await host.close();
  }
}
