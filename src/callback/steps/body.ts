/**
 * @module callback/steps/body
 * The body step: the body within the service's byte limit (http/body: 413). Reading it can fail before any
 * step sees it — the client closed the connection mid-body, the chunked framing was malformed, or the
 * body passed the server's `maxRequestBodySize` (Bun then answers 413 itself; the handler's read still
 * fails) — and that is the client's doing: a 400 or 413 logged as a rejection, never a 500.
 */

import { withinBodyLimit } from "../../http/body";
import { badRequest, type GatewayError, tooLarge } from "../../http/errors";
import type { ServiceRuntime } from "../runtime";

/** The body text when it is within the service's limit; 413 otherwise. */
export function withinLimit(text: string, rt: ServiceRuntime): string {
  return withinBodyLimit(text, rt.config.maxBodyBytes);
}

/**
 * The client's error for a failed `request.text()`, or null when `err` is not one: Bun rejects the read
 * with an Error naming maxRequestBodySize, or an AbortError when the body stops (a dropped connection
 * or malformed chunked framing).
 */
export function unreadableBody(err: unknown): GatewayError | null {
  if (!(err instanceof Error)) return null;
  if (err.message.includes("maxRequestBodySize")) return tooLarge("body exceeds the server's request body limit");
  if (err.name === "AbortError") return badRequest("the request body could not be read to its end");
  return null;
}
