// Real PostgreSQL and MariaDB servers from Debian's packages, each started in a fresh temporary
// directory on a free loopback port (its socket in that directory), owned by the tests and
// stopped by them.
//
// Whoever runs the tests runs the servers: as any user but root, initdb / mariadb-install-db and
// the server run as that user. Neither server runs as root, so as root the directory goes to the
// packages' own users (postgres, mysql) and the server runs as that user.
//
// Each server runs under guard.mjs, which stops it and removes its directory when stop() is called
// or when this process exits in any way, so a failing test never leaves a server behind and never
// keeps the test process waiting.
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, readdirSync, readFileSync, statSync, accessSync, chownSync, chmodSync, constants } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname, delimiter } from "node:path";
import net from "node:net";

/** SQL_SERVERS=required (as in CI): a server that cannot start fails the tests that need it. */
export const sqlRequired = process.env.SQL_SERVERS === "required";

const isRoot = process.getuid?.() === 0;

export function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

function executable(path) {
  try { return statSync(path).isFile() && (accessSync(path, constants.X_OK), true); } catch { return false; }
}

/** The first of `names` found in PATH or then in `dirs` (Debian keeps servers out of a user's PATH). */
export function findProgram(names, dirs = []) {
  const search = [...(process.env.PATH ?? "").split(delimiter).filter(Boolean), ...dirs];
  for (const dir of search) for (const name of names) if (executable(join(dir, name))) return join(dir, name);
  return null;
}

/** The user and group ids of a system user, or null when there is no such user. */
function ids(user) {
  const id = (flag) => Number(execFileSync("id", [flag, user], { stdio: ["ignore", "pipe", "ignore"] }).toString());
  try { return { uid: id("-u"), gid: id("-g") }; } catch { return null; }
}

/** Runs `command` as `as` (the server package's user, when we are root), or as ourselves. */
function asUser(as, command, args) {
  return as ? ["setpriv", ["--reuid", String(as.uid), "--regid", String(as.gid), "--init-groups", command, ...args]] : [command, args];
}

function run(what, [command, args]) {
  try {
    execFileSync(command, args, { stdio: ["ignore", "pipe", "pipe"] });
  } catch (e) {
    const out = summary(`${e.stdout ?? ""}\n${e.stderr ?? ""}`);
    throw new Error(`${what} failed${out ? `: ${out}` : ` (${e.message})`}`);
  }
}

/** What a server's log says went wrong, on one line: its error lines, else its last lines. */
function summary(log) {
  const lines = log.split("\n").map((l) => l.trim()).filter(Boolean);
  const errors = lines.filter((l) => /\b(FATAL|PANIC|ERROR)\b|\[ERROR\]|Can't |\berror:/.test(l));
  const text = (errors.length ? errors : lines.slice(-3)).join(" | ");
  return text.length > 600 ? `${text.slice(0, 600)}...` : text;
}

/** Waits until the server's log says it is ready and it answers on `port`. */
async function waitUntilReady({ port, guard, what, log, ready }, ms = 60000) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (guard.closed) throw new Error(`${what} exited (code ${guard.exitCode})${guard.output() ? `: ${summary(guard.output())}` : ""}`);
    let said = "";
    try { said = readFileSync(log, "utf8"); } catch { /* not written yet */ }
    const up = ready.test(said) && await new Promise((resolve) => {
      const c = net.connect(port, "127.0.0.1", () => { c.end(); resolve(true); });
      c.on("error", () => resolve(false));
    });
    if (up) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} was not ready on port ${port} within ${ms} ms`);
}

/**
 * Starts `command` under guard.mjs and waits until it is ready (its log matches `ready` and it
 * listens on `port`): { port, config, stop, kill } (kill: SIGKILL, as a crash). Once the server is
 * up, the guard holds nothing of this process's event loop.
 */
export async function serve(what, { command, args, dir, stopSignal, port, config, ready }) {
  const guard = spawn(process.execPath, [new URL("./guard.mjs", import.meta.url).pathname, JSON.stringify({ command, args, dir, stopSignal })],
    { stdio: ["pipe", "ignore", "pipe"] });
  let output = "";
  guard.stderr.setEncoding("utf8").on("data", (d) => { output += d; });
  guard.output = () => output.trim();
  const exited = new Promise((resolve) => guard.once("close", () => { guard.closed = true; resolve(); }));
  // Ends the guard (with "kill\n": the server as a crash would) and waits for it to close. Its
  // process and pipes are held again first: a guard that has exited already closes only once its
  // stderr reaches its end, and an unreferenced pipe would let this process exit before that.
  const end = async (line) => {
    guard.ref();
    guard.stdin.ref?.();
    guard.stderr.ref?.();
    guard.stdin.end(line);
    await exited;
  };
  const stop = () => end();
  const kill = () => end("kill\n");
  try {
    await waitUntilReady({ port, guard, what, log: join(dir, "server.log"), ready });
  } catch (e) {
    await stop();
    throw e;
  }
  guard.unref();
  guard.stdin.unref();
  guard.stderr.unref();
  return { port, config, stop, kill };
}

const POSTGRES_MISSING = "PostgreSQL not found: install Debian's postgresql package (initdb and postgres, in /usr/lib/postgresql/<version>/bin or PATH)";
const MARIADB_MISSING = "MariaDB not found: install Debian's mariadb-server package (mariadbd and mariadb-install-db, in /usr/sbin, /usr/bin or PATH)";

/** The directory of PostgreSQL's server binaries (initdb and postgres), or null when it is not installed. */
export function postgresBin() {
  const has = (dir) => executable(join(dir, "initdb")) && executable(join(dir, "postgres"));
  const base = "/usr/lib/postgresql";
  let versions = [];
  try { versions = readdirSync(base).sort((a, b) => Number(b) - Number(a)); } catch { /* not Debian's layout */ }
  const debian = versions.map((v) => join(base, v, "bin")).find(has);
  if (debian) return debian;
  const inPath = findProgram(["postgres"]);
  return inPath && has(dirname(inPath)) ? dirname(inPath) : null;
}

/** MariaDB's server and its install script: { server, installDb }, or null when it is not installed. */
export function mariadbPrograms() {
  const server = findProgram(["mariadbd", "mysqld"], ["/usr/sbin", "/usr/local/sbin"]);
  const installDb = findProgram(["mariadb-install-db", "mysql_install_db"], ["/usr/bin", "/usr/local/bin"]);
  return server && installDb ? { server, installDb } : null;
}

/** Whether MariaDB's server is installed. */
export function mariadbInstalled() {
  return mariadbPrograms() !== null;
}

/** A fresh temporary directory for a server, handed to `owner` when we are root. */
function serverDir(kind, owner) {
  const dir = mkdtempSync(join(tmpdir(), `tarmac-as-${kind}-`));
  chmodSync(dir, 0o700);
  if (owner) chownSync(dir, owner.uid, owner.gid);
  return dir;
}

/** The package user a server runs as when we are root (null otherwise). */
function packageUser(user, title) {
  if (!isRoot) return null;
  const owner = ids(user);
  if (!owner) throw new Error(`${title} does not run as root and there is no '${user}' user to run it as (Debian's package creates it)`);
  return owner;
}

