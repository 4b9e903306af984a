// Real PostgreSQL and MariaDB servers from Debian's packages, each started in a fresh data
// directory on a free loopback port, owned by the tests and stopped by them.
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, readdirSync, existsSync, chownSync, chmodSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import net from "node:net";

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

async function waitForPort(port, child, what, ms = 60000) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`${what} exited with code ${child.exitCode}`);
    const up = await new Promise((resolve) => {
      const c = net.connect(port, "127.0.0.1", () => { c.end(); resolve(true); });
      c.on("error", () => resolve(false));
    });
    if (up) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} did not listen on ${port} within ${ms} ms`);
}

const uid = (user) => Number(execFileSync("id", ["-u", user]).toString());
const gid = (user) => Number(execFileSync("id", ["-g", user]).toString());

/** The directory of PostgreSQL's server binaries, or null when it is not installed. */
export function postgresBin() {
  const base = "/usr/lib/postgresql";
  if (!existsSync(base)) return null;
  const v = readdirSync(base).sort((a, b) => Number(b) - Number(a)).find((d) => existsSync(join(base, d, "bin", "postgres")));
  return v ? join(base, v, "bin") : null;
}

/** Whether MariaDB's server is installed. */
export function mariadbInstalled() {
  return existsSync("/usr/sbin/mariadbd") || existsSync("/usr/sbin/mysqld");
}

/** Starts PostgreSQL (trust auth, user postgres): { port, stop }. */
export async function startPostgres() {
  const bin = postgresBin();
  const dir = mkdtempSync(join(tmpdir(), "tarmac-as-pg-"));
  chmodSync(dir, 0o700);
  chownSync(dir, uid("postgres"), gid("postgres"));
  execFileSync("setpriv", ["--reuid", String(uid("postgres")), "--regid", String(gid("postgres")), "--init-groups", join(bin, "initdb"), "-D", join(dir, "data"), "-A", "trust", "-U", "postgres", "-E", "UTF8"], { stdio: "ignore" });
  const port = await freePort();
  const child = spawn("setpriv", ["--reuid", String(uid("postgres")), "--regid", String(gid("postgres")), "--init-groups", join(bin, "postgres"), "-D", join(dir, "data"), "-p", String(port), "-c", "listen_addresses=127.0.0.1", "-k", dir], { stdio: "ignore" });
  await waitForPort(port, child, "postgres");
  return {
    port,
    config: { host: "127.0.0.1", port, user: "postgres", database: "postgres" },
    stop: async () => { child.kill("SIGINT"); await new Promise((r) => child.once("exit", r)); rmSync(dir, { recursive: true, force: true }); },
  };
}

/** Starts MariaDB (no grant tables, so any user connects): { port, stop }. */
export async function startMariaDB() {
  const dir = mkdtempSync(join(tmpdir(), "tarmac-as-mariadb-"));
  const data = join(dir, "data");
  chownSync(dir, uid("mysql"), gid("mysql"));
  execFileSync("mariadb-install-db", ["--no-defaults", `--datadir=${data}`, "--user=mysql", "--auth-root-authentication-method=normal", "--skip-test-db"], { stdio: "ignore" });
  const port = await freePort();
  const server = existsSync("/usr/sbin/mariadbd") ? "/usr/sbin/mariadbd" : "/usr/sbin/mysqld";
  const child = spawn(server, ["--no-defaults", `--datadir=${data}`, "--user=mysql", `--port=${port}`, "--bind-address=127.0.0.1",
    `--socket=${join(dir, "sock")}`, `--pid-file=${join(dir, "pid")}`, "--skip-grant-tables", "--skip-log-bin"], { stdio: "ignore" });
  await waitForPort(port, child, "mariadbd");
  return {
    port,
    config: { host: "127.0.0.1", port, user: "root", database: "mysql" },
    stop: async () => { child.kill("SIGTERM"); await new Promise((r) => child.once("exit", r)); rmSync(dir, { recursive: true, force: true }); },
  };
}
