/**
 * @module test/attack/sigterm
 * Issue 16 defect 3, against the compiled executable: SIGTERM while the backend is saturated. 200
 * messages at once, `workerNum` 50, a backend taking 2 s, SIGTERM 300 ms in. Messages answered
 * before the reply deadline got their reply; the rest were answered `success` — so WeChat will not
 * retry them — while still waiting for a slot. Every message answered 200 must reach the backend
 * before the process exits, and it exits 0.
 */
import { describe, expect, test } from "bun:test";
import { startBinary } from "../_helpers/binary";
import { rawConfig } from "../_helpers/config";
import { startFakeBackend } from "../_helpers/fake-backend";
import { plainCallback, textXml } from "../_helpers/wechat";

describe("SIGTERM under a saturated backend", () => {
  test("every message answered 200 reaches the backend before the process exits 0", async () => {
    using backend = startFakeBackend();
    backend.on("*", (body) => ({ delayMs: 2000, json: { type: "text", msg: `done ${body.Content}` } }));
    await using gw = await startBinary(rawConfig({ "msg-proxy-pass": backend.url, workerNum: 50 }));

    const outcomes = Array.from({ length: 200 }, (_, i) =>
      fetch(plainCallback(gw.base, "/wx", textXml(`m${i}`))).then(
        async (r) => ({ content: `m${i}`, status: r.status, text: await r.text() }),
        () => ({ content: `m${i}`, status: 0, text: "" }),
      ),
    );
    await Bun.sleep(300);
    const exit = gw.stop("SIGTERM");
    const answered = (await Promise.all(outcomes)).filter((o) => o.status === 200);
    expect(await exit).toBe(0);

    const reached = new Set(backend.received.map((r) => String(r.body.Content)));
    const lost = answered.filter((o) => !reached.has(o.content)).map((o) => o.content);
    expect({ lost: lost.length, some: lost.slice(0, 5) }).toEqual({ lost: 0, some: [] });
    // the case of the report: some messages were acknowledged with `success` before their backend call
    const acknowledged = answered.filter((o) => o.text === "success");
    expect(acknowledged.length).toBeGreaterThan(0);
    expect(answered.filter((o) => o.text.includes("done m")).length).toBeGreaterThan(0);
    expect(gw.output()).toContain("waiting until every accepted message has reached the backend");
    expect(gw.output()).toContain("drained: every accepted message reached the backend");
  }, 60_000);
});
