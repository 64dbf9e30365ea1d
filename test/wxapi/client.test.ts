import { afterAll, describe, expect, test } from "bun:test";
import { GatewayError } from "../../src/http/errors";
import { createMemoryTokenStore } from "../../src/store/memory-store";
import { WxApiError } from "../../src/wxapi/client";
import { APP_ID } from "../_helpers/config";
import { fakeTimerClock } from "../_helpers/fake-timers";
import { startFakeWechat } from "../_helpers/fake-wechat";
import { makeWxApi, SECRET } from "../_helpers/wxapi";

const fake = startFakeWechat();
afterAll(() => fake.stop());

describe("call", () => {
  test("adds the access_token, sends JSON and returns WeChat's answer", async () => {
    const { api, svc } = makeWxApi(fake);
    const res = await api.call(svc, { method: "POST", path: "/cgi-bin/qrcode/create", json: { action_name: "QR_LIMIT_STR_SCENE" } });
    expect(res.ticket).toBeString();
    const call = fake.callsTo("/cgi-bin/qrcode/create").at(-1)!;
    expect(call.query.access_token).toBe(await api.tokens.accessToken(svc));
    expect(call.body).toEqual({ action_name: "QR_LIMIT_STR_SCENE" });
    expect(call.headers.get("content-type")).toBe("application/json");
  });

  for (const errcode of [40001, 40014, 42001]) {
    test(`${errcode} once → the token is renewed and the call retried once, successfully`, async () => {
      const { api, svc } = makeWxApi(fake, { tokenApi: "classic" });
      const first = await api.tokens.accessToken(svc);
      const fetches = fake.tokenFetches;
      fake.failNext("/cgi-bin/user/info", { errcode, errmsg: "token problem" });
      const info = await api.call(svc, { path: "/cgi-bin/user/info", query: { openid: "o-retry" } });
      expect(info.openid).toBe("o-retry");
      expect(fake.tokenFetches).toBe(fetches + 1);
      const [failed, retried] = fake.callsTo("/cgi-bin/user/info").slice(-2);
      expect(failed!.query.access_token).toBe(first);
      expect(retried!.query.access_token).not.toBe(first);
      expect(retried!.query.access_token).toBe(await api.tokens.accessToken(svc));
    });
  }

  test("a token error twice is not retried a second time", async () => {
    const { api, svc } = makeWxApi(fake);
    await api.tokens.accessToken(svc);
    const before = fake.callsTo("/cgi-bin/user/info").length;
    fake.failNext("/cgi-bin/user/info", { errcode: 40001, errmsg: "invalid credential" }, 2);
    const err = await api.call(svc, { path: "/cgi-bin/user/info", query: { openid: "x" } }).catch((e) => e);
    expect(err).toBeInstanceOf(WxApiError);
    expect(err.errcode).toBe(40001);
    expect(fake.callsTo("/cgi-bin/user/info").length).toBe(before + 2);
  });

  test("a stale instance's 40001 does not wipe the newer shared token", async () => {
    // two instances share one store; A holds an old token in flight while B has already renewed
    const store = createMemoryTokenStore();
    const a = makeWxApi(fake, { store, tokenApi: "classic" });
    const b = makeWxApi(fake, { store, tokenApi: "classic" });
    const old = await a.api.tokens.accessToken(a.svc);
    await b.api.tokens.invalidateToken(b.svc, old);
    const fresh = await b.api.tokens.accessToken(b.svc);
    expect(fresh).not.toBe(old);
    // A now learns that `old` was rejected: the CAS must leave `fresh` alone
    await a.api.tokens.invalidateToken(a.svc, old);
    expect((await store.get("token", APP_ID))?.value).toBe(fresh);
    const fetches = fake.tokenFetches;
    expect(await a.api.tokens.accessToken(a.svc)).toBe(fresh);
    expect(fake.tokenFetches).toBe(fetches);
  });

  test("WeChat's errcode becomes WxApiError: a 502 GatewayError with errcode/errmsg", async () => {
    const { api, svc } = makeWxApi(fake);
    fake.failNext("/cgi-bin/message/template/send", { errcode: 40037, errmsg: "invalid template_id" });
    const err = await api.call(svc, { method: "POST", path: "/cgi-bin/message/template/send", json: {} }).catch((e) => e);
    expect(err).toBeInstanceOf(WxApiError);
    expect(err).toBeInstanceOf(GatewayError);
    expect(err.status).toBe(502);
    expect(err.toJSON()).toEqual({ code: 502, msg: expect.stringContaining("40037"), errcode: 40037, errmsg: "invalid template_id" });
  });

  test("errcode 0 is a success", async () => {
    const { api, svc } = makeWxApi(fake);
    const res = await api.call(svc, { method: "POST", path: "/cgi-bin/message/custom/send", json: { touser: "o" } });
    expect(res).toEqual({ errcode: 0, errmsg: "ok" });
  });

  test("a timeout, on the client's clock, is a 502 that says so", async () => {
    const clock = fakeTimerClock();
    const { api, svc } = makeWxApi(fake, { clock });
    await api.tokens.accessToken(svc);
    const wechatAnswers = Promise.withResolvers<void>();
    fake.scriptNext("/cgi-bin/user/info", { until: wechatAnswers.promise });
    const seen = fake.callsTo("/cgi-bin/user/info").length;
    let settled = false;
    // on real time this test would run out of its own 30 s
    const call = api
      .call(svc, { path: "/cgi-bin/user/info", query: { openid: "slow" }, timeoutMs: 60_000 })
      .catch((e) => e)
      .finally(() => (settled = true));
    await fake.whenCalled("/cgi-bin/user/info", seen + 1);
    await clock.tick(59_999);
    expect(settled).toBe(false);
    clock.advance(1);
    const err = await call;
    wechatAnswers.resolve();
    expect(clock.pending).toBe(0);
    expect(err).toBeInstanceOf(GatewayError);
    expect(err.status).toBe(502);
    expect(err.message).toContain("timed out after 60000 ms");
  });

  test("an HTTP error or a body that is not JSON is a 502", async () => {
    const { api, svc } = makeWxApi(fake);
    fake.scriptNext("/cgi-bin/user/info", { status: 503, raw: "busy" });
    const http = await api.call(svc, { path: "/cgi-bin/user/info", query: { openid: "o" } }).catch((e) => e);
    expect(http.status).toBe(502);
    expect(http.message).toContain("HTTP 503");
    fake.scriptNext("/cgi-bin/user/info", { raw: "<html>" });
    const html = await api.call(svc, { path: "/cgi-bin/user/info", query: { openid: "o" } }).catch((e) => e);
    expect(html.status).toBe(502);
  });

  test("an unreachable WeChat is a 502", async () => {
    const dead = startFakeWechat();
    const { api, svc } = makeWxApi(dead);
    dead.stop();
    const err = await api.tokens.accessToken(svc).catch((e) => e);
    expect(err.status).toBe(502);
    expect(err.message).toContain("unreachable");
  });
});