/** Starts PostgreSQL (trust auth, superuser postgres): { port, config, stop }. */
export async function startPostgres() {
  const bin = postgresBin();
  if (!bin) throw new Error(POSTGRES_MISSING);
  const owner = packageUser("postgres", "PostgreSQL");
  const dir = serverDir("pg", owner);
  const data = join(dir, "data");
  try {
    run("initdb", asUser(owner, join(bin, "initdb"), ["-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync"]));
    const port = await freePort();
    const [command, args] = asUser(owner, join(bin, "postgres"), ["-D", data, "-p", String(port), "-c", "listen_addresses=127.0.0.1", "-k", dir, "-c", "fsync=off"]);
    // SIGINT: PostgreSQL's fast shutdown.
    return await serve("postgres", { command, args, dir, stopSignal: "SIGINT", port, ready: /database system is ready to accept connections/,
      config: { host: "127.0.0.1", port, user: "postgres", database: "postgres" } });
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

/** Starts MariaDB (no grant tables, so any user connects): { port, config, stop }. */
export async function startMariaDB() {
  const programs = mariadbPrograms();
  if (!programs) throw new Error(MARIADB_MISSING);
  const owner = packageUser("mysql", "MariaDB");
  const dir = serverDir("mariadb", owner);
  const data = join(dir, "data");
  const user = owner ? ["--user=mysql"] : [];
  try {
    run("mariadb-install-db", [programs.installDb, ["--no-defaults", `--datadir=${data}`, ...user, "--auth-root-authentication-method=normal", "--skip-test-db"]]);
    const port = await freePort();
    const args = ["--no-defaults", `--datadir=${data}`, ...user, `--port=${port}`, "--bind-address=127.0.0.1",
      `--socket=${join(dir, "sock")}`, `--pid-file=${join(dir, "pid")}`, "--skip-grant-tables", "--skip-log-bin"];
    return await serve("mariadbd", { command: programs.server, args, dir, stopSignal: "SIGTERM", port, ready: /ready for connections/,
      config: { host: "127.0.0.1", port, user: "root", database: "mysql" } });
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

const DATABASES = {
  postgres: { title: "PostgreSQL", installed: () => postgresBin() !== null, missing: POSTGRES_MISSING, start: startPostgres },
  mariadb: { title: "MariaDB", installed: mariadbInstalled, missing: MARIADB_MISSING, start: startMariaDB },
};

/**
 * Starts "postgres" or "mariadb": { server } once it listens, or { skip } saying what is missing
 * or why it did not start. Never throws; each database on its own, so one missing never stops
 * the other.
 */
export async function startDatabase(name) {
  const db = DATABASES[name];
  if (!db.installed()) return { skip: db.missing };
  try {
    return { server: await db.start() };
  } catch (e) {
    return { skip: `${db.title} did not start: ${e.message}` };
  }
}

/**
 * For test files: startDatabase, but a database that cannot run throws when SQL_SERVERS=required
 * (so the tests that need it fail), and otherwise prints why its tests are skipped.
 */
export async function databaseForTests(name, file) {
  const r = await startDatabase(name);
  if (r.skip && sqlRequired) throw new Error(`SQL_SERVERS=required, but ${r.skip}`);
  if (r.skip) console.log(`${file}: ${name} tests skipped - ${r.skip}`);
  return r;
}
