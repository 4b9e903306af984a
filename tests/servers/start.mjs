// Starts the local upstream servers (upstream.mjs) in a process of their own: { ports: { http,
// https }, stop() }.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";

export async function startUpstream() {
  const child = spawn(process.execPath, [new URL("./upstream.mjs", import.meta.url).pathname], { stdio: ["pipe", "pipe", "inherit"] });
  const ports = JSON.parse(await new Promise((resolve) => createInterface({ input: child.stdout }).once("line", resolve)));
  return { ports, stop: () => child.stdin.end() };
}
