/**
 * @module test/_helpers/admin-variants
 * What the admin-token matrix tries: every guarded endpoint with valid parameters, the spellings of
 * a path a router or proxy might fold onto another (slashes, dot segments, percent-encoding, case,
 * `;`, `?`, `#`), and the Host headers that have moved Elysia's path start (none, short, long, with
 * a port, IPv6, absolute-form request targets). Requests are written raw: fetch would normalise them.
 */
import { ADMIN, PATHS } from "./wechat-endpoints";

export interface Target {
  readonly name: string;
  readonly method: "GET" | "POST";
  readonly path: string;
  readonly query: string;
  readonly body?: { readonly type: string; readonly text: string };
}

const FORM = "application/x-www-form-urlencoded";
const form = (text: string) => ({ type: FORM, text });

/** Every endpoint behind the admin token, each with parameters that succeed once authorised. */
export const GUARDED: readonly Target[] = [
  { name: "metrics", method: "GET", path: "/metrics", query: "" },
  { name: "openapi", method: "GET", path: "/openapi.json", query: "" },
  { name: "wx-user", method: "GET", path: PATHS.wxUser, query: "s=svc&o=o1" },
  { name: "wx-qr", method: "GET", path: PATHS.wxQr, query: "s=svc&t=temp" },
  { name: "sns-auth2", method: "GET", path: PATHS.snsAuth2, query: "s=svc&code=c-matrix" },
  { name: "short-url", method: "POST", path: PATHS.shortUrl, query: "", body: form("s=svc&u=https%3A%2F%2Fa.b") },
  {
    name: "tmpl-msg",
    method: "POST",
    path: PATHS.tmplMsg,
    query: "",
    body: { type: "application/json", text: '{"s":"svc","to":"o","tid":"t","data":{"a":"b"}}' },
  },
  { name: "sign-jsapi", method: "POST", path: PATHS.signJsapi, query: "", body: form("s=svc&u=https%3A%2F%2Fa.b") },
  { name: "channels-ec-order-detail", method: "GET", path: PATHS.order, query: "s=shop&o=1" },
  { name: "channels-ec-refund-detail", method: "GET", path: PATHS.refund, query: "s=shop&o=1" },
  { name: "wx-api prefix", method: "GET", path: `${PATHS.wxApi}/cgi-bin/user/info`, query: "s=svc&openid=o3" },
  // the compiled executable reads its config file again: the same file, so nothing changes
  { name: "reload", method: "POST", path: PATHS.reload, query: "" },
  { name: "status", method: "GET", path: PATHS.status, query: "" },
];

const hex = (ch: string) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`;

/** [label, request target] for each spelling of `path` with `query`. */
export function pathVariants(path: string, query: string): Array<readonly [string, string]> {
  const qs = query ? `?${query}` : "";
  const cut = path.indexOf("/", 1);
  // for a nested path: where a segment boundary sits inside it (the wx-api prefix), else the end
  const [head, tail] = cut < 0 ? [path, ""] : [path.slice(0, cut), path.slice(cut + 1)];
  const inner = (sep: string) => (tail ? `${head}${sep}${tail}${qs}` : `${head}${sep}${qs}`);
  return [
    ["exact", path + qs],
    ["trailing slash", `${path}/${qs}`],
    ["two trailing slashes", `${path}//${qs}`],
    ["leading double slash", `/${path}${qs}`],
    ["double slash inside", inner("//")],
    ["/./ in front", `/.${path}${qs}`],
    ["/./ inside", inner("/./")],
    ["%2F in front", `/%2F${path.slice(1)}${qs}`],
    ["%2F inside", inner("%2F")],
    ["%2f after", `${path}%2f${qs}`],
    ["first letter encoded", `/${hex(path[1]!)}${path.slice(2)}${qs}`],
    ["%2e segment", `/%2e${path}${qs}`],
    ["uppercase", path.toUpperCase() + qs],
    ["first letter uppercase", `/${path[1]!.toUpperCase()}${path.slice(2)}${qs}`],
    [";param", `${path};a=b${qs}`],
    [";param on a slash", `${path}/;${qs}`],
    ["empty query", `${path}?`],
    ["?& query", `${path}?&${query}`],
    ["?? query", `${path}??${query}`],
    ["# before query", `${path}#x${qs}`],
    ["# after query", `${path}${qs}#x`],
    ["encoded #", `${path}%23${qs}`],
    ["x/.. in front", `/x/..${path}${qs}`],
    ["x/%2e%2e in front", `/x/%2e%2e${path}${qs}`],
    ["/.. beyond the root", `/..${path}${qs}`],
    ["/x/.. at the end", `${path}/x/..${qs}`],
    ["backslash", `/\\${path.slice(1)}${qs}`],
    ["tab in path", `${path}%09${qs}`],
  ];
}

export interface HostVariant {
  readonly label: string;
  /** the Host header, null for none */
  readonly host: string | null;
  /** put in front of the path: an absolute-form request target */
  readonly origin: string;
  readonly version: "1.0" | "1.1";
}

/** Host headers and request-target forms; `port` is the gateway's. */
export function hostVariants(port: number): HostVariant[] {
  const v = (label: string, host: string | null, origin = "", version: "1.0" | "1.1" = "1.1"): HostVariant => ({ label, host, origin, version });
  return [
    v("none, HTTP/1.0", null, "", "1.0"),
    v("empty", ""),
    v("1 char", "a"),
    v("2 chars", "ab"),
    v("3 chars", "gw"),
    v("3 chars", "api"),
    v("long", `${"h".repeat(240)}.example`),
    v("with port", `127.0.0.1:${port}`),
    v("short with port", `a:${port}`),
    v("IPv6 literal", "[::1]"),
    v("IPv6 with port", `[::1]:${port}`),
    v("invalid (slash)", "a/b"),
    v("absolute-form, short", "ab", "http://ab"),
    v("absolute-form, other host", "ab", "http://gateway.example:8080"),
    v("absolute-form https", "gw", "https://a"),
  ];
}

export const AUTH_RIGHT = `Bearer ${ADMIN}`;
/** wrong credentials, rotated through the matrix */
export const AUTH_WRONG = ["Bearer wrong", `Bearer ${ADMIN}x`, `Bearer ${ADMIN.slice(0, -1)}`, `Basic ${ADMIN}`, ADMIN, "Bearer"];

/** The raw request for `target` at `requestTarget` under `hv`, closing after its answer. */
export function rawFor(t: Target, requestTarget: string, hv: HostVariant, authorization: string | null): string {
  const lines = [`${t.method} ${hv.origin}${requestTarget} HTTP/${hv.version}`];
  if (hv.host !== null) lines.push(`Host: ${hv.host}`);
  if (authorization !== null) lines.push(`Authorization: ${authorization}`);
  if (t.body) lines.push(`Content-Type: ${t.body.type}`, `Content-Length: ${Buffer.byteLength(t.body.text)}`);
  lines.push("Connection: close", "", t.body?.text ?? "");
  return lines.join("\r\n");
}
