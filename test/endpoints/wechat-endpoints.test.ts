/**
 * The WeChat common endpoints (SPEC §7) through the real gateway against the fake WeChat: the exact
 * WeChat request each one makes, the exact answer, and the 400/401/404/502 cases.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { APP_ID, PATHS, SHOP_APP_ID, startEndpoints } from "../_helpers/wechat-endpoints";

const s = startEndpoints();
afterAll(() => s[Symbol.dispose]());

const TICKET = "gQH47joAAAAAAAAAASxodHRwOi8vd2VpeGluLnFxLmNvbS9xL2taZ2Z3TVRtNzJXV1Brb3ZhYmJJAAIEZ23sUwMEmm3sUw==";

async function expectError(res: Response, status: number, extra: Record<string, unknown> = {}) {
  expect(res.status).toBe(status);
  const body = (await res.json()) as Record<string, unknown>;
  expect(body.code).toBe(status);
  expect(typeof body.msg).toBe("string");
  expect(body).toMatchObject(extra);
  return body;
}

describe("wx-qr", () => {
  test('temp: QR_STR_SCENE, 30 s and scene "0" by default; the ticket url-encoded in the image URL', async () => {
    s.wechat.scriptNext("/cgi-bin/qrcode/create", { json: { ticket: TICKET, expire_seconds: 30, url: "http://weixin.qq.com/q/kZgfwMTm72WWPkovabbI" } });
    const res = await s.get(PATHS.wxQr, { s: "svc", t: "temp" });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      code: 200,
      msg: "OK",
      result: {
        ticketURL2ShowQrCode: `https://mp.weixin.qq.com/cgi-bin/showqrcode?ticket=${encodeURIComponent(TICKET)}`,
        urlIncluedInQrcode: "http://weixin.qq.com/q/kZgfwMTm72WWPkovabbI",
      },
    });
    const call = s.wechat.callsTo("/cgi-bin/qrcode/create").at(-1)!;
    expect(call.method).toBe("POST");
    expect(call.query.access_token).toStartWith(`AT_${APP_ID}_`);
    expect(call.body).toEqual({ expire_seconds: 30, action_name: "QR_STR_SCENE", action_info: { scene: { scene_str: "0" } } });
  });
  test("temp with sceneid and e; forever: QR_LIMIT_STR_SCENE without expire_seconds", async () => {
    expect((await s.get(PATHS.wxQr, { s: "svc", t: "temp", sceneid: "invite:42", e: "600" })).status).toBe(200);
    expect(s.wechat.callsTo("/cgi-bin/qrcode/create").at(-1)!.body).toEqual({
      expire_seconds: 600,
      action_name: "QR_STR_SCENE",
      action_info: { scene: { scene_str: "invite:42" } },
    });
    const res = await s.get(PATHS.wxQr, { s: "svc", t: "forever", sceneid: "shop-7" });
    const body = (await res.json()) as { result: { ticketURL2ShowQrCode: string } };
    expect(body.result.ticketURL2ShowQrCode).toStartWith("https://mp.weixin.qq.com/cgi-bin/showqrcode?ticket=gQ");
    expect(s.wechat.callsTo("/cgi-bin/qrcode/create").at(-1)!.body).toEqual({
      action_name: "QR_LIMIT_STR_SCENE",
      action_info: { scene: { scene_str: "shop-7" } },
    });
  });
  test("bad or missing parameters → 400, unknown service → 404, nothing sent to WeChat", async () => {
    const before = s.wechat.callsTo("/cgi-bin/qrcode/create").length;
    const bad: Array<Record<string, string>> = [
      { s: "svc" },
      { s: "svc", t: "later" },
      { t: "temp" },
      { s: "svc", t: "temp", e: "0" },
      { s: "svc", t: "temp", e: "2592001" },
      { s: "svc", t: "temp", e: "1h" },
      { s: "svc", t: "temp", sceneid: "x".repeat(65) },
    ];
    for (const q of bad) {
      await expectError(await s.get(PATHS.wxQr, q), 400);
    }
    expect(await expectError(await s.get(PATHS.wxQr, { s: "nope", t: "temp" }), 404)).toEqual({ code: 404, msg: 'unknown service "nope"' });
    expect(s.wechat.callsTo("/cgi-bin/qrcode/create").length).toBe(before);
  });
  test("a WeChat error → 502 with its errcode and errmsg", async () => {
    s.wechat.failNext("/cgi-bin/qrcode/create", { errcode: 45009, errmsg: "reach max api daily quota limit" });
    await expectError(await s.get(PATHS.wxQr, { s: "svc", t: "forever" }), 502, { errcode: 45009, errmsg: "reach max api daily quota limit" });
  });
});

describe("wx-user", () => {
  test("WeChat's user/info answer under userInfo, cached for the next call", async () => {
    const res = await s.get(PATHS.wxUser, { s: "svc", o: "oUserA" });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toEqual({
      code: 200,
      msg: "OK",
      userInfo: expect.objectContaining({ openid: "oUserA", subscribe: 1, unionid: "union-oUserA", tagid_list: [] }),
    });
    const call = s.wechat.callsTo("/cgi-bin/user/info").at(-1)!;
    expect(call.query).toMatchObject({ openid: "oUserA", lang: "zh_CN" });
    const calls = s.wechat.callsTo("/cgi-bin/user/info").length;
    expect(await (await s.get(PATHS.wxUser, { s: "svc", o: "oUserA" })).json()).toEqual(body);
    expect(s.wechat.callsTo("/cgi-bin/user/info").length).toBe(calls);
  });
  test("missing o → 400; unknown service → 404; WeChat error → 502", async () => {
    await expectError(await s.get(PATHS.wxUser, { s: "svc" }), 400);
    await expectError(await s.get(PATHS.wxUser, { s: "svc", o: "" }), 400);
    await expectError(await s.get(PATHS.wxUser, { s: "other", o: "oX" }), 404);
    s.wechat.failNext("/cgi-bin/user/info", { errcode: 40003, errmsg: "invalid openid" });
    await expectError(await s.get(PATHS.wxUser, { s: "svc", o: "oUnknown" }), 502, { errcode: 40003, errmsg: "invalid openid" });
  });
});

describe("sns-auth2", () => {
  test("base (default): code → openId, user info from cgi-bin/user/info", async () => {
    const res = await s.get(PATHS.snsAuth2, { s: "svc", code: "base-code-1" });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toEqual({
      code: 200,
      msg: "OK",
      openId: "openid-base-code-1",
      userInfo: expect.objectContaining({ openid: "openid-base-code-1", subscribe: 1 }),
      error: "",
    });
    const exchange = s.wechat.callsTo("/sns/oauth2/access_token").at(-1)!;
    expect(exchange.query).toEqual({ appid: APP_ID, secret: "secret_value", code: "base-code-1", grant_type: "authorization_code" });
  });
  test("scope=userinfo: sns/userinfo with the OAuth token", async () => {
    for (const scope of ["userinfo", "snsapi_userinfo"]) {
      const body = (await (await s.get(PATHS.snsAuth2, { s: "svc", code: `ui-code-${scope}`, scope })).json()) as Record<string, unknown>;
      expect(body).toMatchObject({ openId: `openid-ui-code-${scope}`, userInfo: { nickname: `nick-openid-ui-code-${scope}` }, error: "" });
      const call = s.wechat.callsTo("/sns/userinfo").at(-1)!;
      expect(call.query.access_token).toStartWith("SNS_");
      expect(call.query.openid).toBe(`openid-ui-code-${scope}`);
    }
  });
  test("a repeated code reuses the first exchange instead of failing with 40163", async () => {
    const first = await (await s.get(PATHS.snsAuth2, { s: "svc", code: "reload-code", scope: "userinfo" })).json();
    const exchanges = s.wechat.callsTo("/sns/oauth2/access_token").length;
    const again = await s.get(PATHS.snsAuth2, { s: "svc", code: "reload-code", scope: "userinfo" });
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual(first);
    expect(s.wechat.callsTo("/sns/oauth2/access_token").length).toBe(exchanges);
  });
  test("userinfo for a snsapi_base code: error filled, userInfo null, still 200", async () => {
    const body = (await (await s.get(PATHS.snsAuth2, { s: "svc", code: "x-base-2", scope: "userinfo" })).json()) as Record<string, unknown>;
    expect(body).toMatchObject({ code: 200, openId: "openid-x-base-2", userInfo: null });
    expect(String(body.error)).toContain("snsapi_userinfo");
  });
  test("a failed exchange → 502 with WeChat's errcode; bad parameters → 400; unknown service → 404", async () => {
    await expectError(await s.get(PATHS.snsAuth2, { s: "svc", code: "bad-code" }), 502, { errcode: 40029 });
    await expectError(await s.get(PATHS.snsAuth2, { s: "svc" }), 400);
    await expectError(await s.get(PATHS.snsAuth2, { s: "svc", code: "c", scope: "all" }), 400);
    await expectError(await s.get(PATHS.snsAuth2, { s: "zzz", code: "c" }), 404);
  });
});

describe("short-url", () => {
  test("form s,u → long2short; short-url in the answer", async () => {
    const res = await s.postForm(PATHS.shortUrl, { s: "svc", u: "https://example.com/a?b=c" });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toEqual({ code: 200, msg: "OK", "short-url": expect.stringMatching(/^https:\/\/w\.url\.cn\/s\//) });
    expect(s.wechat.callsTo("/cgi-bin/shorturl").at(-1)!.body).toEqual({ action: "long2short", long_url: "https://example.com/a?b=c" });
  });
  test("WeChat's refusal (the API is retired) → a clean 502 with errcode/errmsg", async () => {
    s.wechat.failNext("/cgi-bin/shorturl", { errcode: 48001, errmsg: "api unauthorized rid: 6531" });
    const body = await expectError(await s.postForm(PATHS.shortUrl, { s: "svc", u: "https://example.com/" }), 502, {
      errcode: 48001,
      errmsg: "api unauthorized rid: 6531",
    });
    expect(Object.keys(body).sort()).toEqual(["code", "errcode", "errmsg", "msg"]);
  });
  test("missing u → 400; unknown service → 404", async () => {
    await expectError(await s.postForm(PATHS.shortUrl, { s: "svc" }), 400);
    await expectError(await s.postForm(PATHS.shortUrl, { s: "nope", u: "https://example.com/" }), 404);
  });
});

describe("tmpl-msg", () => {
  test("scalars become {value}, objects with value pass as is; url and mp become url and miniprogram", async () => {
    const res = await s.postJson(PATHS.tmplMsg, {
      s: "svc",
      to: "oUserT",
      tid: "TMPL-1",
      url: "https://example.com/order/1",
      mp: { appid: "wxmini", pagepath: "pages/index" },
      data: { first: "Hello", amount: 12.5, paid: true, keyword1: { value: "A-1", color: "#173177" } },
    });
    expect(res.status).toBe(200);
    const answer = (await res.json()) as Record<string, unknown>;
    expect(answer).toEqual({ errcode: 0, errmsg: "ok", msgid: expect.any(Number) });
    expect(s.wechat.callsTo("/cgi-bin/message/template/send").at(-1)!.body).toEqual({
      touser: "oUserT",
      template_id: "TMPL-1",
      url: "https://example.com/order/1",
      miniprogram: { appid: "wxmini", pagepath: "pages/index" },
      data: { first: { value: "Hello" }, amount: { value: "12.5" }, paid: { value: "true" }, keyword1: { value: "A-1", color: "#173177" } },
    });
  });
  test("WeChat's answer comes back byte for byte (a 64-bit msgid keeps its digits)", async () => {
    const raw = '{"errcode":0,"errmsg":"ok","msgid":3147483217542201345}';
    s.wechat.scriptNext("/cgi-bin/message/template/send", { raw, contentType: "application/json" });
    const res = await s.postJson(PATHS.tmplMsg, { s: "svc", to: "oUserT", tid: "T", data: { k: "v" } });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(raw);
    expect(s.wechat.callsTo("/cgi-bin/message/template/send").at(-1)!.body).toEqual({ touser: "oUserT", template_id: "T", data: { k: { value: "v" } } });
  });
  test("bad bodies → 400 before WeChat; WeChat error → 502", async () => {
    const before = s.wechat.callsTo("/cgi-bin/message/template/send").length;
    for (const bad of [
      { s: "svc", to: "o", tid: "T" },
      { s: "svc", to: "o", tid: "T", data: {} },
      { s: "svc", to: "o", tid: "T", data: { k: null } },
      { s: "svc", to: "o", tid: "T", data: { k: { color: "#fff" } } },
      { s: "svc", tid: "T", data: { k: "v" } },
      { to: "o", tid: "T", data: { k: "v" } },
    ]) {
      await expectError(await s.postJson(PATHS.tmplMsg, bad), 400);
    }
    expect(s.wechat.callsTo("/cgi-bin/message/template/send").length).toBe(before);
    await expectError(await s.postJson(PATHS.tmplMsg, { s: "x", to: "o", tid: "T", data: { k: "v" } }), 404);
    s.wechat.failNext("/cgi-bin/message/template/send", { errcode: 40037, errmsg: "invalid template_id" });
    await expectError(await s.postJson(PATHS.tmplMsg, { s: "svc", to: "o", tid: "T", data: { k: "v" } }), 502, {
      errcode: 40037,
      errmsg: "invalid template_id",
    });
  });
});

describe("sign-jsapi", () => {
  test("params{appId, nonce, timestamp, signature} over the cached ticket, #fragment removed", async () => {
    const ticket = "sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg";
    s.wechat.scriptNext("/cgi-bin/ticket/getticket", { json: { errcode: 0, errmsg: "ok", ticket, expires_in: 7200 } });
    const before = Math.floor(Date.now() / 1000);
    const res = await s.postForm(PATHS.signJsapi, { s: "svc", u: "https://example.com/page?x=1#/route" });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { code: number; msg: string; params: { appId: string; nonce: string; timestamp: number; signature: string } };
    expect(body.code).toBe(200);
    expect(Object.keys(body.params).sort()).toEqual(["appId", "nonce", "signature", "timestamp"]);
    const { appId, nonce, timestamp, signature } = body.params;
    expect(appId).toBe(APP_ID);
    expect(nonce).toMatch(/^[A-Za-z0-9]{16}$/);
    expect(timestamp).toBeGreaterThanOrEqual(before);
    const expected = createHash("sha1")
      .update(`jsapi_ticket=${ticket}&noncestr=${nonce}&timestamp=${timestamp}&url=https://example.com/page?x=1`)
      .digest("hex");
    expect(signature).toBe(expected);
    expect(s.wechat.callsTo("/cgi-bin/ticket/getticket").at(-1)!.query.type).toBe("jsapi");
    const fetches = s.wechat.ticketFetches;
    expect((await s.postForm(PATHS.signJsapi, { s: "svc", u: "https://example.com/other" })).status).toBe(200);
    expect(s.wechat.ticketFetches).toBe(fetches);
  });
  test("u must be an http(s) URL; s must exist", async () => {
    await expectError(await s.postForm(PATHS.signJsapi, { s: "svc", u: "javascript:alert(1)" }), 400);
    await expectError(await s.postForm(PATHS.signJsapi, { s: "svc" }), 400);
    await expectError(await s.postForm(PATHS.signJsapi, { s: "nope", u: "https://example.com/" }), 404);
  });
});

describe("channels-ec order and refund detail", () => {
  test("order: order_id sent as a string; 64-bit ids in WeChat's answer keep every digit", async () => {
    s.wechat.scriptNext("/channels/ec/order/get", {
      raw: '{"errcode":0,"errmsg":"ok","order":{"order_id":3705115058471208928,"status":20,"order_detail":{"product_infos":[{"product_id":10000029995463,"sku_id":1918427718123456789}]}}}',
      contentType: "application/json",
    });
    const res = await s.get(PATHS.order, { s: "shop", o: "3705115058471208928" });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      code: 200,
      msg: "OK",
      order: { order_id: "3705115058471208928", status: 20, order_detail: { product_infos: [{ product_id: 10000029995463, sku_id: "1918427718123456789" }] } },
    });
    const call = s.wechat.callsTo("/channels/ec/order/get").at(-1)!;
    expect(call.method).toBe("POST");
    expect(call.body).toEqual({ order_id: "3705115058471208928" });
    expect(call.query.access_token).toStartWith(`AT_${SHOP_APP_ID}_`);
  });
  test("refund: after_sale_order_id → aftersaleOrder", async () => {
    const res = await s.get(PATHS.refund, { s: "shop", o: "4000000001234567890" });
    expect(await res.json()).toEqual({
      code: 200,
      msg: "OK",
      aftersaleOrder: { after_sale_order_id: "4000000001234567890", status: "MERCHANT_PROCESSING", order_id: "3700000000000000001" },
    });
    expect(s.wechat.callsTo("/channels/ec/aftersale/getaftersaleorder").at(-1)!.body).toEqual({ after_sale_order_id: "4000000001234567890" });
  });
  test("an Official Account service → 400; non-digit id → 400; unknown → 404; WeChat error → 502", async () => {
    await expectError(await s.get(PATHS.order, { s: "svc", o: "3705115058471208928" }), 400, {
      msg: 'service "svc" is an official-account: channels-ec-order-detail is for Channels shops',
    });
    await expectError(await s.get(PATHS.refund, { s: "svc", o: "1" }), 400);
    await expectError(await s.get(PATHS.order, { s: "shop", o: "12ab" }), 400);
    await expectError(await s.get(PATHS.order, { s: "shop" }), 400);
    await expectError(await s.get(PATHS.order, { s: "gone", o: "1" }), 404);
    s.wechat.failNext("/channels/ec/order/get", { errcode: 10020001, errmsg: "order not exist" });
    await expectError(await s.get(PATHS.order, { s: "shop", o: "1" }), 502, { errcode: 10020001, errmsg: "order not exist" });
  });
});
