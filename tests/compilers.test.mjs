// The compiler range tarmac-as declares (peerDependencies.assemblyscript), tested at both ends.
// Each end's assemblyscript, installed from the npm registry into a cache outside the repository
// (one folder per version, so later runs install nothing), builds hello, kv-counter and the
// key:value probe with the repository's preset, and the modules run on the embedded
// Tarmac-like host.
//
// Without the registry and without a cached compiler these tests skip, saying why; with
// COMPILERS=required (as CI sets it) they fail instead.
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { root } from "../scripts/examples.mjs";
import { TarmacHost } from "../host/engine/tarmac-host.mjs";
import { Probe, Op, Kind, request } from "./probe.mjs";

const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const tested = pkg.tarmacAs.testedCompilers;
const required = process.env.COMPILERS === "required";
const cacheRoot = process.env.TARMAC_AS_COMPILER_CACHE
  || join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "tarmac-as", "compilers");
const NETWORK = /\b(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH)\b|npm (ERR!|error) network/;

const versionIn = (dir) => {
  const p = join(dir, "node_modules", "assemblyscript", "package.json");
  return existsSync(p) ? JSON.parse(readFileSync(p, "utf8")).version : null;
};

/**
 * The asc.js of assemblyscript `version`, installed into the cache if it is not there yet:
 * { asc } or, when the registry cannot be reached, { unreachable: why }.
 */
let registryDown = null;
function compiler(version) {
  const dir = join(cacheRoot, version);
  const asc = join(dir, "node_modules", "assemblyscript", "bin", "asc.js");
  if (versionIn(dir) === version) return { asc };
  if (registryDown) return { unreachable: `assemblyscript@${version} is not in ${cacheRoot} and ${registryDown}` };
  mkdirSync(cacheRoot, { recursive: true });
  const tmp = mkdtempSync(join(cacheRoot, `.${version}-`)); // renamed into place once complete
  try {
    const r = spawnSync("npm", ["install", "--prefix", tmp, "--no-audit", "--no-fund", "--prefer-offline",
      "--fetch-retry-mintimeout=2000", "--fetch-retry-maxtimeout=10000", `assemblyscript@${version}`], { encoding: "utf8", timeout: 300_000 });
    const out = `${r.stderr ?? ""}${r.stdout ?? ""}`;
    if (r.error?.code === "ETIMEDOUT" || (r.status !== 0 && NETWORK.test(out))) {
      registryDown = `the npm registry cannot be reached (${r.error?.message ?? out.trim().split("\n").slice(0, 3).join(" / ")})`;
      return { unreachable: `assemblyscript@${version} is not in ${cacheRoot} and ${registryDown}` };
    }
    if (r.error) throw r.error;
    assert.equal(r.status, 0, `npm install assemblyscript@${version} failed:\n${out}`);
    assert.equal(versionIn(tmp), version, `npm installed another assemblyscript than ${version}`);
    rmSync(dir, { recursive: true, force: true });
    renameSync(tmp, dir);
    return { asc };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

const out = mkdtempSync(join(tmpdir(), "tarmac-as-compilers-"));
after(() => rmSync(out, { recursive: true, force: true }));

test("the tested compilers are the two ends of the declared peer range, and development uses the newest", () => {
  const [low, high] = tested;
  assert.equal(tested.length, 2);
  const [major, minor] = high.split(".").map(Number);
  assert.equal(pkg.peerDependencies.assemblyscript, `>=${low} <${major}.${minor + 1}`);
  assert.equal(pkg.devDependencies.assemblyscript, high);
  assert.equal(versionIn(root), high, "node_modules has the devDependency's assemblyscript (npm ci)");
});

for (const [i, version] of tested.entries()) {
  describe(`assemblyscript ${version}, the ${i === 0 ? "lowest" : "highest"} tested compiler`, () => {
    let skip = null;
    const wasm = {};
    const host = new TarmacHost();

    before(() => {
      const c = compiler(version);
      if (c.unreachable) {
        if (required) throw new Error(`COMPILERS=required: ${c.unreachable}`);
        skip = `${c.unreachable}; COMPILERS=required makes this a failure`;
        console.log(`compilers: skipping assemblyscript ${version}: ${skip}`);
        return;
      }
      const asc = (...args) => {
        const r = spawnSync(process.execPath, [c.asc, ...args], { cwd: root, encoding: "utf8" });
        assert.equal(r.status, 0, `asc ${version} ${args.join(" ")}:\n${r.stderr}${r.stdout}`);
        return r.stdout;
      };
      assert.equal(asc("--version").trim(), `Version ${version}`);
      const dir = join(out, version);
      for (const name of ["hello", "kv-counter"]) {
        wasm[name] = join(dir, `${name}.wasm`);
        asc("--config", join("examples", name, "asconfig.json"), "--target", "release", "--outFile", wasm[name]);
      }
      wasm.probe = join(dir, "kv-probe.wasm");
      asc(join("tests", "guests", "kv-probe.ts"), "--config", join("tests", "guests", "asconfig.json"), "--target", "release", "--outFile", wasm.probe);
    });
    after(() => host.close());

    test("hello, built with the preset, answers each request of its requests.json", async (t) => {
      if (skip) return t.skip(skip);
      const guest = await host.instantiate(wasm.hello);
      const { requests } = JSON.parse(readFileSync(join(root, "examples", "hello", "requests.json"), "utf8"));
      for (const { body, expect } of requests) assert.equal(guest.call(body).body.toString(), expect);
    });

    test("kv-counter counts 1, 2, 3 through the key:value store", async (t) => {
      if (skip) return t.skip(skip);
      const guest = await new TarmacHost().instantiate(wasm["kv-counter"]);
      assert.deepEqual([1, 2, 3].map(() => guest.call("").body.toString()), ["1", "2", "3"]);
    });

    test("a 1 MiB binary value set through the key:value store reads back as the same bytes", async (t) => {
      if (skip) return t.skip(skip);
      const probe = new Probe(await host.instantiate(wasm.probe));
      const value = randomBytes(1 << 20);
      assert.equal(probe.set("blob", value).kind, Kind.OK);
      assert.ok(host.store.get("blob").equals(value), "the store holds the bytes set");
      const got = probe.get("blob");
      assert.equal(got.kind, Kind.OK, got.message);
      assert.ok(got.value.equals(value), "the bytes read back are the bytes set");
    });

    test("a trap fails only its request: the next request on the same instance is answered", async (t) => {
      if (skip) return t.skip(skip);
      const guest = await host.instantiate(wasm.probe);
      const probe = new Probe(guest);
      assert.equal(probe.setString("k", "before the trap").kind, Kind.OK);
      const trapped = guest.call(request(Op.TRAP));
      assert.equal(trapped.ok, false);
      assert.equal(trapped.trapped, true);
      assert.match(trapped.error, /unreachable/);
      const after = probe.getString("k");
      assert.deepEqual([after.kind, after.value], [Kind.OK, "before the trap"]);
    });
  });
}
