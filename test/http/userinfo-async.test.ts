/**
 * Issue 4 through the real gateway: userInfo on forwarded messages (appended, omitted, error, cached)
 * and async-reply (late and oversized replies reach message/custom/send). Deadlines run on a fake
 * clock: a slow backend or WeChat is one that holds its answer until the test lets it go.
 */
import { describe, expect, test } from "bun:test";
import { makeConfig } from "../_helpers/config";
import { startFakeBackend } from "../_helpers/fake-backend";
import { type FakeTimerClock, fakeTimerClock } from "../_helpers/fake-timers";
import { startFakeWechat } from "../_helpers/fake-wechat";
import { startWiredGateway } from "../_helpers/gateway";
import { plainCallback, textXml } from "../_helpers/wechat";

function setup(service: Record<string, unknown> = {}, clock?: FakeTimerClock) {
  const wechat = startFakeWechat();
  const backend = startFakeBackend();
  const config = makeConfig({ "msg-proxy-pass": backend.url, ...service }, { "wx-api-base": wechat.url, "dont-append-userinfo": false });
  const gw = startWiredGateway(config, { clock });
  return {
    wechat,
    backend,
    gw,
    send: (xml: string) => fetch(plainCallback(gw.url, "/wx", xml)).then((r) => r.text()),
    [Symbol.dispose]() {
      gw.stop();
      backend.stop();
      wechat.stop();
    },
  };
}

describe("userInfo on forwarded messages", () => {
  test("appended: WeChat's full user/info answer and an empty userInfoError", async () => {
    using s = setup();
    await s.send(textXml("hi", undefined, "oAlice"));
    const body = s.backend.received.at(-1)!.body;
    expect(body.userInfoError).toBe("");
    expect(body.userInfo).toMatchObject({ openid: "oAlice", subscribe: 1 });
    const call = s.wechat.callsTo("/cgi-bin/user/info").at(-1)!;
    expect(call.query.openid).toBe("oAlice");
    expect(call.query.access_token).toBeTruthy();
  });
  test("omitted with dont-append-userinfo (no user/info call at all)", async () => {
    using s = setup({ "dont-append-userinfo": true });
    await s.send(textXml("hi"));
    const body = s.backend.received.at(-1)!.body;
    expect("userInfo" in body).toBe(false);
    expect("userInfoError" in body).toBe(false);
    expect(s.wechat.callsTo("/cgi-bin/user/info").length).toBe(0);
  });
  test("a WeChat error fills userInfoError and the message is still forwarded", async () => {
    using s = setup();
    s.wechat.failNext("/cgi-bin/user/info", { errcode: 40003, errmsg: "invalid openid" });
    const reply = await s.send(textXml("hi", undefined, "oBob"));
    expect(reply).toContain("got /msg/text");
    const body = s.backend.received.at(-1)!.body;
    expect(body.userInfo).toBeNull();
    expect(String(body.userInfoError)).toContain("40003");
  });
  test("a slow user/info never blocks the message past its share of the deadline", async () => {
    const clock = fakeTimerClock();
    using s = setup({ "reply-timeout-ms": 1000 }, clock);
    const wechatAnswers = Promise.withResolvers<void>();
    s.wechat.scriptNext("/cgi-bin/user/info", { until: wechatAnswers.promise });
    const reply = s.send(textXml("hi", undefined, "oSlow"));
    await s.wechat.whenCalled("/cgi-bin/user/info");
    clock.advance(399); // userInfo gets 40% of the reply deadline, counted from arrival
    expect(s.backend.received.length).toBe(0);
    clock.advance(1);
    expect(await reply).toContain("got /msg/text");
    expect(String(s.backend.received.at(-1)!.body.userInfoError)).toContain("exceeded");
    wechatAnswers.resolve();
  });
  test("cached per app-id and openId: a second message does not call user/info again", async () => {
    using s = setup();
    await s.send(textXml("one", undefined, "oCarol"));
    await s.send(textXml("two", undefined, "oCarol"));
    await s.send(textXml("three", undefined, "oDave"));
    const calls = s.wechat.callsTo("/cgi-bin/user/info").map((c) => c.query.openid);
    expect(calls).toEqual(["oCarol", "oDave"]);
    expect(s.backend.received.at(-2)!.body.userInfo).toMatchObject({ openid: "oCarol" });
  });
  test("no token or secret in any log line", async () => {
    using s = setup();
    s.wechat.failNext("/cgi-bin/user/info", { errcode: 40001, errmsg: "invalid credential" });
    await s.send(textXml("hi", undefined, "oEve"));
    const tokens = s.wechat.validTokens(s.gw.gateway.config.services[0]!.appId);
    const text = s.gw.logs().join("\n");
    for (const t of tokens) expect(text).not.toContain(t);
    expect(text).not.toContain("secret_value");
  });
});

