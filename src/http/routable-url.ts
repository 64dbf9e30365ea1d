/**
 * @module http/routable-url
 * Elysia 1.4's compiled handler takes the path as `url.indexOf("/", 11)`: it assumes an origin of at
 * least 11 characters (`http://a.bc`). A shorter Host (`gw`, `api`, as a reverse proxy with a short
 * upstream name sends) moves that start past the real path, and an empty or malformed Host makes
 * Bun hand over the bare path as the URL. Either way the router would match another path than the
 * one requested (`/xx/metrics` under Host `ab` became `/metrics`). Every request goes through
 * `routableRequest` before routing, so the router always sees the request's own path.
 */

/** Stands in for a Host too short (or too malformed) to keep: it is only ever read by the router. */
const STAND_IN_HOST = "gateway.invalid";

/** Where Elysia starts looking for the path (`standardHostname`, the default). */
const ELYSIA_PATH_SCAN_START = 11;

/**
 * `request` itself when Elysia will find its path (origin of 11+ characters), else the same request
 * (method, headers with the original Host, body) at `<scheme>//gateway.invalid<path and query>`.
 */
export function routableRequest(request: Request): Request {
  const url = request.url;
  // a bare path ("/x"): Bun's URL when the Host header is empty or not a valid host
  const authority = url.charCodeAt(0) === 47 ? -1 : url.indexOf("//");
  const pathStart = authority < 0 ? 0 : url.indexOf("/", authority + 2);
  // the origin holds no "/", so a path starting at 11 or later is also the first "/" Elysia sees
  if (pathStart >= ELYSIA_PATH_SCAN_START) return request;
  const scheme = authority < 0 ? "http:" : url.slice(0, authority);
  const rest = pathStart < 0 ? "/" : url.slice(pathStart);
  return new Request(`${scheme}//${STAND_IN_HOST}${rest}`, request);
}
