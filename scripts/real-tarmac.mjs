// What the scripts that run a real Tarmac share: the binary from TARMAC_BIN (Tarmac cannot be
// installed from the Go module proxy, so without one a script says so and stops), and the
// `--name value` options every script reads.

/** TARMAC_BIN, or exits after saying that `script` was skipped. `const bin = tarmacBin("tarmac-load");` */
export function tarmacBin(script) {
  const bin = process.env.TARMAC_BIN;
  if (!bin) {
    console.log(`${script}: skipped; set TARMAC_BIN to a Tarmac binary to run it`);
    process.exit(0);
  }
  return bin;
}

/** The value after `name` on the command line, or `fallback`. `const n = Number(arg("--requests", 4000));` */
export const arg = (name, fallback) => { const i = process.argv.indexOf(name); return i > 0 ? process.argv[i + 1] : fallback; };
