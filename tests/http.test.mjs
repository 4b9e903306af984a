// The HTTP client over a compiled guest: real requests to local HTTP and HTTPS servers through
// the Tarmac-like host, mirroring Tarmac's own httpclient tests.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startUpstream } from "./servers/start.mjs";
import { guests } from "./guests.mjs";
import { TarmacHost } from "../host/engine/tarmac-host.mjs";
import { Kind, decode } from "./probe.mjs";
import { httpCallRequest, httpResult } from "./caps.mjs";

let servers, ports, host, guest;

before(async () => {
  servers = await startUpstream();
  ports = servers.ports;
  host = new TarmacHost({ httpMaxBody: 1 << 20 });
  guest = await host.instantiate(guests.caps);
});

after(async () => {
  servers.stop();
  await host.close();
});

/** Sends one request through the guest: { kind, message, status, headers, body }. */
function send(method, url, options = {}) {
  const r = guest.call(httpCallRequest(method, url, options));
  if (!r.ok) throw new Error(r.error);
  const d = decode(r.body);
  if (d.kind !== Kind.OK) return { kind: d.kind, message: d.message };
  return { kind: Kind.OK, ...httpResult(d.rest) };
}
const http = (path) => `http://127.0.0.1:${ports.http}${path}`;
const https = (path) => `https://127.0.0.1:${ports.https}${path}`;

test("every method reaches the upstream with its headers and body (Tarmac's 'Simple GET/POST/PUT/PATCH/DELETE/HEAD')", () => {
  for (const method of ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"]) {
    const body = ["POST", "PUT", "PATCH"].includes(method) ? Buffer.from(method) : Buffer.alloc(0);
    const r = send(method, https("/teapot"), { headers: { teapot: "true", "X-Quote": `a "b" \\ ü` }, insecure: true, body });
    assert.equal(r.kind, Kind.OK, r.message);
    assert.equal(r.status, 200, method);
    assert.equal(r.headers.server, "tarmac");
    assert.equal(r.headers["x-multi"], "first", "the first value of a repeated header");
    if (method === "HEAD") { assert.equal(r.body.length, 0); continue; }
    const seen = JSON.parse(r.body.toString());
    assert.equal(seen.method, method);
    assert.equal(seen.headers["x-quote"], `a "b" \\ ü`);
    assert.equal(seen.headers["user-agent"], "Go-http-client/1.1", "sent as Go's client sends it");
    if (method !== "HEAD") assert.equal(seen.headers["accept-encoding"], "gzip");
    assert.equal(r.headers["transfer-encoding"], undefined, "Go keeps Transfer-Encoding out of the headers");
    assert.equal(Buffer.from(seen.body, "base64").toString(), body.toString());
  }
});

test("upstream 400, 404 and 500 are responses, not errors ('Invalid POST')", () => {
  assert.equal(send("POST", https("/teapot"), { insecure: true, body: Buffer.from("NotValid") }).status, 400, "no teapot header");
  for (const code of [404, 500, 503]) {
    const r = send("GET", http(`/echo?status=${code}`));
    assert.deepEqual([r.kind, r.status], [Kind.OK, code]);
  }
});

test("TLS: a self-signed upstream fails verification unless insecure is set", () => {
  const r = send("GET", https("/echo"));
  assert.equal(r.kind, Kind.HostFailure);
  assert.match(r.message, /^Unable to execute HTTP request - Get "https:\/\/127\.0\.0\.1:\d+\/echo": tls: failed to verify certificate: x509: certificate signed by unknown authority$/);
  assert.equal(send("GET", https("/echo"), { insecure: true }).status, 200);
});

test("a refused connection is a HostFailure; a bad URL, method or header (a control character other than tab in a value) is InvalidInput before any host call", () => {
  const r = send("GET", "http://127.0.0.1:1/");
  assert.equal(r.kind, Kind.HostFailure);
  const before = guest.hostCalls.length;
  for (const [m, u, h] of [["GET", "://bad-url"], ["GET", "http://a b/"], ["GET", "ftp://x/"], ["GET", ""], ["GET", "http://\ud800/"],
    ["get", http("/")], ["CONNECT", http("/")], ["G ET", http("/")], ["GET", http("/"), { "Bad Name": "x" }], ["GET", http("/"), { ok: "a\r\nInjected: 1" }],
    ["GET", http("/"), { ok: "a\u0001b" }], ["GET", http("/"), { ok: "bell\u0007" }], ["GET", http("/"), { ok: "del\u007f" }]]) {
    assert.equal(send(m, u, { headers: h }).kind, Kind.InvalidInput, `${m} ${u} ${JSON.stringify(h)}`);
  }
  assert.equal(guest.hostCalls.length, before);
});

test("bodies: binary both ways, redirects followed, and truncation at the host's limit", () => {
  const bin = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
  const echoed = JSON.parse(send("PUT", http("/echo"), { body: bin }).body.toString());
  assert.deepEqual(Buffer.from(echoed.body, "base64"), bin);
  const red = send("GET", http("/redirect"));
  assert.equal(JSON.parse(red.body.toString()).path, "/echo?from=redirect");
  assert.equal(send("GET", http("/big?n=1000")).body.length, 1000);
  assert.equal(send("GET", http(`/big?n=${1 << 20}`)).body.length, 1 << 20, "exactly the limit");
  assert.equal(send("GET", http(`/big?n=${(1 << 20) + 3000}`)).body.length, 1 << 20, "truncated to the limit");
});

test("the request on the wire is Tarmac's JSON", () => {
  send("POST", http("/echo"), { headers: { "Content-Type": "text/plain" }, body: Buffer.from("hi") });
  const sent = JSON.parse(guest.hostCalls.at(-1).payload.toString());
  assert.deepEqual(sent, { method: "POST", headers: { "Content-Type": "text/plain" }, url: http("/echo"), body: "aGk=", insecure: false });
  assert.deepEqual([guest.hostCalls.at(-1).namespace, guest.hostCalls.at(-1).operation], ["httpclient", "call"]);
});
