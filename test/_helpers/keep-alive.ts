/**
 * @module test/_helpers/keep-alive
 * One HTTP/1.1 keep-alive connection on a bare TCP socket, for tests that must know every request
 * went over the same connection (fetch's pool may open another): requests are sent one after the
 * other, each answer read by its Content-Length or chunked framing, and a close or error of the
 * socket is recorded instead of being hidden by a reconnect.
 */
import { connect, type Socket } from "node:net";

export interface KeepAliveAnswer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

export interface KeepAliveConnection {
  /** sends `req` (its path, query, headers and body) on this connection and reads one answer (status 0 when the connection ends first) */
  send(req: Request): Promise<KeepAliveAnswer>;
  /** "close" or "error: …" for anything that happened to the socket */
  readonly events: readonly string[];
  close(): void;
}

/** One complete answer at the start of `buf`, and how many bytes it took; null when more is needed. */
function parseAnswer(buf: Buffer): { answer: KeepAliveAnswer; used: number } | null {
  const end = buf.indexOf("\r\n\r\n");
  if (end < 0) return null;
  const [statusLine = "", ...lines] = buf.subarray(0, end).toString("latin1").split("\r\n");
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(":");
    headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(statusLine)?.[1] ?? 0);
  let at = end + 4;
  if (headers["transfer-encoding"] === "chunked") {
    const parts: Buffer[] = [];
    for (;;) {
      const lineEnd = buf.indexOf("\r\n", at);
      if (lineEnd < 0) return null;
      const size = Number.parseInt(buf.subarray(at, lineEnd).toString("latin1"), 16);
      if (buf.length < lineEnd + 2 + size + 2) return null;
      parts.push(buf.subarray(lineEnd + 2, lineEnd + 2 + size));
      at = lineEnd + 2 + size + 2;
      if (size === 0) return { answer: { status, headers, body: Buffer.concat(parts).toString("utf8") }, used: at };
    }
  }
  const length = Number(headers["content-length"] ?? 0);
  if (buf.length < at + length) return null;
  return { answer: { status, headers, body: buf.subarray(at, at + length).toString("utf8") }, used: at + length };
}

export async function keepAliveConnection(port: number): Promise<KeepAliveConnection> {
  const events: string[] = [];
  let buf = Buffer.alloc(0);
  let waiting: ((answer: KeepAliveAnswer) => void) | null = null;
  const socket: Socket = await new Promise((resolve, reject) => {
    const s = connect(port, "127.0.0.1", () => resolve(s));
    s.once("error", reject);
  });
  socket.on("data", (chunk: Buffer) => {
    buf = Buffer.concat([buf, chunk]);
    const parsed = parseAnswer(buf);
    if (parsed && waiting) {
      buf = buf.subarray(parsed.used);
      const resolve = waiting;
      waiting = null;
      resolve(parsed.answer);
    }
  });
  // a connection that ends before its answer gives status 0 (the gateway's worker died, say), not a hang
  const ended = () => {
    const resolve = waiting;
    waiting = null;
    resolve?.({ status: 0, headers: {}, body: "" });
  };
  socket.on("close", () => (events.push("close"), ended()));
  socket.on("error", (err) => (events.push(`error: ${err.message}`), ended()));
  return {
    events,
    async send(req) {
      const url = new URL(req.url);
      const body = Buffer.from(await req.arrayBuffer());
      const head = [`${req.method} ${url.pathname}${url.search} HTTP/1.1`, `Host: ${url.host}`, "Connection: keep-alive"];
      req.headers.forEach((value, key) => head.push(`${key}: ${value}`));
      if (body.length > 0 || req.method === "POST") head.push(`Content-Length: ${body.length}`);
      const answer = new Promise<KeepAliveAnswer>((resolve) => (waiting = resolve));
      socket.write(Buffer.concat([Buffer.from(`${head.join("\r\n")}\r\n\r\n`, "latin1"), body]));
      return answer;
    },
    close: () => socket.destroy(),
  };
}
