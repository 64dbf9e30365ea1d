/**
 * How the forward step reads a backend answer (callback/backend-body, callback/steps/forward): a small
 * answer with a Content-Length is parsed whole, and what it reads it as when it is empty, cut short or
 * not JSON; the size check on Content-Length and Content-Encoding.
 */
import { describe, expect, test } from "bun:test";
import { announcedSize } from "../../src/callback/backend-body";
import { callBackend, MAX_BACKEND_REPLY_BYTES } from "../../src/callback/steps/forward";
import { testRuntime } from "../_helpers/runtime";

const route = { kind: "msg", type: "text", path: "/msg/text" } as const;
/** what announcedSize says of the answer at `url` */
async function size(url: string) {
  const res = await fetch(url);
  const announced = announcedSize(res, MAX_BACKEND_REPLY_BYTES);
  await res.body?.cancel();
  return announced;
}

describe("backend answers", () => {
  test("an empty answer is not JSON (a backend-error), as a cut-short one cannot be read", async () => {
    using backend = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("", { headers: { "content-type": "application/json" } }) });
    const { rt } = testRuntime({ "msg-proxy-pass": `http://127.0.0.1:${backend.port}` });
    expect(await callBackend({ MsgType: "text" }, route, rt)).toEqual({ ok: false, category: "backend-error", reason: "backend reply is not valid JSON" });

    // Content-Length 100, 11 bytes, then the connection closes
    const cut = Bun.listen({
      hostname: "127.0.0.1",
      port: 0,
      socket: { data: (s) => void (s.write('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"type":"te'), s.end()) },
    });
    try {
      const short = testRuntime({ "msg-proxy-pass": `http://127.0.0.1:${cut.port}` }).rt;
      const result = await callBackend({ MsgType: "text" }, route, short);
      expect(result).toMatchObject({ ok: false, category: "backend-error" });
      expect(result.ok === false && result.reason).toStartWith("backend reply could not be read: ");
    } finally {
      cut.stop(true);
    }
  });

  test("Content-Length within the limit fits; over it, compressed, absent or zero does not", async () => {
    const small = JSON.stringify({ type: "text", msg: "hi" });
    using server = Bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      fetch(req) {
        switch (new URL(req.url).pathname) {
          case "/small":
            return new Response(small);
          case "/limit":
            return new Response(" ".repeat(MAX_BACKEND_REPLY_BYTES));
          case "/over":
            return new Response(" ".repeat(MAX_BACKEND_REPLY_BYTES + 1));
          case "/gzip":
            return new Response(Bun.gzipSync(small), { headers: { "content-encoding": "gzip" } });
          default:
            return new Response("");
        }
      },
    });
    const base = `http://127.0.0.1:${server.port}`;
    expect(await size(`${base}/small`)).toBe("fits");
    expect(await size(`${base}/limit`)).toBe("fits");
    expect(await size(`${base}/over`)).toBe("over");
    expect(await size(`${base}/gzip`)).toBe("unknown");
    expect(await size(`${base}/empty`)).toBe("unknown");
    // chunked, without a length (Bun.serve would send a small stream with one)
    const chunked = Bun.listen({
      hostname: "127.0.0.1",
      port: 0,
      socket: {
        data: (s) => void (s.write(`HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n${small.length.toString(16)}\r\n${small}\r\n0\r\n\r\n`), s.end()),
      },
    });
    try {
      expect(await size(`http://127.0.0.1:${chunked.port}/`)).toBe("unknown");
    } finally {
      chunked.stop(true);
    }
  });
});
