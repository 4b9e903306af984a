// The rules of assembly/buffers.ts, one test each: who owns every buffer the SDK hands to the
// host or takes from it, and how long it lives. Rule 3 is what Tarmac needs under load: it
// puts an instance back in its pool before it writes the instance's response (a view of guest
// memory), so later calls run on the instance while the response is still being read.
import { test } from "node:test";
import assert from "node:assert/strict";
import { probeInstance, guests } from "./guests.mjs";
import { TarmacHost, ManualClock } from "../host/engine/tarmac-host.mjs";
import { Op, Kind, request, decode, pattern, respondRequest, retainRequest } from "./probe.mjs";
import { CapsOp, capsRequest } from "./caps.mjs";
import { RETENTION_DEFAULTS, MAX_RETAINED } from "./wire.mjs";

const KiB = 1024, MiB = 1 << 20;

/** { count, bytes, scratch } of the probe's buffers: responses kept, their bytes, request scratch. */
function buffers(guest) {
  const r = guest.call(request(Op.RETAINED));
  const { rest } = decode(r.body);
  return { count: rest.readUInt32LE(0), bytes: rest.readUInt32LE(4), scratch: rest.readUInt32LE(8) };
}

test("rule 1: a request over 1 MiB is given back after its host call; smaller request buffers are reused", async () => {
  const { guest, probe } = await probeInstance();
  probe.set("small", Buffer.alloc(100, 1));
  const small = buffers(guest).scratch;
  probe.set("small", Buffer.alloc(100, 2));
  assert.equal(buffers(guest).scratch, small, "the same scratch buffer serves the next request");
  probe.set("big", Buffer.alloc(2 * MiB, 3));
  assert.equal(buffers(guest).scratch, 0, "a scratch buffer grown past 1 MiB is freed after the call");
  probe.set("small", Buffer.alloc(10, 4));
  assert.ok(buffers(guest).scratch > 0 && buffers(guest).scratch <= KiB);
});

test("rule 2: a reply from a setHostCall fake is borrowed, never decoded over (the same reply read three times)", async () => {
  const guest = await new TarmacHost().instantiate(guests.caps);
  const r = guest.call(capsRequest(CapsOp.FAKE_SAME_TWICE));
  assert.equal(r.body.toString(), "ok;ok;ok;");
});

test("rule 2: a large reply is read into a buffer of the SDK's own and decoded in place (no second buffer for the value)", async () => {
  const { host, guest } = await probeInstance();
  const value = Buffer.alloc(16 * MiB, 7);
  host.store.set("v", value); // stored by the host, so the guest has never held it
  const { kind, rest } = decode(guest.call(request(Op.GET_LENGTH, "v")).body);
  assert.equal(kind, Kind.OK);
  assert.equal(rest.readUInt32LE(0), value.length);
  // The reply is the value's base64 (21.3 MiB) in JSON. Decoded in place, the get needs about
  // that much memory; a separate buffer for the value would need 16 MiB more.
  const replyBytes = Math.ceil(value.length / 3) * 4;
  const memory = rest.readUInt32LE(4) * 65536;
  assert.ok(memory < replyBytes + 4 * MiB, `memory ${(memory / MiB).toFixed(1)} MiB for a ${(replyBytes / MiB).toFixed(1)} MiB reply`);
});

test("rule 3: a response stays intact while later calls run on its instance, up to the policy's count", async () => {
  const { guest } = await probeInstance();
  guest.call(retainRequest(4, 0, 1 << 30));
  const pending = [];
  for (let i = 0; i < 40; i++) {
    const size = 16 * KiB + 1 + i * 997;
    pending.push({ r: guest.invoke(respondRequest(size, i)), want: pattern(size, i) });
    // Read each response only after three more calls have run on the instance.
    if (pending.length > 4) { const { r, want } = pending.shift(); assert.ok(r.read().equals(want), `response ${i - 4}`); }
  }
  assert.equal(buffers(guest).count, 4, "no more than the last 4 are kept");
});

test("rule 3: responses younger than the policy's time are kept, older ones let go", async () => {
  const clock = new ManualClock();
  const { guest } = await probeInstance({ clock });
  guest.call(retainRequest(1, 1500, 1 << 30));
  for (let i = 0; i < 10; i++) guest.call(respondRequest(1000, i));
  clock.advance(1499);
  assert.equal(buffers(guest).count, 11, "these ten and the one before are all under 1.5 s old");
  clock.advance(101);
  assert.equal(buffers(guest).count, 1, "older than 1.5 s: only the newest (beyond the count of 1) is kept");
});

