// Tarmac's HTTP client capability (`httpclient` `call`), over JSON: the only encoding Tarmac
// v0.10.0 and newer hosts share. An upstream 404 or 500 is a response; a bad request or a
// transport/TLS failure is a typed error.

import { callHost } from "./host";
import { JsonWriter, JsonReader, JsonType } from "./json";
import { ReplyStatus, readStatus, readBase64, replyError } from "./reply";
import { Result } from "./result";
import { isValidUnicode, decodeUtf8, bytes } from "./utf8";
import { MAX_VALUE_BYTES } from "./kv";
import { ErrorKind, TarmacError, E_BAD_METHOD, E_BAD_URL, E_BAD_HEADER, E_TOO_LARGE, E_NO_DATA, E_BAD_HEADERS } from "./errors";

// @ts-ignore: decorator (inlined, so a module that does not use this capability does not carry the name)
@lazy @inline const CAPABILITY: string = "httpclient";

/**
 * An HTTP response: the upstream status code, its headers (lower-case names, first value of
 * each) and its body (Tarmac truncates bodies over its limit, 10 MiB by default).
 *
 * ```ts
 * const r = http.get("https://example.com/");
 * if (r.isOk && r.value.status == 200) log.info(r.value.text());
 * ```
 */
export class HttpResponse {
  constructor(public status: i32, public headers: Map<string, string>, public body: Uint8Array) {}

  /** A header's value, by name in any case; null if absent. `resp.header("Content-Type")` */
  header(name: string): string | null {
    const key = name.toLowerCase();
    return this.headers.has(key) ? this.headers.get(key) : null;
  }

  /** The body as text (invalid UTF-8 becomes U+FFFD). `resp.text()` */
  text(): string {
    return changetype<string>(decodeUtf8(this.body.dataStart, this.body.length, true));
  }
}

/**
 * An HTTP request to send through Tarmac. Methods: GET, POST, PUT, PATCH, DELETE, HEAD.
 *
 * ```ts
 * const r = new HttpRequest("POST", "https://api.example.com/items")
 *   .header("Content-Type", "application/json")
 *   .text(`{"name":"x"}`)
 *   .send();
 * ```
 */
export class HttpRequest {
  headers: Map<string, string> = new Map<string, string>();
  body: Uint8Array = new Uint8Array(0);
  /** Skip TLS certificate verification (self-signed upstreams). */
  insecure: bool = false;

  constructor(public method: string, public url: string) {}

  /** Sets a header (replacing one of the same name). `req.header("Accept", "text/plain")` */
  header(name: string, value: string): HttpRequest {
    this.headers.set(name, value);
    return this;
  }

  /** Sets the body to bytes. `req.bytes(body)` */
  bytes(body: Uint8Array): HttpRequest {
    this.body = body;
    return this;
  }

  /** Sets the body to text, sent as UTF-8. `req.text("hello")` */
  text(body: string): HttpRequest {
    this.body = bytes(body);
    return this;
  }

  /** Skips TLS verification when `yes`. `req.skipVerify()` */
  skipVerify(yes: bool = true): HttpRequest {
    this.insecure = yes;
    return this;
  }

  /** Sends the request. `const r = req.send();` */
  send(): Result<HttpResponse> {
    return sendRequest(this);
  }
}

/**
 * Shorthands for common requests.
 *
 * ```ts
 * const page = http.get("http://127.0.0.1:8080/health");
 * const made = http.post("http://127.0.0.1:8080/items", bytes(`{"a":1}`), "application/json");
 * ```
 */
export namespace http {
  /** `http.get(url)` */
  export function get(url: string): Result<HttpResponse> {
    return new HttpRequest("GET", url).send();
  }
  /** `http.post(url, body, "application/json")` */
  export function post(url: string, body: Uint8Array, contentType: string = "application/octet-stream"): Result<HttpResponse> {
    return new HttpRequest("POST", url).header("Content-Type", contentType).bytes(body).send();
  }
}

function invalid(message: string): Result<HttpResponse> {
  return Result.err<HttpResponse>(new TarmacError(ErrorKind.InvalidInput, message, 0, CAPABILITY, "call"));
}

function isMethod(m: string): bool {
  return m == "GET" || m == "POST" || m == "PUT" || m == "PATCH" || m == "DELETE" || m == "HEAD";
}

