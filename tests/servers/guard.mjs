// Keeps one server (PostgreSQL or MariaDB) tied to the process that started it. Started by
// databases.mjs with a JSON spec { command, args, dir, stopSignal } as its only argument, it runs
// the server with its output in <dir>/server.log, and stops it - then removes <dir> - as soon as
// its stdin closes (at once, with SIGKILL, when it reads "kill"): when the tests call stop() or when the process that started it exits, however
// it exits (a failed test, an uncaught error, a signal). If the server exits on its own, the end of
// its log goes to stderr and this process exits with the server's code.
import { spawn } from "node:child_process";
import { openSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";

const { command, args, dir, stopSignal } = JSON.parse(process.argv[2]);
const logFile = join(dir, "server.log");
process.stderr.on("error", () => {}); // the starter may be gone already

const server = spawn(command, args, { stdio: ["ignore", openSync(logFile, "a"), openSync(logFile, "a")] });
let stopping = false;

function logTail() {
  try { return readFileSync(logFile, "utf8").trim().split("\n").slice(-40).join("\n"); } catch { return ""; }
}

function finish(code) {
  rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
  process.exit(code);
}

server.on("error", (e) => { process.stderr.write(`cannot run ${command}: ${e.message}\n`); finish(127); });
server.on("exit", (code, signal) => {
  if (!stopping) process.stderr.write(`${logTail()}\n${command} exited (${signal ?? `code ${code}`})\n`);
  finish(stopping ? 0 : (code || 1));
});

function stop(signal = stopSignal) {
  if (stopping) return;
  stopping = true;
  server.kill(signal);
  setTimeout(() => server.kill("SIGKILL"), 30000).unref(); // a server that ignores its stop signal
}
// "kill" on stdin stops the server as a crash would (SIGKILL), for tests of a server lost mid-call.
process.stdin.on("data", (d) => { if (String(d).includes("kill")) stop("SIGKILL"); });
process.stdin.on("end", () => stop()).on("close", () => stop()).on("error", () => stop());
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, stop);
