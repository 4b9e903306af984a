// npm run build:examples - builds every example's release module.
import { statSync } from "node:fs";
import { buildExamples } from "./examples.mjs";

await buildExamples((ex) => console.log(`built examples/${ex.name} (${statSync(ex.wasm).size} bytes)`));
