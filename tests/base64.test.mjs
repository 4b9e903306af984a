// The SDK's base64 codec (SIMD and scalar paths) against Node's, exhaustively on small inputs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { probeInstance, guests } from "./guests.mjs";
import { Op, request } from "./probe.mjs";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

async function decoders() {
  const simd = (await probeInstance()).guest;
  const scalar = (await probeInstance({}, guests.noPreset)).guest; // built without SIMD
  const decode = (g) => (text) => {
    const body = g.call(request(Op.B64_DECODE, "", Buffer.from(text, "latin1"))).body;
    return body[0] === 0 ? body.subarray(1) : null;
  };
  return { simd: decode(simd), scalar: decode(scalar) };
}

test("decoding every length 0-300 round-trips, on the SIMD and the scalar path", async () => {
  const { simd, scalar } = await decoders();
  for (let n = 0; n <= 300; n++) {
    const bytes = randomBytes(n);
    const text = bytes.toString("base64");
    assert.deepEqual(simd(text), bytes, `SIMD ${n}`);
    assert.deepEqual(scalar(text), bytes, `scalar ${n}`);
  }
});

test("any byte value at any position of a 96-character text: rejected unless it is in the alphabet", async () => {
  const { simd, scalar } = await decoders();
  const base = randomBytes(72).toString("base64");
  for (let pos = 0; pos < 92; pos++) {
    for (let b = 0; b < 256; b++) {
      const text = base.slice(0, pos) + String.fromCharCode(b) + base.slice(pos + 1);
      const valid = ALPHABET.includes(String.fromCharCode(b));
      const want = valid ? Buffer.from(text, "base64") : null;
      assert.deepEqual(simd(text), want, `SIMD: byte ${b} at ${pos}`);
      if (b % 17 === 0 || valid) assert.deepEqual(scalar(text), want, `scalar: byte ${b} at ${pos}`);
    }
  }
});

test("padding: only canonical forms decode", async () => {
  const { simd } = await decoders();
  const long = "QUJD".repeat(10);
  for (const [text, ok] of [["aGk=", true], ["aA==", true], ["aGk", false], ["aGk==", false], ["a===", false], ["====", false],
    ["aB==", false], ["aGl=", false], [long + "aGk=", true], [long + "aG=k", false], [long + "=Gk=", false], ["aGk=" + long, false]]) {
    assert.equal(simd(text) !== null, ok, text);
  }
});

test("encoding every length 0-300 matches Node's, on the SIMD and the scalar path", async () => {
  for (const wasm of [guests.probe, guests.noPreset]) {
    const { guest } = await probeInstance({}, wasm);
    for (let n = 0; n <= 300; n++) {
      const bytes = randomBytes(n);
      const got = guest.call(request(Op.B64_ENCODE, "", bytes)).body.subarray(13).toString();
      assert.equal(got, bytes.toString("base64"), `${wasm.endsWith("no-preset.wasm") ? "scalar" : "SIMD"} ${n}`);
    }
  }
});
