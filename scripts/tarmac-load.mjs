// npm run tarmac-load - TARMAC_BIN=/path/to/tarmac: 50,000 HTTP requests (or --requests N)
// through a real Tarmac with a small pool (APP_WASM_POOL_SIZE=4), running the test guest
// kv-probe: sets, gets of keys that exist, gets of keys that do not (NotFound), deletes and
// handler failures (HTTP 500), from 8 keep-alive clients (`--large`: values of about 20 KB). Every answer is checked against what
// that request must give; Tarmac's RSS is read before and after. Not part of `npm test`: Tarmac
// cannot be installed from the Go module proxy on the CI machine.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { root } from "./examples.mjs";
import { startTarmac } from "../bench/tarmac-http.mjs";
import { request, decode, Op, Kind } from "../tests/probe.mjs";

const bin = process.env.TARMAC_BIN;
if (!bin) {
  console.log("set TARMAC_BIN to a Tarmac binary (it cannot be installed from the Go module proxy here)");
  process.exit(2);
}
const arg = (name, fallback) => { const i = process.argv.indexOf(name); return i > 0 ? Number(process.argv[i + 1]) : fallback; };
const total = arg("--requests", 50000);
const pad = process.argv.includes("--large") ? 20000 : 0; // --large: values (and responses) over 16 KiB
const wasm = join(root, "tests", "build", "kv-probe.wasm");
readFileSync(wasm); // built by `npm test` (node tests/build-guests.mjs)

const rssKiB = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))[1]);
const { child, base } = await startTarmac(bin, wasm, { APP_WASM_POOL_SIZE: "4" });
let wrong = 0, sent = 0;
const kinds = {};
const expectOne = async (i) => {
  const key = `k${i % 500}`;
  const value = Buffer.from(`value ${i % 500} ` + "x".repeat(i % 97 + pad));
  const pick = i % 5;
  const body = pick === 0 ? request(Op.SET, key, value) : pick === 1 ? request(Op.GET, key) : pick === 2 ? request(Op.GET, `missing-${i}`)
    : pick === 3 ? request(Op.DELETE, `gone-${i}`) : request(Op.FAIL, `no ${i}`);
  const r = await fetch(`${base}/`, { method: "POST", body });
  const got = Buffer.from(await r.arrayBuffer());
  let ok;
  if (pick === 4) ok = r.status === 500; // a handler failure
  else if (r.status !== 200) ok = false;
  else {
    const d = decode(got);
    kinds[d.kind] = (kinds[d.kind] ?? 0) + 1;
    if (pick === 0 || pick === 3) ok = d.kind === Kind.OK;
    else if (pick === 2) ok = d.kind === Kind.NotFound && d.code === 404;
    else ok = d.kind === Kind.NotFound || (d.kind === Kind.OK && d.rest.equals(Buffer.from(`value ${i % 500} ` + "x".repeat(d.rest.length - `value ${i % 500} `.length)))); // set earlier, or not yet
  }
  if (!ok && ++wrong <= 5) console.log(`wrong answer to request ${i} (${["set", "get", "get missing", "delete", "fail"][pick]}): HTTP ${r.status}, ${got.length} bytes: ${JSON.stringify(got.subarray(0, 48).toString("latin1"))}`);
};
try {
  for (let i = 0; i < 2000; i++) await expectOne(i); // warm the pool
  const before = rssKiB(child.pid);
  const t = Date.now();
  let next = 2000;
  await Promise.all(Array.from({ length: 8 }, async () => { while (next < total + 2000) { const i = next++; await expectOne(i); sent++; } }));
  const secs = (Date.now() - t) / 1000;
  const after = rssKiB(child.pid);
  console.log(`${sent} requests in ${secs.toFixed(1)} s (${(sent / secs).toFixed(0)}/s), pool of 4: ${wrong} wrong answers; answers by kind ${JSON.stringify(kinds)}`);
  console.log(`Tarmac RSS ${(before / 1024).toFixed(1)} MiB after 2,000 warm-up requests, ${(after / 1024).toFixed(1)} MiB after ${sent} more`);
  process.exitCode = wrong ? 1 : 0;
} finally {
  child.kill();
}
