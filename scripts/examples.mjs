// The examples: where they are, how to build them, what each must answer, and the embedded
// environment they run in (the Tarmac-like host, plus a local HTTP upstream and PostgreSQL for
// the examples that need them).
import { readdirSync, readFileSync, existsSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { buildProject } from "../cli/build.mjs";
import { TestHost } from "../host/index.mjs";
import { startDatabase } from "../tests/servers/databases.mjs";
import { startUpstream } from "../tests/servers/start.mjs";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/** Every example: { name, dir, wasm, requests: [{ body, expect }], needs, functions, metrics }. */
export function examples() {
  const dir = join(root, "examples");
  return readdirSync(dir)
    .filter((name) => existsSync(join(dir, name, "asconfig.json")))
    .sort()
    .map((name) => {
      const spec = JSON.parse(readFileSync(join(dir, name, "requests.json"), "utf8"));
      return { name, dir: join(dir, name), wasm: join(dir, name, "build", `${name}.wasm`), needs: [], functions: {}, metrics: {}, ...spec };
    });
}

/** Builds every example's release target, as `tarmac-as build` in its folder does. */
export async function buildExamples(log = () => {}) {
  for (const ex of examples()) {
    await buildProject(ex.dir);
    log(ex);
  }
}

/**
 * Starts what the examples need: the local HTTP upstream (always) and PostgreSQL (when it can
 * run here). Returns { http, postgres, missing: { postgres: why } when it cannot, stop }.
 */
export async function startEnvironment() {
  const upstream = await startUpstream();
  const pg = await startDatabase("postgres");
  return {
    http: `http://127.0.0.1:${upstream.ports.http}`,
    postgres: pg.server ?? null,
    missing: pg.skip ? { postgres: pg.skip } : {},
    async stop() { await upstream.stop(); await pg.server?.stop(); },
  };
}

/**
 * Runs one example on a fresh host: { skipped } when it needs something the environment lacks,
 * else { results: [{ body, got, expect, ok }], metrics: [{ name, got, expect, ok }] }.
 */
export async function runExample(ex, env) {
  const missing = ex.needs.filter((n) => !env[n]);
  if (missing.length) return { skipped: `needs ${missing.map((n) => (env.missing?.[n] ? `${n} (${env.missing[n]})` : n)).join(", ")}` };
  // Through the toolkit's host, as an author's tests run: tarmac-as/host.
  const host = new TestHost(ex.needs.includes("postgres") ? { sql: { driver: "postgres", config: env.postgres.config } } : {});
  try {
    for (const [route, exampleName] of Object.entries(ex.functions)) {
      await host.load(examples().find((e) => e.name === exampleName).wasm, { name: route });
    }
    const fn = await host.load(ex.wasm);
    const fill = (s) => s.replaceAll("{{http}}", env.http);
    const results = ex.requests.map(({ body, expect }) => {
      const r = fn.call(fill(body));
      const got = r.ok ? r.text : `ERROR ${r.error}`;
      return { body: fill(body), got, expect: fill(expect), ok: got === fill(expect) };
    });
    const metrics = Object.entries(ex.metrics).map(([name, expect]) => {
      const m = host.metrics.get(name);
      const got = m ? (m.type === "histogram" ? m.observations.length : m.value) : null;
      return { name, got, expect, ok: got === expect };
    });
    return { results, metrics, logs: host.logs };
  } finally {
    await host.close();
  }
}
