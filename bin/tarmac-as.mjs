#!/usr/bin/env node
// The tarmac-as command: new, build, run and dev for a function author's project.
import { parseArgs } from "node:util";
import "../host/quiet.mjs";

const USAGE = `usage: tarmac-as <command> [options]

  new <dir> [--template hello|kv|http|service]   make a project from a template
  build [--debug] [--wire json|protobuf|auto]    build every function of the project in this folder
  run <module.wasm> [--data TEXT|@FILE] [--kv JSON] [--profile v0.10.0|main]
                                                 call a function once; print its response, error and host calls
  dev [--config tarmac.json] [--port 8080] [--profile v0.10.0|main] [--wire json|protobuf|auto]
                                                 serve the project's tarmac.json on loopback, rebuilding on change
`;

const [command, ...rest] = process.argv.slice(2);
const commands = {
  new: () => import("../cli/new.mjs"),
  build: () => import("../cli/build.mjs"),
  run: () => import("../cli/run.mjs"),
  dev: () => import("../cli/dev.mjs"),
};
if (!command || command === "help" || command === "--help" || command === "-h") {
  process.stdout.write(USAGE);
  process.exit(command ? 0 : 1);
}
if (!commands[command]) {
  process.stderr.write(`tarmac-as: unknown command ${JSON.stringify(command)}\n\n${USAGE}`);
  process.exit(2);
}
try {
  const { main } = await commands[command]();
  const code = await main(rest, { parseArgs });
  if (typeof code === "number") process.exitCode = code;
} catch (e) {
  process.stderr.write(`tarmac-as ${command}: ${e.message}\n`);
  process.exitCode = 1;
}
