// Tarmac's HTTP routing: julienschmidt/httprouter v1.3.0 (as Tarmac v0.10.0 uses it) picking a
// handler by method and path, Tarmac's own handlers (/health, /ready, /metrics, pprof), and the
// exact `http:<METHOD>:<path>` lookup of the function. Pure.

/** The handlers Tarmac registers itself (GET only); pprof answers 403 unless enabled. */
export const BUILTIN = [
  { method: "GET", path: "/health", builtin: "health" },
  { method: "GET", path: "/ready", builtin: "ready" },
  { method: "GET", path: "/metrics", builtin: "metrics" },
  ...["", "cmdline", "profile", "symbol", "trace", "allocs", "mutex", "goroutine", "heap", "threadcreate", "block"]
    .map((p) => ({ method: "GET", path: `/debug/pprof/${p}`, builtin: "pprof" })),
];

const escapeRe = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
/** httprouter's path syntax: `:name` matches one segment, `*name` (last) the rest of the path. */
function pathPattern(path) {
  let re = "^";
  for (const part of path.split(/(:[^/]+|\*.+$)/)) {
    if (part.startsWith(":")) re += "[^/]+";
    else if (part.startsWith("*")) re += ".*";
    else re += escapeRe(part);
  }
  return new RegExp(re + "$");
}

/**
 * Tarmac's HTTP routing: httprouter picks a handler by method and path, then the WASM handler
 * looks the function up by `http:<METHOD>:<path>` exactly, falling back to the function named
 * "default" (so a path with `:param` or `*rest` reaches "default", as under Tarmac). A path no
 * route matches is 404; one routed for other methods is 405 with Allow (OPTIONS: 200 with
 * Allow); a GET for `/x/` routed as `/x` (or the reverse) is redirected, 301 for GET, 307 else.
 * `match(method, path, escapedPath)` (the path decoded, as httprouter matches it, and as sent, as
 * Tarmac looks the function up) returns { kind: "function", function, route } | { kind: "builtin", name }
 * | { kind: "redirect", status, path } | { kind: "options", allow } | { kind: "method", allow }
 * | { kind: "notfound" }.
 */
export function makeRouter(httpRoutes) {
  const routes = [...BUILTIN, ...httpRoutes].map((r) => ({ ...r, re: pathPattern(r.path) }));
  const exact = new Map(httpRoutes.map((r) => [`${r.method}:${r.path}`, r.function]));
  const find = (method, path) => routes.find((r) => r.method === method && r.re.test(path));
  const allowed = (path, except) => {
    const methods = [...new Set(routes.filter((r) => r.method !== except && r.method !== "OPTIONS" && r.re.test(path)).map((r) => r.method))].sort();
    if (methods.length) methods.push("OPTIONS");
    return methods.join(", ");
  };
  return {
    match(method, path, escapedPath = path) {
      const r = find(method, path);
      if (r) {
        if (r.builtin) return { kind: "builtin", name: r.builtin };
        return { kind: "function", function: exact.get(`${method}:${escapedPath}`) ?? "default", route: r.path };
      }
      if (method !== "CONNECT" && path !== "/") {
        const other = path.endsWith("/") ? path.slice(0, -1) : path + "/";
        if (find(method, other)) return { kind: "redirect", status: method === "GET" ? 301 : 307, path: other };
      }
      if (method === "OPTIONS") {
        const allow = allowed(path, "OPTIONS");
        if (allow) return { kind: "options", allow };
      } else {
        const allow = allowed(path, method);
        if (allow) return { kind: "method", allow };
      }
      return { kind: "notfound" };
    },
  };
}
