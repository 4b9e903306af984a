// One instance, 1,000,000 mixed calls: successes, not-found, calls that fail on purpose, and a
// handler that traps or aborts every hundredth request. The instance keeps serving, the host
// gets every abort's message, and guest memory ends within 1 MiB of where it started.
import { test } from "node:test";
import assert from "node:assert/strict";
import { probeInstance } from "./guests.mjs";
import { Op, Kind, request, decode } from "./probe.mjs";

const MiB = 1 << 20;

test("soak: 1,000,000 mixed calls on one instance, with a trap or an abort every 100th", async (t) => {
  const { host, guest, probe } = await probeInstance();
  guest.recordHostCalls = false;
  probe.set("hit", Buffer.from("value"));
  const mix = [
    request(Op.GET, "hit"), request(Op.SET, "k", Buffer.alloc(64, 1)), request(Op.GET, "missing"), request(Op.DELETE, "gone"),
    request(Op.GET_STRING, "hit"), request(Op.SET, "", Buffer.from("x")), request(Op.FAIL, "failing on purpose"), request(Op.KEYS),
    request(Op.SET, "\ud800", Buffer.from("x")), request(Op.GET, "hit"),
  ];
  const expectKind = [Kind.OK, Kind.OK, Kind.NotFound, Kind.OK, Kind.OK, Kind.InvalidInput, null, Kind.OK, Kind.InvalidInput, Kind.OK];
  const TOTAL = 1000000;
  let start = 0, traps = 0, aborts = 0, wrong = 0;
  for (let i = 0; i < TOTAL; i++) {
    if (i === 10000) start = guest.memorySize();
    if (i % 100 === 99) {
      const abort = i % 200 === 199;
      const r = guest.call(abort ? request(Op.ABORT, `#${i}`) : request(Op.TRAP));
      if (!r.trapped) wrong++;
      if (abort) { aborts++; if (r.guestError !== `boom: #${i}`) wrong++; } else traps++;
      continue;
    }
    const j = i % mix.length;
    const r = guest.call(mix[j]);
    if (expectKind[j] === null) { if (r.ok || r.error !== "failing on purpose") wrong++; continue; }
    if (!r.ok || decode(r.body).kind !== expectKind[j]) wrong++;
  }
  const end = guest.memorySize();
  t.diagnostic(`${TOTAL} calls (${traps} traps, ${aborts} aborts): guest memory ${(start / MiB).toFixed(2)} MiB after 10,000 calls, ${(end / MiB).toFixed(2)} MiB at the end`);
  assert.equal(wrong, 0);
  assert.equal(host.logs.filter((l) => l.level === "error" && l.message.startsWith("boom: #")).length, aborts, "every abort's message reached the host's log");
  assert.ok(end - start <= MiB, `memory grew by ${end - start} bytes`);
  assert.deepEqual(probe.get("hit").value, Buffer.from("value"));
});
