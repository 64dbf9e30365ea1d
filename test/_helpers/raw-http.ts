/**
 * @module test/_helpers/raw-http
 * HTTP/1.1 over a bare TCP socket, for requests `fetch` would not send as written: a request line
 * with `//`, `..` or an absolute-form target, any Host header or none, conflicting framing headers.
 */
import { connect } from "node:net";

export interface RawResponse {
  /** the status code of the first response, 0 when none came */
  readonly status: number;
  /** every byte the server sent before closing (or before the deadline), as latin1 text */
  readonly text: string;
  /** the server had not closed the connection by the deadline */
  readonly timedOut: boolean;
}

/**
 * Sends `request` as is and collects the answer until the server closes the connection or
 * `timeoutMs` passes. Send `Connection: close` to get a prompt close after one response.
 */
export function rawRequest(port: number, request: string | Uint8Array, timeoutMs = 3_000): Promise<RawResponse> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let settled = false;
    const socket = connect(port, "127.0.0.1", () => socket.write(request));
    const finish = (timedOut: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const text = Buffer.concat(chunks).toString("latin1");
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1] ?? 0);
      resolve({ status, text, timedOut });
    };
    const timer = setTimeout(() => finish(true), timeoutMs);
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("end", () => finish(false));
    socket.on("close", () => finish(false));
    // a reset after the answer is a close like any other
    socket.on("error", () => finish(false));
  });
}

/** Status codes of every response in a (possibly pipelined) answer, in order. */
export function statuses(text: string): number[] {
  return [...text.matchAll(/HTTP\/1\.[01] (\d{3}) /g)].map((m) => Number(m[1]));
}

/** The body of the first response (after the blank line). */
export function bodyOf(text: string): string {
  const at = text.indexOf("\r\n\r\n");
  return at < 0 ? "" : text.slice(at + 4);
}

/** A GET request with the given target and headers (`null` host: no Host header), closing after one response. */
export function rawGet(target: string, host: string | null, headers: Record<string, string> = {}): string {
  const lines = [`GET ${target} HTTP/1.1`];
  if (host !== null) lines.push(`Host: ${host}`);
  for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
  lines.push("Connection: close", "", "");
  return lines.join("\r\n");
}
