// The I/O side of SyncBridge: HTTP requests as Go's net/http client would make them.
import { workerData } from "node:worker_threads";
import http from "node:http";
import https from "node:https";

const { port, flag } = workerData;

function request({ method, url, headers, body, insecure, maxBody }, redirects = 0) {
  return new Promise((resolve) => {
    let u;
    try { u = new URL(url); } catch (e) { resolve({ error: `parse ${JSON.stringify(url)}: ${e.message}`, stage: "create" }); return; }
    if (u.protocol !== "http:" && u.protocol !== "https:") {
      resolve({ error: `${method[0]}${method.slice(1).toLowerCase()} ${JSON.stringify(url)}: unsupported protocol scheme ${JSON.stringify(u.protocol.replace(/:$/, ""))}`, stage: "do" });
      return;
    }
    const lib = u.protocol === "https:" ? https : http;
    const req = lib.request(u, { method, headers, rejectUnauthorized: !insecure, agent: false }, (res) => {
      // Go's client follows redirects (10 at most); 303, and 301/302 after POST, become GET.
      if ([301, 302, 303, 307, 308].includes(res.statusCode) && res.headers.location && redirects < 10) {
        res.resume();
        const next = new URL(res.headers.location, u).toString();
        const toGet = res.statusCode === 303 || ((res.statusCode === 301 || res.statusCode === 302) && method === "POST");
        resolve(request({ method: toGet ? "GET" : method, url: next, headers, body: toGet ? null : body, insecure, maxBody }, redirects + 1));
        return;
      }
      const chunks = [];
      let size = 0;
      res.on("data", (c) => {
        if (size < maxBody) chunks.push(c.subarray(0, maxBody - size));
        size += c.length;
      });
      res.on("end", () => {
        // Go's Header.Get: the first value of each header, names lower-cased by Tarmac.
        const first = {};
        for (let i = 0; i < res.rawHeaders.length; i += 2) {
          const k = res.rawHeaders[i].toLowerCase();
          if (!(k in first)) first[k] = res.rawHeaders[i + 1];
        }
        resolve({ code: res.statusCode, headers: first, body: Buffer.concat(chunks).toString("base64") });
      });
      res.on("error", (e) => resolve({ error: e.message, stage: "read" }));
    });
    req.on("error", (e) => resolve({ error: `${method[0]}${method.slice(1).toLowerCase()} ${JSON.stringify(url)}: ${e.message}`, stage: "do" }));
    if (body && body.length) req.write(Buffer.from(body));
    req.end();
  });
}

const kinds = { http: request };

port.on("message", async ({ kind, args }) => {
  let result;
  try {
    result = await kinds[kind](args);
  } catch (e) {
    result = { error: String(e && e.message || e), stage: "internal" };
  }
  port.postMessage(result);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
});
