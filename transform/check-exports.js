// Part of the tarmac-as asconfig preset: fails the build when the module would not be a Tarmac
// function. Tarmac calls the export `__guest_call`; a module without it loads but answers every
// request with an error. (One known way to get there silently: json-as 1.5/1.6's transform
// emits an empty module when the entry file is named `assembly/index.ts`.)

export default class CheckExports {
  afterCompile(module) {
    const binaryen = this.binaryen;
    const names = [];
    for (let i = 0, n = module.getNumExports(); i < n; i++) {
      names.push(binaryen.getExportInfo(module.getExportByIndex(i)).name);
    }
    if (!names.includes("__guest_call")) {
      throw new Error(
        "tarmac-as: this module does not export __guest_call, so Tarmac cannot call it.\n" +
        "  Add this line to your entry file:\n" +
        "    export { __guest_call } from \"tarmac-as/assembly\";\n" +
        "  and register your handler with handle(fn).\n" +
        "  (If the entry file is assembly/index.ts and you use json-as's transform, rename the\n" +
        "  entry file, e.g. to assembly/main.ts: json-as 1.5/1.6 empties modules built from index.ts.)\n" +
        "  Exports found: " + (names.join(", ") || "(none)"),
      );
    }
  }
}