function isUrl(u: string): bool {
  if (!isValidUnicode(u)) return false;
  const l = u.slice(0, 8).toLowerCase();
  const rest = l.startsWith("https://") ? 8 : l.startsWith("http://") ? 7 : 0;
  if (rest == 0 || u.length <= rest) return false;
  for (let i = 0; i < u.length; i++) {
    const c = u.charCodeAt(i);
    if (c <= 32 || c == 127) return false; // no spaces or control characters
  }
  return true;
}

// Header names are HTTP tokens; values must not carry control characters other than tab (Go's
// httpguts.ValidHeaderFieldValue, which Tarmac's client applies).
function isHeader(name: string, value: string): bool {
  if (name.length == 0 || !isValidUnicode(value)) return false;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    const ok = (c >= 48 && c <= 57) || ((c | 32) >= 97 && (c | 32) <= 122) || c == 33 || (c >= 35 && c <= 39)
      || c == 42 || c == 43 || c == 45 || c == 46 || c == 94 || c == 95 || c == 96 || c == 124 || c == 126;
    if (!ok) return false;
  }
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if ((c < 32 && c != 9) || c == 127) return false;
  }
  return true;
}

function sendRequest(req: HttpRequest): Result<HttpResponse> {
  if (!isMethod(req.method)) return invalid(E_BAD_METHOD());
  if (!isUrl(req.url)) return invalid(E_BAD_URL());
  const names = req.headers.keys();
  let size = <usize>req.url.length * 6 + 64;
  for (let i = 0; i < names.length; i++) {
    const value = req.headers.get(names[i]);
    if (!isHeader(names[i], value)) return invalid(E_BAD_HEADER() + ": " + names[i]);
    size += (<usize>names[i].length + <usize>value.length) * 6 + 8;
  }
  const body = req.body;
  if (<usize>body.length > MAX_VALUE_BYTES) return invalid(E_TOO_LARGE());
  size += ((<usize>body.length + 2) / 3) * 4;

  const w = JsonWriter.request(size);
  w.startObject();
  w.key("method"); w.string(req.method);
  w.key("headers"); w.startObject();
  for (let i = 0; i < names.length; i++) { w.key(names[i]); w.string(req.headers.get(names[i])); }
  w.endObject();
  w.key("url"); w.string(req.url);
  w.key("body"); w.base64(body.dataStart, body.length);
  w.key("insecure"); w.bool(req.insecure);
  w.endObject();
  const reply = callHost("tarmac", CAPABILITY, "call", w.ptr, w.length);
  w.end();

  const st = ReplyStatus.fresh();
  const r = JsonReader.over(reply.bodyPtr, reply.bodyLen);
  let code: i32 = 0;
  let headers = new Map<string, string>();
  let data: Uint8Array | null = null;
  if (reply.bodyLen > 0 && r.startObject()) {
    while (r.nextKey()) {
      if (r.keyIs("status")) readStatus(r, st);
      else if (r.keyIs("code")) {
        const c = r.int(0, 999);
        if (r.badNumber) st.problem = E_BAD_HEADERS(); else code = <i32>c;
      } else if (r.keyIs("headers")) readHeaders(r, st, headers);
      else if (r.keyIs("body")) data = readBase64(r, st, reply);
      else r.skip();
    }
  }
  const err = replyError(reply, r, st, CAPABILITY, "call", false);
  if (err) return Result.err<HttpResponse>(err);
  if (data === null) return Result.err<HttpResponse>(new TarmacError(ErrorKind.InvalidResponse, E_NO_DATA(), st.code, CAPABILITY, "call"));
  return Result.ok<HttpResponse>(new HttpResponse(code, headers, data));
}

function readHeaders(r: JsonReader, st: ReplyStatus, into: Map<string, string>): void {
  const t = r.peek();
  if (t == JsonType.Null) { r.null(); return; }
  if (t != JsonType.Object) { r.skip(); st.problem = E_BAD_HEADERS(); return; }
  into.clear();
  r.startObject();
  while (r.nextKey()) {
    const name = r.keyText();
    if (r.peek() != JsonType.String) { r.skip(); st.problem = E_BAD_HEADERS(); continue; }
    const value = r.string();
    if (value !== null) into.set(name, value);
  }
}
