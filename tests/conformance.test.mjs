// The conformance cases (tests/contract/cases.mjs) on the test host, with each profile and with
// both answers Tarmac's stores give to `keys` on an empty store; and every recorded exchange with
// a real Tarmac (tests/contract/<version>/) replayed through the test host, which must answer
// exactly as that Tarmac did. `npm run conformance` runs the same cases on a real Tarmac. The
// SQL cases need PostgreSQL and MariaDB (Debian's packages; required when SQL_SERVERS=required),
// each for its own cases.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { WIRE_NAMES, wireGuests } from "./guests.mjs";
import { startUpstream } from "./servers/start.mjs";
import { databaseForTests } from "./servers/databases.mjs";
import { CASES, groupOf } from "./contract/cases.mjs";
import { runCase, replay, testHost, testHostTarget, routeEcho, needsServer } from "./contract/runner.mjs";
import { recordings as allRecordings } from "../scripts/compatibility.mjs";

// Each database on its own: one that cannot run here leaves out its own cases (saying why), unless
// SQL_SERVERS=required (as in CI), which fails this file instead.
let upstream;
const databases = {};
after(async () => {
  await upstream?.stop();
  for (const db of Object.values(databases)) await db.stop();
});
for (const name of ["postgres", "mariadb"]) {
  const { server } = await databaseForTests(name, "conformance");
  if (server) databases[name] = server;
}
const runs = (group) => !["postgres", "mariadb"].includes(group) || group in databases;
before(async () => { upstream = await startUpstream(); });

// The same cases on each wire the guests are built for: one source, built once per wire.
for (const wire of WIRE_NAMES) {
  const guests = wireGuests(wire);
  for (const profile of ["v0.10.0", "main"]) {
    for (const emptyKeys of [null, []]) {
      test(`conformance on the test host, ${wire} wire, profile ${profile}, keys of an empty store ${JSON.stringify(emptyKeys)}`, async () => {
        for (const group of ["store", "capabilities", "postgres", "mariadb"].filter(runs)) {
          const host = testHost({ profile, emptyKeys, group, databases });
          const instances = { probe: await host.instantiate(guests.probe), caps: await host.instantiate(guests.caps) };
          await routeEcho(host, wire);
          for (const c of CASES.filter((x) => groupOf(x) === group)) await runCase(testHostTarget(host, instances[c.guest]), c, upstream.ports, { wire, profile });
          await host.close();
        }
      });
    }
  }
}

// tests/contract/<Tarmac version>/<store or capability>.json, and <version>/protobuf/ for the
// protobuf wire. Those of NATS replay on a real NATS server, in stores.test.mjs.
const recordings = allRecordings().filter(({ recording }) => !needsServer(recording));
test(`recorded exchanges with real Tarmac replay identically on the test host (${recordings.length} recordings)`, async () => {
  assert.ok(recordings.length > 0, "no recordings in tests/contract/<version>/");
  for (const { file, recording } of recordings) {
    if (!runs(recording.group)) continue;
    const differences = await replay(recording, upstream.ports, databases);
    assert.equal(differences.length, 0, `${file}: the test host answers differently from Tarmac ${recording.tarmac}:\n${differences.slice(0, 5).join("\n")}`);
  }
});

test("docs/compatibility.md's table of what each version and wire answered is the one the recordings make", async () => {
  const { documented } = await import("../scripts/compatibility.mjs");
  const { text, made } = documented();
  assert.equal(text, made, "run node scripts/compatibility.mjs after recording");
});
