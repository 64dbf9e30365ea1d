/**
 * @module http/body
 * A callback body within a service's byte limit (413 otherwise). The server bounds every body before
 * it is read: `serve` sets Bun's `maxRequestBodySize` to the largest service limit (at least 1 MiB), and
 * Bun answers 413 itself for a larger body, with or without Content-Length. What is left here is each
 * service's own limit, checked on the text: reading `Content-Length` first would build the request's
 * Headers object, which the callback path otherwise never needs (measured with bench/ab.sh). An embedder that calls `app.handle` from its own server sets that server's limit.
 */

import { exceedsUtf8Bytes } from "../util/utf8";
import { tooLarge } from "./errors";

/** `text` when it is at most `maxBytes` UTF-8 bytes; a 413 GatewayError otherwise. */
export function withinBodyLimit(text: string, maxBytes: number): string {
  if (exceedsUtf8Bytes(text, maxBytes)) throw tooLarge(`body exceeds ${maxBytes} bytes`);
  return text;
}