test("rule 3: the budget caps what is kept, oldest first, but the newest response is always kept", async () => {
  const { guest } = await probeInstance();
  guest.call(retainRequest(MAX_RETAINED, 60000, 100 * KiB));
  for (let i = 0; i < 10; i++) guest.call(respondRequest(30 * KiB, i));
  const kept = buffers(guest);
  assert.ok(kept.bytes <= 100 * KiB + 30 * KiB + 64, `${kept.bytes} bytes kept`);
  const big = guest.invoke(respondRequest(MiB, 99));
  guest.call(request(Op.NOW));
  assert.ok(big.read().equals(pattern(MiB, 99)), "a response over the budget is still kept through the next call");
  assert.equal(buffers(guest).count, 1, "and let go once a newer one is kept");
});

test("rule 3: the defaults keep 8 responses and those under 1 s, within 16 MiB", async () => {
  const clock = new ManualClock();
  const { guest } = await probeInstance({ clock });
  for (let i = 0; i < 100; i++) guest.call(respondRequest(200, i));
  assert.equal(buffers(guest).count, Math.min(MAX_RETAINED, 100), "within 1 s every response is kept, up to the slots there are");
  for (let i = 0; i < 30; i++) guest.call(respondRequest(MiB, i));
  assert.ok(buffers(guest).bytes <= RETENTION_DEFAULTS.budget + MiB + 64, "within the budget");
  clock.advance(RETENTION_DEFAULTS.millis);
  guest.call(request(Op.NOW));
  assert.equal(buffers(guest).count, RETENTION_DEFAULTS.count);
});

test("rule 3, both profiles: through a pool of 2, responses of 16 KiB to 1 MiB read after later calls arrive intact", async () => {
  for (const profile of ["v0.10.0", "main"]) {
    const host = new TarmacHost({ profile });
    const pool = await host.pool(guests.probe, 2);
    // Eight callers over two instances: each response is read after up to 6 later calls.
    const pending = [];
    let wrong = 0;
    for (let i = 0; i < 600; i++) {
      const size = [16 * KiB + 1, 20000, 64 * KiB, 100000, 300000, MiB][i % 6];
      pending.push({ r: pool.invoke(respondRequest(size, i)), want: pattern(size, i) });
      if (pending.length > 1 + (i % 7)) { const { r, want } = pending.shift(); if (!r.read().equals(want)) wrong++; }
    }
    for (const { r, want } of pending) if (!r.read().equals(want)) wrong++;
    assert.equal(wrong, 0, `${profile}: ${wrong} of 600 responses overwritten`);
  }
});

test("rule 4: garbage is collected as requests start: 2,000 responses of 1 MiB leave memory flat", async () => {
  const { guest } = await probeInstance();
  for (let i = 0; i < 100; i++) guest.call(respondRequest(MiB, i));
  const plateau = guest.memorySize();
  for (let i = 0; i < 2000; i++) guest.call(respondRequest(MiB, i));
  assert.equal(guest.memorySize(), plateau);
});

test("rule 5: a large block, once free, is found again at its size: 1 MiB gets and sets repeated on one instance take no more memory than the first", async () => {
  const { host, guest, probe } = await probeInstance();
  host.store.set("v", pattern(MiB, 5));
  const get = () => assert.equal(decode(guest.call(request(Op.GET_LENGTH, "v")).body).rest.readUInt32LE(0), MiB);
  get();
  const afterGet = guest.memorySize();
  for (let i = 0; i < 50; i++) get();
  assert.equal(guest.memorySize(), afterGet, "gets");
  probe.set("w", pattern(MiB, 6));
  const afterSet = guest.memorySize();
  for (let i = 0; i < 50; i++) probe.set("w", pattern(MiB, i));
  assert.equal(guest.memorySize(), afterSet, "sets");
  assert.ok(host.store.get("w").equals(pattern(MiB, 49)));
});

test("the incremental runtime: the same rules, trap recovery and 8 MiB round trips", async () => {
  const { guest, probe } = await probeInstance({}, guests.incremental);
  for (let i = 0; i < 3000; i++) assert.equal(guest.call(request(Op.TRAP)).trapped, true);
  assert.equal(probe.set("k", Buffer.from("v")).kind, Kind.OK, "the instance serves after 3,000 traps");
  const big = Buffer.alloc(8 * MiB);
  for (let i = 0; i < big.length; i++) big[i] = (i * 31) >> 3;
  for (let i = 0; i < 4; i++) {
    assert.equal(probe.set("big", big).kind, Kind.OK);
    assert.ok(probe.get("big").value.equals(big));
  }
  const plateau = guest.memorySize();
  for (let i = 0; i < 6; i++) { probe.set("big", big); probe.get("big"); }
  assert.equal(guest.memorySize(), plateau, "8 MiB round trips reach a plateau");
  const kept = guest.invoke(respondRequest(300000, 5));
  guest.call(request(Op.NOW));
  assert.ok(kept.read().equals(pattern(300000, 5)), "responses are kept here too");
});