describe("async-reply", () => {
  test("a slow backend: WeChat gets success in time, the late reply reaches message/custom/send", async () => {
    const clock = fakeTimerClock();
    using s = setup({ "async-reply": true, "reply-timeout-ms": 300, "dont-append-userinfo": true }, clock);
    const backendAnswers = Promise.withResolvers<void>();
    s.backend.on("/msg/text", { until: backendAnswers.promise, json: { type: "text", msg: "sorry I am late" } });
    const reply = s.send(textXml("slow", undefined, "oLate"));
    await s.backend.whenReceived();
    clock.advance(300);
    expect(await reply).toBe("success");
    expect(s.wechat.callsTo("/cgi-bin/message/custom/send").length).toBe(0); // answered before the backend finished
    backendAnswers.resolve();
    await s.gw.gateway.drain(); // every accepted message done, every late reply sent
    const sent = s.wechat.callsTo("/cgi-bin/message/custom/send");
    expect(sent.length).toBe(1);
    expect(sent[0]!.body).toEqual({ touser: "oLate", msgtype: "text", text: { content: "sorry I am late" } });
  });
  test("a reply over 2048 bytes goes through the customer-service API instead", async () => {
    using s = setup({ "async-reply": true, "dont-append-userinfo": true });
    const long = "长".repeat(1000); // 3000 bytes of UTF-8
    s.backend.on("/msg/text", { json: { type: "text", msg: long } });
    expect(await s.send(textXml("long please", undefined, "oLong"))).toBe("success");
    const sent = await s.wechat.whenCalled("/cgi-bin/message/custom/send");
    expect((sent.body as { text: { content: string } }).text.content).toBe(long);
  });
  test("without async-reply a late reply is discarded with a log line", async () => {
    const clock = fakeTimerClock();
    using s = setup({ "reply-timeout-ms": 200, "dont-append-userinfo": true }, clock);
    const backendAnswers = Promise.withResolvers<void>();
    s.backend.on("/msg/text", { until: backendAnswers.promise, json: { msg: "late" } });
    const reply = s.send(textXml("slow"));
    await s.backend.whenReceived();
    clock.advance(200);
    expect(await reply).toBe("success");
    backendAnswers.resolve();
    await s.gw.gateway.drain();
    expect(s.gw.logs().some((l) => l.includes("late backend reply discarded"))).toBe(true);
    clock.advance(60_000);
    expect(s.wechat.callsTo("/cgi-bin/message/custom/send").length).toBe(0);
  });
  test("a refusal (45015) is logged and counted once, never retried", async () => {
    const clock = fakeTimerClock();
    using s = setup({ "async-reply": true, "reply-timeout-ms": 200, "dont-append-userinfo": true }, clock);
    const backendAnswers = Promise.withResolvers<void>();
    s.backend.on("/msg/text", { until: backendAnswers.promise, json: { msg: "late" } });
    s.wechat.failNext("/cgi-bin/message/custom/send", { errcode: 45015, errmsg: "response out of time limit" }, 5);
    const reply = s.send(textXml("slow"));
    await s.backend.whenReceived();
    clock.advance(200);
    expect(await reply).toBe("success");
    backendAnswers.resolve();
    await s.gw.gateway.drain();
    await clock.tick(60_000); // a retry would have to wait on the clock
    expect(s.wechat.callsTo("/cgi-bin/message/custom/send").length).toBe(1);
    expect(s.gw.logs().some((l) => l.includes("async reply") && l.includes("45015"))).toBe(true);
    expect(await s.gw.metrics.registry.getSingleMetricAsString("wxgw_async_replies_total")).toContain('outcome="refused"} 1');
  });
});
