/**
 * @module api-proxy/hop-headers
 * Headers as a reverse proxy passes them (RFC 9110 §7.6.1, Go's httputil.ReverseProxy): the
 * hop-by-hop ones — Connection, Keep-Alive, TE, Trailer, Transfer-Encoding, Upgrade, Proxy-* and
 * whatever Connection names — belong to one connection and are dropped in both directions; every
 * other header goes through as it came. Host is the upstream's, never the caller's. Bodies keep
 * their Content-Encoding: the proxy neither decompresses nor lets its HTTP client add one the
 * caller did not ask for.
 */

const HOP_BY_HOP = new Set(["connection", "keep-alive", "te", "trailer", "transfer-encoding", "upgrade", "proxy-connection"]);

function filtered(source: Headers, drop: ReadonlySet<string>): Headers {
  const named = new Set<string>();
  for (const token of (source.get("connection") ?? "").split(",")) {
    const name = token.trim().toLowerCase();
    if (name) named.add(name);
  }
  const out = new Headers();
  for (const [name, value] of source) {
    if (HOP_BY_HOP.has(name) || name.startsWith("proxy-") || named.has(name) || drop.has(name)) continue;
    out.append(name, value);
  }
  return out;
}

/** Content-Length stays when the caller sent one (WeChat's upload APIs want it); Bun frames the body itself otherwise. */
const REQUEST_DROP = new Set(["host"]);
/** Bun.serve frames the answer itself (Content-Length or chunked) from the body it is given. */
const RESPONSE_DROP = new Set(["content-length"]);

/** The headers sent upstream for `incoming`. */
export function upstreamHeaders(incoming: Headers): Headers {
  const out = filtered(incoming, REQUEST_DROP);
  // without this, the HTTP client would ask for gzip on its own, and with decompression off the
  // caller would get a compressed body it never asked for
  if (!out.has("accept-encoding")) out.set("accept-encoding", "identity");
  return out;
}

/** The headers of WeChat's answer as the caller gets them. */
export function downstreamHeaders(answer: Headers): Headers {
  return filtered(answer, RESPONSE_DROP);
}
