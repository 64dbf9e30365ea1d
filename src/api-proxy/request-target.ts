/**
 * @module api-proxy/request-target
 * The path and query a request may carry to WeChat. The upstream is fixed: the proxy appends the
 * request's path and query to the configured origin as text, so no request can name another host.
 * On top of that the path must look like one of WeChat's (`/cgi-bin/…`, `/sns/…`, `/wxa/…`):
 * letters, digits, `_ . -` between single slashes. Anything else — `//host`, `@`, `\`, percent
 * escapes (`%2F`, `%2e%2e`), `.`/`..` segments — is refused before any token is looked at. Bun has
 * already folded an absolute-form target (`GET http://host/x`) to its path (RFC 9112 §3.2.2) and
 * resolved dot segments by then; the check here does not depend on that.
 * The query is passed on byte for byte; only the value of `access_token` is replaced.
 */

const SEGMENT = /^[A-Za-z0-9_.-]+$/;

/** null when `path` may be forwarded, else why not (for the 400 answer; it holds no secret). */
export function pathProblem(path: string): string | null {
  if (!path.startsWith("/")) return "the path must start with /";
  const segments = path.slice(1).split("/");
  // a trailing slash is harmless; an empty segment anywhere else is "//"
  if (segments.at(-1) === "") segments.pop();
  for (const seg of segments) {
    if (seg === "") return "empty path segment (//): is the SDK's API base configured with a trailing slash?";
    if (seg === "." || seg === "..") return "dot segment in the path";
    if (!SEGMENT.test(seg)) return "only letters, digits and _ . - are allowed in a WeChat API path";
  }
  return null;
}

function decodeParam(s: string): string | null {
  try {
    return decodeURIComponent(s.replaceAll("+", " "));
  } catch {
    return null;
  }
}

/** The values of every `access_token` parameter of a raw query (`?a=1&access_token=…`), decoded. */
export function accessTokens(search: string): string[] {
  const values: string[] = [];
  if (search.length < 2) return values;
  for (const part of search.slice(1).split("&")) {
    const eq = part.indexOf("=");
    const key = decodeParam(eq < 0 ? part : part.slice(0, eq));
    if (key === "access_token") values.push(decodeParam(eq < 0 ? "" : part.slice(eq + 1)) ?? "");
  }
  return values;
}

/** `search` with the value of its `access_token` parameter set to `token`; every other byte kept. */
export function withAccessToken(search: string, token: string): string {
  if (search.length < 2) return `?access_token=${encodeURIComponent(token)}`;
  const parts = search.slice(1).split("&");
  let found = false;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    const eq = part.indexOf("=");
    if (decodeParam(eq < 0 ? part : part.slice(0, eq)) !== "access_token") continue;
    parts[i] = `${eq < 0 ? part : part.slice(0, eq)}=${encodeURIComponent(token)}`;
    found = true;
  }
  if (!found) parts.push(`access_token=${encodeURIComponent(token)}`);
  return `?${parts.join("&")}`;
}
