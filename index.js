// tarmac-as's Node entry: where the package's AssemblyScript parts lie, for build scripts and
// tools. Functions use the SDK from AssemblyScript: `import { handle } from "tarmac-as/assembly"`.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The installed package's directory. */
export const packageDir = dirname(fileURLToPath(import.meta.url));
/** The asconfig preset a function's asconfig.json extends. */
export const asconfigPath = join(packageDir, "asconfig.json");
/** The AssemblyScript SDK's directory (its entry is index.ts). */
export const assemblyDir = join(packageDir, "assembly");
