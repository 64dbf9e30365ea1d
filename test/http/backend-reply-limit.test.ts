/**
 * @module test/http/backend-reply-limit
 * Issue 16 defect 4: the gateway reads at most MAX_BACKEND_REPLY_BYTES of the backend's answer. A
 * larger answer (announced by Content-Length, or streamed without one, or never ending) is cut off,
 * the connection cancelled, and WeChat gets `success` with the reason logged.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { MAX_BACKEND_REPLY_BYTES } from "../../src/callback/steps/forward";
import { makeConfig } from "../_helpers/config";
import { startGateway } from "../_helpers/gateway";
import { plainCallback, textXml } from "../_helpers/wechat";

const CHUNK = new Uint8Array(64 * 1024).fill(0x20); // JSON whitespace: a valid prefix of a JSON body forever

/** for each endless answer to come: told, when its stream is cancelled, how many bytes it had produced */
const cancelled: Array<(bytes: number) => void> = [];
function expectCancel(): Promise<number> {
  return new Promise<number>((resolve) => cancelled.push(resolve));
}

/** a stream of JSON whitespace that only ends when cancelled */
function endless(): ReadableStream<Uint8Array> {
  let produced = 0;
  const done = cancelled.shift();
  return new ReadableStream({
    pull(controller) {
      produced += CHUNK.byteLength;
      controller.enqueue(CHUNK);
    },
    cancel() {
      done?.(produced);
    },
  });
}

const big = JSON.stringify({ type: "text", msg: "x".repeat(10 * 1024 * 1024) });
const bigGzip = Bun.gzipSync(new TextEncoder().encode(big)); // ~10 KB on the wire
// the gateway always POSTs to <msg-proxy-pass>/msg/text: the message's Content picks the answer
const server = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  async fetch(req) {
    const body = (await req.json()) as { Content?: string };
    switch (body.Content) {
      case "big":
        return new Response(big, { headers: { "content-type": "application/json" } });
      case "big-chunked":
        return new Response(
          new ReadableStream({
            start(controller) {
              for (let i = 0; i < big.length; i += 65536) controller.enqueue(new TextEncoder().encode(big.slice(i, i + 65536)));
              controller.close();
            },
          }),
        );
      case "big-gzip":
        return new Response(bigGzip, { headers: { "content-type": "application/json", "content-encoding": "gzip" } });
      case "endless":
        return new Response(endless(), { headers: { "content-type": "application/json" } });
      case "just-under":
        return Response.json({ type: "text", msg: "y".repeat(MAX_BACKEND_REPLY_BYTES - 100) });
      default:
        return Response.json({ type: "text", msg: "small" });
    }
  },
});
const gw = startGateway(makeConfig({ "msg-proxy-pass": `http://127.0.0.1:${server.port}`, "reply-timeout-ms": 4000 }));
afterAll(() => {
  gw.stop();
  server.stop(true);
});

const send = (content: string) => fetch(plainCallback(gw.url, "/wx", textXml(content))).then((r) => r.text());
const fallbackReasons = () =>
  gw
    .logs()
    .map((l) => JSON.parse(l) as { msg?: string; reason?: string })
    .filter((l) => l.msg === "answering WeChat 'success' instead of a reply")
    .map((l) => l.reason ?? "");

describe("backend answer size limit", () => {
  test("the limit leaves room for any reply WeChat accepts (a 2048-byte text, escaped) and is far below memory trouble", () => {
    expect(MAX_BACKEND_REPLY_BYTES).toBeGreaterThanOrEqual(6 * 2048);
    expect(MAX_BACKEND_REPLY_BYTES).toBeLessThanOrEqual(1024 * 1024);
  });

  test("a 10 MB answer with Content-Length is refused: WeChat gets success, the reason is logged", async () => {
    expect(await send("big")).toBe("success");
    expect(fallbackReasons().at(-1)).toContain(`over ${MAX_BACKEND_REPLY_BYTES} bytes`);
  });

  test("a 10 MB answer streamed without Content-Length is cut off at the limit", async () => {
    expect(await send("big-chunked")).toBe("success");
    expect(fallbackReasons().at(-1)).toContain(`over ${MAX_BACKEND_REPLY_BYTES} bytes`);
  });

  test("a 10 MB answer compressed to 10 KB counts at its decoded size", async () => {
    expect(await send("big-gzip")).toBe("success");
    expect(fallbackReasons().at(-1)).toContain(`over ${MAX_BACKEND_REPLY_BYTES} bytes`);
  });

  test("an answer that never ends is cancelled once over the limit, long before the reply deadline", async () => {
    const cancel = expectCancel();
    expect(await send("endless")).toBe("success");
    expect(fallbackReasons().at(-1)).toContain(`over ${MAX_BACKEND_REPLY_BYTES} bytes`);
    // the backend sees its stream cancelled: the gateway stopped reading instead of buffering on
    const produced = await cancel;
    expect(produced).toBeLessThan(64 * 1024 * 1024);
  });

  test("an answer just under the limit is still read and used", async () => {
    const reply = await send("just-under");
    expect(reply).toContain("<Content><![CDATA[yyyy");
  });

  test("20 oversized answers at once all end as success, each with its reason", async () => {
    const before = fallbackReasons().length;
    const replies = await Promise.all(Array.from({ length: 20 }, (_, i) => send(i % 2 ? "big" : "big-chunked")));
    expect(replies.every((r) => r === "success")).toBe(true);
    const reasons = fallbackReasons().slice(before);
    expect(reasons.length).toBe(20);
    expect(reasons.every((r) => r.includes(`over ${MAX_BACKEND_REPLY_BYTES} bytes`))).toBe(true);
  });
});
