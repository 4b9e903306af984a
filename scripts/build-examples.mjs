// npm run build:examples - builds every example's release module.
import "./quiet-wasi.mjs";
import { statSync } from "node:fs";

const { buildExamples } = await import("./examples.mjs");
await buildExamples((ex) => console.log(`built examples/${ex.name} (${statSync(ex.wasm).size} bytes)`));
