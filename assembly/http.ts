// Tarmac's HTTP client capability (`httpclient` `call`). An upstream 404 or 500 is a response;
// a bad request or a transport/TLS failure is a typed error. This file checks requests and names
// the operation's fields (spec/capabilities.mjs); what goes on the wire is wire.ts's.
//
// call {method=1, headers=2, url=3, body=4, insecure=5} -> {status, code=2, headers=3, body=4}.
// Headers carry one value per name on JSON and on v0.10.0's protobuf, every value on `main`'s.

import * as wire from "./wire";
import { Result } from "./result";
import { isValidUnicode, decodeUtf8, bytes } from "./utf8";
import { MAX_VALUE_BYTES } from "./limits";
import { ErrorKind, TarmacError, E_BAD_METHOD, E_BAD_URL, E_BAD_HEADER, E_WRONG_TYPE, E_TOO_LARGE } from "./errors";

// @ts-ignore: decorator (inlined, so a module that does not use this capability does not carry the name)
@lazy @inline const CAPABILITY: string = "httpclient";

/**
 * An HTTP response: the upstream status code, its headers (lower-case names, first value of
 * each; `headerValues` has them all where the host sends them) and its body (Tarmac truncates
 * bodies over its limit, 10 MiB by default).
 *
 * ```ts
 * const r = http.get("https://example.com/");
 * if (r.isOk && r.value.status == 200) log.info(r.value.text());
 * ```
 */
export class HttpResponse {
  constructor(
    public status: i32,
    public headers: Map<string, string>,
    public body: Uint8Array,
    /** Every value of the names that had more than one (null: none did). */
    private values: Map<string, string[]> | null = null,
  ) {}

  /** A header's value, by name in any case; null if absent. `resp.header("Content-Type")` */
  header(name: string): string | null {
    const key = name.toLowerCase();
    return this.headers.has(key) ? this.headers.get(key) : null;
  }

  /**
   * Every value of a header, by name in any case, in the order the upstream sent them (empty
   * if absent). Only `main`'s protobuf wire carries more than the first value of a name; on
   * JSON and on v0.10.0 this is the one value Tarmac kept.
   * `const cookies = resp.headerValues("Set-Cookie");`
   */
  headerValues(name: string): string[] {
    const key = name.toLowerCase();
    const all = this.values;
    if (all !== null && all.has(key)) return all.get(key).slice(0);
    return this.headers.has(key) ? [this.headers.get(key)] : new Array<string>();
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
  /** The headers, one value per name (the values `addHeader` gave a name, joined with ", "). */
  headers: Map<string, string> = new Map<string, string>();
  // Every value of the names `addHeader` gave more than one.
  private values: Map<string, string[]> | null = null;
  body: Uint8Array = new Uint8Array(0);
  /** Skip TLS certificate verification (self-signed upstreams). */
  insecure: bool = false;

  constructor(public method: string, public url: string) {}

  /** Sets a header (replacing one of the same name). `req.header("Accept", "text/plain")` */
  header(name: string, value: string): HttpRequest {
    this.headers.set(name, value);
    const all = this.values;
    if (all !== null && all.has(name)) all.delete(name);
    return this;
  }

  /**
   * Adds a value to a header, keeping the ones it has. `main`'s protobuf wire sends each value;
   * JSON and v0.10.0 take one value per name, so they get the values joined with ", " (what
   * HTTP means by a repeated header, except for Set-Cookie).
   * `req.addHeader("Accept", "text/html").addHeader("Accept", "text/plain")`
   */
  addHeader(name: string, value: string): HttpRequest {
    if (!this.headers.has(name)) return this.header(name, value);
    let all = this.values;
    if (all === null) { all = new Map<string, string[]>(); this.values = all; }
    if (!all.has(name)) all.set(name, [this.headers.get(name)]);
    all.get(name).push(value);
    this.headers.set(name, this.headers.get(name) + ", " + value);
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
    return sendRequest(this, this.values);
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

function sendRequest(req: HttpRequest, values: Map<string, string[]> | null): Result<HttpResponse> {
  if (!isMethod(req.method)) return invalid(E_BAD_METHOD());
  if (!isUrl(req.url)) return invalid(E_BAD_URL());
  const names = req.headers.keys();
  for (let i = 0; i < names.length; i++) {
    if (!isHeader(names[i], req.headers.get(names[i]))) return invalid(E_BAD_HEADER() + ": " + names[i]);
  }
  const body = req.body;
  if (<usize>body.length > MAX_VALUE_BYTES) return invalid(E_TOO_LARGE());
  let text = <usize>req.method.length + <usize>req.url.length;
  for (let i = 0; i < names.length; i++) text += <usize>names[i].length + <usize>req.headers.get(names[i]).length;
  wire.learnHeaders();
  wire.request(text, body.length);
  wire.text(1, "method", req.method);
  wire.textMap(2, "headers", req.headers, values);
  wire.text(3, "url", req.url);
  wire.data(4, "body", body.dataStart, body.length);
  wire.flag(5, "insecure", req.insecure);
  const reply = wire.send("tarmac", CAPABILITY, "call");
  const into = new Map<string, string>();
  const every = new Map<string, string[]>();
  code = 0; headers = into; headerValues = every; data = null;
  const err = wire.readReply(reply, readResponse, CAPABILITY, "call", 0);
  let got: Uint8Array | null = data;
  headers = null; headerValues = null; data = null;
  if (err) return Result.err<HttpResponse>(err);
  if (got === null) {
    if (!wire.omitsEmpty()) return Result.err<HttpResponse>(wire.missing(CAPABILITY, "call"));
    got = new Uint8Array(0); // proto3 leaves an empty body out
  }
  return Result.ok<HttpResponse>(new HttpResponse(code, into, got, every.size ? every : null));
}

// What `readResponse` read, for the call in progress.
let code: i32 = 0;
// @ts-ignore: decorator
@lazy let headers: Map<string, string> | null = null;
// @ts-ignore: decorator
@lazy let headerValues: Map<string, string[]> | null = null;
let data: Uint8Array | null = null;

// The upstream's `code` (0 to 999), `headers` (strings, or null) and `body`.
function readResponse(): bool {
  if (wire.fieldIs(2, "code")) code = wire.fieldInt(0, 999, code, E_WRONG_TYPE());
  else if (wire.fieldIs(3, "headers")) wire.fieldTextMap(headers!, headerValues, E_WRONG_TYPE());
  else if (wire.fieldIs(4, "body")) data = wire.fieldBytes();
  else return false;
  return true;
}
