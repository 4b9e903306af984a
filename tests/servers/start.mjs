// Starts the local upstream servers (upstream.mjs) in a process of their own: { ports: { http,
// https }, stop() }. The servers stop when stop() closes their stdin, or when this process exits
// in any way (its end of the pipe closes then too); once they listen they hold nothing of this
// process's event loop, so a test that fails before calling stop() cannot keep it waiting.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";

export async function startUpstream() {
  const child = spawn(process.execPath, [new URL("./upstream.mjs", import.meta.url).pathname], { stdio: ["pipe", "pipe", "inherit"] });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const line = await new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.once("line", (l) => { lines.close(); resolve(l); });
    child.once("error", reject);
    child.once("exit", (code, signal) => reject(new Error(`the upstream servers exited before listening (${signal ?? `code ${code}`})`)));
  });
  const ports = JSON.parse(line);
  child.unref();
  child.stdin.unref();
  child.stdout.unref();
  const stop = async () => {
    child.ref();
    child.stdin.end();
    await exited;
  };
  return { ports, stop };
}
