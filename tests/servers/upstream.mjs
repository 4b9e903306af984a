// Upstream servers for the HTTP client tests, in their own process (the host blocks its own
// thread during a call): plain HTTP and HTTPS with a self-signed certificate, on loopback.
// Prints {"http":port,"https":port} once listening. The certificate comes from the openssl
// command; without it only plain HTTP runs (all npm start needs): {"http":port,"https":null,
// "missing":{"https":why}}.
import http from "node:http";
import https from "node:https";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

function selfSigned() {
  const dir = mkdtempSync(join(tmpdir(), "tarmac-as-tls-"));
  try {
    execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-days", "1",
      "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem")], { stdio: "ignore" });
    return { tls: { key: readFileSync(join(dir, "key.pem")), cert: readFileSync(join(dir, "cert.pem")) } };
  } catch (e) {
    return { missing: e.code === "ENOENT" ? "openssl not found: install Debian's openssl package for the HTTPS upstream" : `openssl could not make a certificate: ${e.message}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
const { tls, missing } = selfSigned();

function handler(req, res) {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    const u = new URL(req.url, "http://x");
    res.setHeader("Server", "tarmac");
    res.setHeader("X-Multi", ["first", "second"]);
    if (u.pathname === "/redirect") { res.writeHead(302, { Location: "/echo?from=redirect" }); res.end(); return; }
    if (u.pathname === "/text") { res.writeHead(Number(u.searchParams.get("status") ?? 200), { "Content-Type": "text/plain" }); res.end(u.searchParams.get("body") ?? ""); return; }
    if (u.pathname === "/big") { res.writeHead(200, { "Content-Type": "application/octet-stream" }); res.end(Buffer.alloc(Number(u.searchParams.get("n")), 0x62)); return; }
    if (u.pathname === "/teapot" && req.headers.teapot !== "true") { res.writeHead(400); res.end("no teapot header"); return; }
    const status = Number(u.searchParams.get("status") ?? 200);
    res.writeHead(status, { "Content-Type": "application/json" });
    res.end(req.method === "HEAD" ? undefined : JSON.stringify({ method: req.method, path: req.url, headers: req.headers, body: Buffer.concat(chunks).toString("base64") }));
  });
}

const plain = http.createServer(handler).listen(0, "127.0.0.1");
const secure = tls ? https.createServer(tls, handler).listen(0, "127.0.0.1") : null;
await Promise.all([plain, secure].filter(Boolean).map((s) => new Promise((r) => s.on("listening", r))));
console.log(JSON.stringify({ http: plain.address().port, https: secure?.address().port ?? null, ...(missing ? { missing: { https: missing } } : {}) }));
process.stdin.resume();
process.stdin.on("end", () => process.exit(0)); // the test closes stdin to stop the servers
