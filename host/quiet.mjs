// Imported before anything that loads node:wasi: node warns once that WASI is experimental,
// which is noise in a test run or a tool's output. Only that warning is dropped.
const emitWarning = process.emitWarning;
process.emitWarning = function (warning, ...rest) {
  const text = typeof warning === "string" ? warning : warning?.message ?? "";
  if (/WASI is an experimental feature/.test(text)) return;
  return emitWarning.call(process, warning, ...rest);
};
