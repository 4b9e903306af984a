// The decoder models of host/engine/protowire.mjs against the real decoders. About 20,000
// payloads (tests/decoders/payloads.mjs: the SDK's JSON requests, protobuf-looking random bytes,
// mutated real encodings and edge cases) went through Tarmac v0.10.0's decoding (proto.Unmarshal)
// and main's (UnmarshalVT), on github.com/tarmac-project/protobuf-go at the versions each pins,
// and their answers are recorded in tests/decoders/answers.json: whether each payload decodes
// and the fields it decodes to, as a digest. The models must give the same answer on every
// payload. The programs that made the recording are not part of this repository.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { unmarshalV010, unmarshalVT } from "../host/engine/protowire.mjs";
import { PROTO_MESSAGES as schemas } from "../spec/capabilities.mjs";
import { payloads, project, answerDigest, SEED } from "./decoders/payloads.mjs";

const recorded = JSON.parse(readFileSync(new URL("./decoders/answers.json", import.meta.url), "utf8"));
const DECODERS = [
  { name: "v0.10.0", model: unmarshalV010 },
  { name: "main", model: unmarshalVT },
];
const hex = (b) => (b.length > 256 ? `${b.subarray(0, 256).toString("hex")}... (${b.length} bytes)` : b.toString("hex") || "(empty)");

test(`the decoder models answer as the real decoders of Tarmac v0.10.0 and main did (${recorded.payloads} recorded payloads, seed ${SEED})`, (t) => {
  assert.equal(recorded.seed, SEED, "the payloads are the ones recorded");
  const cases = payloads();
  assert.equal(cases.length, recorded.payloads);
  const failures = [];
  for (const decoder of DECODERS) {
    const answers = Buffer.from(recorded.answers[decoder.name], "base64");
    assert.equal(answers.length, cases.length * 3, `${decoder.name}: an answer per payload`);
    const mismatches = [];
    let decoded = 0;
    cases.forEach(({ message, kind, payload }, i) => {
      const fields = project(decoder.model(payload, schemas[message]), schemas[message]);
      if (fields !== null) decoded++;
      if (!answerDigest(fields).equals(answers.subarray(i * 3, i * 3 + 3))) mismatches.push({ message, kind, payload: hex(payload), model: fields });
    });
    t.diagnostic(`${decoder.name}: ${cases.length} payloads, ${decoded} decoded by the model (recorded: ${recorded[`decoded_${decoder.name}`]}); ${mismatches.length} disagree`);
    assert.equal(decoded, recorded[`decoded_${decoder.name}`], `${decoder.name}: as many payloads decode as in the recording`);
    if (mismatches.length) failures.push(`${decoder.name}: ${mismatches.length} of ${cases.length} payloads answered differently from the recording; the first ones:\n` +
      mismatches.slice(0, 8).map((m) => `  ${m.message} (${m.kind}) ${m.payload}\n    model: ${JSON.stringify(m.model)}`).join("\n"));
  }
  assert.equal(failures.length, 0, failures.join("\n"));
});
