// Node 20 prints an ExperimentalWarning the first time anything loads node:wasi, as the
// Tarmac-like host does to run guests. A script that imports this module first, and the rest with
// import() after it, does not print that warning; every other warning still shows as usual.
const shown = process.listeners("warning");
process.removeAllListeners("warning");
process.on("warning", (warning) => {
  if (warning.name === "ExperimentalWarning" && /\bWASI\b/.test(warning.message)) return;
  for (const listener of shown) listener.call(process, warning);
});
