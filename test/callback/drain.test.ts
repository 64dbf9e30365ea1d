/**
 * @module test/callback/drain
 * gateway.drain() on a fake clock (issue 16 defect 3): messages WeChat was answered `success` for
 * while they waited for a slot are delivered before drain resolves; new messages are refused with
 * 503; late replies' customer-service sends are waited for; the wait ends at its computed bound.
 */
import { describe, expect, test } from "bun:test";
import { backlogBoundMs } from "../../src/callback/drain";
import type { GatewayConfig } from "../../src/config/types";
import { createGateway } from "../../src/gateway";
import { createMemoryLogger } from "../../src/obs/log";
import { createMetrics } from "../../src/obs/metrics";
import { makeConfig } from "../_helpers/config";
import { type FakeTimerClock, fakeTimerClock } from "../_helpers/fake-timers";
import { startFakeWechat } from "../_helpers/fake-wechat";
import { plainCallback, textXml } from "../_helpers/wechat";

/** a backend that records each message's Content and answers only when the test releases it */
function gatedBackend() {
  const received: string[] = [];
  const held: Array<() => void> = [];
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req) {
      const body = (await req.json()) as { Content: string };
      received.push(body.Content);
      await new Promise<void>((resolve) => held.push(resolve));
      return Response.json({ type: "text", msg: `late ${body.Content}` });
    },
  });
  return {
    url: `http://127.0.0.1:${server.port}`,
    received,
    release: (n: number) => held.splice(0, n).forEach((go) => go()),
    [Symbol.dispose]: () => server.stop(true),
  };
}

/** waits (polling) until `cond` holds: for something that must happen, never to show that something did not */
async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !cond(); i++) await Bun.sleep(2);
  expect(cond()).toBe(true);
}

function wired(config: GatewayConfig, clock: FakeTimerClock) {
  const { log, lines } = createMemoryLogger();
  const gateway = createGateway(config, { log, metrics: createMetrics({ processMetrics: false }), clock });
  const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: (req) => gateway.app.handle(req) });
  const url = `http://127.0.0.1:${server.port}`;
  return {
    gateway,
    limiter: gateway.runtimes[0]!.limiter,
    logs: () => lines().map((l) => JSON.parse(l) as Record<string, unknown>),
    send: (content: string) => fetch(plainCallback(url, "/wx", textXml(content, undefined, "oDrain"))),
    [Symbol.dispose]: () => server.stop(true),
  };
}

describe("gateway.drain()", () => {
  test("waits until every message answered `success` while queued has reached the backend; refuses new ones", async () => {
    const clock = fakeTimerClock();
    using backend = gatedBackend();
    using gw = wired(makeConfig({ "msg-proxy-pass": backend.url, workerNum: 2, "reply-timeout-ms": 4500 }), clock);
    const replies = ["m0", "m1", "m2", "m3", "m4"].map((m) => gw.send(m).then((r) => r.text()));
    await until(() => backend.received.length === 2 && gw.limiter.outstanding === 5);
    clock.advance(4500); // the reply deadline: WeChat is told all five were received
    expect(await Promise.all(replies)).toEqual(["success", "success", "success", "success", "success"]);

    const report = gw.gateway.drain();
    const refused = await gw.send("m5");
    expect(refused.status).toBe(503);
    expect(((await refused.json()) as { msg: string }).msg).toContain("shutting down");
    const waiting = gw.logs().find((l) => l.msg === "draining: waiting until every accepted message has reached the backend");
    expect(waiting).toMatchObject({ accepted: 5, atBackend: 2, waitingForSlot: 3, boundMs: backlogBoundMs(5, 2, 4500) });

    backend.release(2);
    await until(() => backend.received.length === 4);
    expect(Bun.peek.status(report)).toBe("pending");
    backend.release(2);
    await until(() => backend.received.length === 5);
    expect(Bun.peek.status(report)).toBe("pending");
    backend.release(1);
    expect(await report).toMatchObject({ complete: true, left: 0, asyncSendsLeft: 0 });
    expect([...backend.received].sort()).toEqual(["m0", "m1", "m2", "m3", "m4"]);
    expect(gw.gateway.drain()).toBe(report); // one drain, whoever asks
  });

  test("waits for a late reply's customer-service send", async () => {
    const clock = fakeTimerClock();
    using backend = gatedBackend();
    using wechat = startFakeWechat();
    let answerSend!: () => void;
    const sendGate = new Promise<void>((resolve) => (answerSend = resolve));
    wechat.on("/cgi-bin/message/custom/send", async () => {
      await sendGate;
      return { json: { errcode: 0, errmsg: "ok" } };
    });
    const config = makeConfig({ "msg-proxy-pass": backend.url, "async-reply": true, "reply-timeout-ms": 1000 }, { "wx-api-base": wechat.url });
    using gw = wired(config, clock);
    const reply = gw.send("slow");
    await until(() => backend.received.length === 1);
    clock.advance(1000);
    expect(await (await reply).text()).toBe("success");
    const report = gw.gateway.drain();
    backend.release(1); // the late reply goes to message/custom/send, which waits
    await until(() => wechat.callsTo("/cgi-bin/message/custom/send").length === 1);
    expect(gw.limiter.outstanding).toBe(0);
    expect(Bun.peek.status(report)).toBe("pending");
    answerSend();
    expect(await report).toMatchObject({ complete: true, left: 0, asyncSendsLeft: 0 });
  });

  test("a backend that never answers: the wait ends at the computed bound, and says what is left", async () => {
    const clock = fakeTimerClock();
    using backend = gatedBackend();
    using gw = wired(makeConfig({ "msg-proxy-pass": backend.url, workerNum: 1, "reply-timeout-ms": 4500 }), clock);
    // answered or cut off when the test ends: only the drain is looked at
    for (const m of ["a", "b"]) gw.send(m).catch(() => {});
    await until(() => backend.received.length === 1 && gw.limiter.outstanding === 2);
    const report = gw.gateway.drain();
    const bound = backlogBoundMs(2, 1, 4500);
    expect(bound).toBe(1800 + 2 * 31_000); // userInfo share + two rounds of hard timeout and abort granularity
    clock.advance(bound);
    const r = await report;
    expect(r).toMatchObject({ complete: false, boundMs: bound });
    expect(r.left).toBeGreaterThan(0);
    expect(gw.logs().some((l) => l.msg === "drain bound passed: accepted messages not delivered")).toBe(true);
  });

  test("nothing accepted: resolves at once, complete", async () => {
    using gw = wired(makeConfig({ "msg-proxy-pass": "http://127.0.0.1:9" }), fakeTimerClock());
    expect(await gw.gateway.drain()).toMatchObject({ complete: true, left: 0, boundMs: 0 });
    expect((await gw.send("after")).status).toBe(503);
  });
});
