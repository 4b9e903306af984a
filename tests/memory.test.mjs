// Tarmac reuses each instance for many requests: guest memory must stay flat.
import { test } from "node:test";
import assert from "node:assert/strict";
import { probeInstance } from "./guests.mjs";
import { Op, Kind, PORTABLE, request, decode } from "./probe.mjs";

const MiB = 1 << 20;

test("100,000 calls on one instance (portable keys among them): guest memory stays flat", async (t) => {
  const { guest, probe } = await probeInstance();
  guest.recordHostCalls = false;
  probe.set("hit", Buffer.alloc(100, 7));
  const reqs = [
    request(Op.GET, "hit"), request(Op.SET, "k", Buffer.alloc(300, 1)), request(Op.GET, "missing"),
    request(Op.DELETE, "gone"), request(Op.GET_STRING, "hit"), request(Op.FAIL, "nope"), request(Op.TRAP),
    // kv.portable(): each call encodes its key (and keys() decodes every key) in fresh strings.
    request(Op.SET | PORTABLE, "user:42 ✓", Buffer.alloc(50, 2)), request(Op.GET | PORTABLE, "user:42 ✓"),
    request(Op.KEYS | PORTABLE), request(Op.SET | PORTABLE, "é".repeat(1500), Buffer.alloc(5, 3)),
  ];
  const run = (n) => {
    for (let i = 0; i < n; i++) {
      const req = reqs[i % reqs.length];
      const r = guest.call(req);
      if (i % reqs.length === 0 || i % reqs.length === 8) assert.equal(decode(r.body).kind, Kind.OK, `request ${i % reqs.length}`); // the gets of keys that are there
    }
  };
  run(2000);
  const start = guest.memorySize();
  run(100000);
  const end = guest.memorySize();
  t.diagnostic(`guest memory after warm-up ${(start / MiB).toFixed(2)} MiB, after 100,000 more calls ${(end / MiB).toFixed(2)} MiB`);
  assert.ok(end - start <= MiB, `grew by ${end - start} bytes`);
  assert.equal(probe.keys().kind, Kind.OK);
});

test("large values do not ratchet memory up: 8 MiB round trips reach a plateau", async (t) => {
  const { guest, probe } = await probeInstance();
  guest.recordHostCalls = false;
  const big = Buffer.alloc(8 * MiB, 0x5a);
  for (let i = 0; i < 3; i++) {
    assert.equal(probe.set("big", big).kind, Kind.OK);
    assert.ok(probe.get("big").value.equals(big));
  }
  const plateau = guest.memorySize();
  for (let i = 0; i < 30; i++) {
    probe.set("big", big);
    probe.get("big");
  }
  t.diagnostic(`guest memory after 3 x 8 MiB set+get: ${(plateau / MiB).toFixed(0)} MiB; after 30 more: ${(guest.memorySize() / MiB).toFixed(0)} MiB`);
  assert.equal(guest.memorySize(), plateau, "no growth after the plateau");
});