test("a network error carries no token, neither in the log nor in the error's cause", async () => {
  const dead = startFakeWechat();
  dead.stop();
  const store = createMemoryTokenStore();
  const token = "AT_must_not_leak_0123456789";
  await store.set("token", APP_ID, { value: token, expire: Math.floor(Date.now() / 1000) + 3600 });
  const { api, svc, logs } = makeWxApi(dead, { store });
  const err = await api.call(svc, { path: "/cgi-bin/user/info", query: { openid: "o" } }).catch((e) => e);
  expect(err.status).toBe(502);
  expect(logs().some((l) => l.includes("unreachable"))).toBe(true);
  for (const text of [...logs(), JSON.stringify(err), String(err.cause), JSON.stringify(err.cause), err.stack]) {
    expect(text).not.toContain(token);
  }
});

describe("callPlain and callRaw", () => {
  test("callPlain sends no access_token", async () => {
    const { api } = makeWxApi(fake);
    const res = await api.callPlain({
      path: "/sns/oauth2/access_token",
      query: { appid: APP_ID, secret: SECRET, code: "c-plain", grant_type: "authorization_code" },
    });
    expect(res.openid).toBe("openid-c-plain");
    expect(fake.callsTo("/sns/oauth2/access_token").at(-1)!.query.access_token).toBeUndefined();
  });

  test("callRaw returns WeChat's answer as is, after one retry on a token error", async () => {
    const { api, svc } = makeWxApi(fake);
    fake.on("/cgi-bin/media/get", () => ({ raw: "\x89PNG bytes", contentType: "image/png" }));
    fake.failNext("/cgi-bin/media/get", { errcode: 42001, errmsg: "access_token expired" });
    const res = await api.callRaw(svc, { path: "/cgi-bin/media/get", query: { media_id: "m" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/png");
    expect(await res.text()).toBe("\x89PNG bytes");
    fake.failNext("/cgi-bin/media/get", { errcode: 40007, errmsg: "invalid media_id" });
    const err = await api.callRaw(svc, { path: "/cgi-bin/media/get", query: { media_id: "bad" } });
    expect(await err.json()).toEqual({ errcode: 40007, errmsg: "invalid media_id" });
  });
});

test("no token, ticket or secret in any log line", async () => {
  const clock = fakeTimerClock();
  const { api, svc, logs } = makeWxApi(fake, { clock });
  const token = await api.tokens.accessToken(svc);
  const ticket = await api.tokens.jsapiTicket(svc);
  fake.failNext("/cgi-bin/user/info", { errcode: 40001, errmsg: "invalid credential" });
  await api.call(svc, { path: "/cgi-bin/user/info", query: { openid: "o" } });
  fake.failNext("/cgi-bin/user/info", { errcode: 45009, errmsg: "reach max api daily quota limit" });
  await api.call(svc, { path: "/cgi-bin/user/info", query: { openid: "o" } }).catch(() => {});
  const wechatAnswers = Promise.withResolvers<void>();
  fake.scriptNext("/cgi-bin/user/info", { until: wechatAnswers.promise });
  const timedOut = api.call(svc, { path: "/cgi-bin/user/info", query: { openid: "o" } }).catch(() => {});
  await fake.whenCalled("/cgi-bin/user/info", fake.callsTo("/cgi-bin/user/info").length + 1);
  clock.advance(10_000);
  await timedOut;
  wechatAnswers.resolve();
  const renewed = await api.tokens.accessToken(svc);
  const lines = logs();
  expect(lines.length).toBeGreaterThan(3);
  for (const secret of [token, renewed, ticket, SECRET]) {
    for (const line of lines) expect(line).not.toContain(secret);
  }
});
