// The conformance cases (tests/contract/cases.mjs) on the test host, with each profile and with
// both answers Tarmac's stores give to `keys` on an empty store; and every recorded exchange with
// a real Tarmac (tests/contract/recordings/) replayed through the test host, which must answer
// exactly as that Tarmac did. `npm run conformance` runs the same cases on a real Tarmac.
import { test, before, after } from "node:test";
import { startUpstream } from "./servers/start.mjs";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { guests } from "./guests.mjs";
import { TarmacHost } from "./host/tarmac-host.mjs";
import { MemoryStore } from "./host/kvstore.mjs";
import { CASES } from "./contract/cases.mjs";
import { runCase, replay, testHostTarget, routeEcho } from "./contract/runner.mjs";

let upstream;
before(async () => { upstream = await startUpstream(); });
after(() => upstream.stop());

for (const profile of ["v0.10.0", "main"]) {
  for (const emptyKeys of [null, []]) {
    test(`conformance on the test host, profile ${profile}, keys of an empty store ${JSON.stringify(emptyKeys)}`, async () => {
      const host = new TarmacHost({ profile, store: new MemoryStore({ emptyKeys }) });
      const instances = { probe: await host.instantiate(guests.probe), caps: await host.instantiate(guests.caps) };
      await routeEcho(host);
      for (const c of CASES) await runCase(testHostTarget(host, instances[c.guest]), c, upstream.ports);
      await host.close();
    });
  }
}

const dir = new URL("./contract/recordings/", import.meta.url).pathname;
const recordings = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".json")).sort() : [];
test(`recorded exchanges with real Tarmac replay identically on the test host (${recordings.length} recordings)`, async () => {
  assert.ok(recordings.length > 0, "no recordings in tests/contract/recordings/");
  for (const file of recordings) {
    const recording = JSON.parse(readFileSync(join(dir, file), "utf8"));
    const differences = await replay(recording, upstream.ports);
    assert.equal(differences.length, 0, `${file}: the test host answers differently from Tarmac ${recording.tarmac}:\n${differences.slice(0, 5).join("\n")}`);
  }
});
