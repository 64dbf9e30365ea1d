/**
 * `wx-api`, the authenticated WeChat API pass-through, and what every WeChat endpoint shares: the
 * admin token, the OpenAPI listing, the JS-SDK signature on WeChat's documented example.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { templateData } from "../../src/endpoints/tmpl-msg";
import { signJsapi, stripFragment } from "../../src/wxapi/jsapi";
import { showQrCodeUrl } from "../../src/wxapi/qrcode";
import { ADMIN, APP_ID, AUTH, PATHS, startEndpoints } from "../_helpers/wechat-endpoints";

const s = startEndpoints();
afterAll(() => s[Symbol.dispose]());

describe("wx-api pass-through", () => {
  test("GET: the WeChat path and query pass on, s and a caller's access_token do not; the answer comes back as is", async () => {
    s.wechat.on("/cgi-bin/get_current_selfmenu_info", () => ({
      raw: '{"is_menu_open":1,"selfmenu_info":{"button":[]}}',
      contentType: "application/json; encoding=utf-8",
    }));
    const res = await fetch(`${s.gw.url}${PATHS.wxApi}/cgi-bin/get_current_selfmenu_info?s=svc&lang=en&access_token=forged`, { headers: AUTH });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json; encoding=utf-8");
    expect(await res.text()).toBe('{"is_menu_open":1,"selfmenu_info":{"button":[]}}');
    const call = s.wechat.callsTo("/cgi-bin/get_current_selfmenu_info").at(-1)!;
    expect(call.method).toBe("GET");
    expect(Object.keys(call.query).sort()).toEqual(["access_token", "lang"]);
    expect(call.query.lang).toBe("en");
    expect(call.query.access_token).toStartWith(`AT_${APP_ID}_`);
  });
  test("POST JSON (menu create): the body byte for byte, with its Content-Type", async () => {
    s.wechat.on("/cgi-bin/menu/create", () => ({ json: { errcode: 0, errmsg: "ok" } }));
    const menu = '{"button":[{"type":"view","name":"订单","url":"https://open.weixin.qq.com/connect/oauth2/authorize?appid=x#wechat_redirect"}]}';
    const res = await fetch(`${s.gw.url}${PATHS.wxApi}/cgi-bin/menu/create?s=svc`, {
      method: "POST",
      headers: { ...AUTH, "content-type": "application/json" },
      body: menu,
    });
    expect(await res.json()).toEqual({ errcode: 0, errmsg: "ok" });
    const call = s.wechat.callsTo("/cgi-bin/menu/create").at(-1)!;
    expect(call.method).toBe("POST");
    expect(call.headers.get("content-type")).toBe("application/json");
    expect(JSON.stringify(call.body)).toBe(menu);
  });
  test("multipart upload and a binary answer pass unchanged", async () => {
    const content = "PNG-DATA-0123456789";
    let seen: { type: string | null; text: string; name: string } | undefined;
    s.wechat.on("/cgi-bin/media/upload", async (call) => {
      const form = await new Response(call.body as string, { headers: { "content-type": call.headers.get("content-type")! } }).formData();
      const file = form.get("media") as File;
      seen = { type: call.headers.get("content-type"), text: await file.text(), name: file.name };
      return { json: { type: call.query.type, media_id: "MEDIA_1", created_at: 1700000000 } };
    });
    const form = new FormData();
    form.append("media", new File([content], "logo.png", { type: "image/png" }));
    const res = await fetch(`${s.gw.url}${PATHS.wxApi}/cgi-bin/media/upload?s=svc&type=image`, { method: "POST", headers: AUTH, body: form });
    expect(await res.json()).toEqual({ type: "image", media_id: "MEDIA_1", created_at: 1700000000 });
    expect(seen?.type).toStartWith("multipart/form-data; boundary=");
    expect(seen?.name).toBe("logo.png");
    expect(seen?.text).toBe(content);

    s.wechat.on("/cgi-bin/media/get", () => ({
      raw: "\u0089PNG-bytes",
      contentType: "image/jpeg",
      status: 200,
      headers: { "content-disposition": 'attachment; filename="MEDIA_1.jpg"', "x-other": "dropped" },
    }));
    const img = await fetch(`${s.gw.url}${PATHS.wxApi}/cgi-bin/media/get?s=svc&media_id=MEDIA_1`, { headers: AUTH });
    expect(img.headers.get("content-type")).toBe("image/jpeg");
    // the file name of a media download comes along; WeChat's other headers do not
    expect(img.headers.get("content-disposition")).toBe('attachment; filename="MEDIA_1.jpg"');
    expect(img.headers.get("x-other")).toBeNull();
    expect(await img.text()).toBe("\u0089PNG-bytes");
  });
  test("an expired token: renewed and the call retried once with the same body", async () => {
    s.wechat.on("/cgi-bin/message/custom/typing", (call) =>
      s.wechat.validTokens(APP_ID).includes(call.query.access_token!)
        ? { json: { errcode: 0, errmsg: "ok", echo: call.body } }
        : { json: { errcode: 42001, errmsg: "access_token expired" } },
    );
    await fetch(`${s.gw.url}${PATHS.wxApi}/cgi-bin/message/custom/typing?s=svc`, { method: "POST", headers: AUTH, body: "{}" });
    s.wechat.revokeTokens(APP_ID);
    const before = s.wechat.callsTo("/cgi-bin/message/custom/typing").length;
    const res = await fetch(`${s.gw.url}${PATHS.wxApi}/cgi-bin/message/custom/typing?s=svc`, {
      method: "POST",
      headers: { ...AUTH, "content-type": "application/json" },
      body: '{"touser":"oU","command":"Typing"}',
    });
    expect(await res.json()).toEqual({ errcode: 0, errmsg: "ok", echo: { touser: "oU", command: "Typing" } });
    const calls = s.wechat.callsTo("/cgi-bin/message/custom/typing").slice(before);
    expect(calls.length).toBe(2);
    expect(calls[1]!.query.access_token).not.toBe(calls[0]!.query.access_token);
    expect(calls[1]!.body).toEqual(calls[0]!.body);
  });
  test("other WeChat errors and statuses come back as they are", async () => {
    s.wechat.on("/cgi-bin/tags/get", () => ({ json: { errcode: 45009, errmsg: "reach max api daily quota limit" } }));
    const res = await fetch(`${s.gw.url}${PATHS.wxApi}/cgi-bin/tags/get?s=svc`, { headers: AUTH });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ errcode: 45009, errmsg: "reach max api daily quota limit" });
    const missing = await fetch(`${s.gw.url}${PATHS.wxApi}/no/such/api?s=svc`, { headers: AUTH });
    expect(missing.status).toBe(404);
    expect(await missing.text()).toBe("fake wechat: no API at /no/such/api");
  });
  test("missing s → 400, unknown s → 404, a path that is not WeChat's → 400, nothing sent", async () => {
    const before = s.wechat.calls.length;
    expect((await fetch(`${s.gw.url}${PATHS.wxApi}/cgi-bin/menu/get`, { headers: AUTH })).status).toBe(400);
    const unknown = await fetch(`${s.gw.url}${PATHS.wxApi}/cgi-bin/menu/get?s=zz`, { headers: AUTH });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ code: 404, msg: 'unknown service "zz"' });
    for (const path of ["/cgi-bin/a%20b", "/a//b", "/cgi-bin/menu%2Fget", "/", "/cgi-bin/menu/get%3Fx"]) {
      const res = await fetch(`${s.gw.url}${PATHS.wxApi}${path}?s=svc`, { headers: AUTH });
      expect([path, res.status]).toEqual([path, 400]);
    }
    expect(s.wechat.calls.length).toBe(before);
  });
});

describe("admin token", () => {
  const requests: Array<[string, RequestInit]> = [
    [`${PATHS.wxQr}?s=svc&t=temp`, {}],
    [`${PATHS.wxUser}?s=svc&o=o1`, {}],
    [`${PATHS.snsAuth2}?s=svc&code=c-admin`, {}],
    [PATHS.shortUrl, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "s=svc&u=https%3A%2F%2Fa.b" }],
    [PATHS.tmplMsg, { method: "POST", headers: { "content-type": "application/json" }, body: '{"s":"svc","to":"o","tid":"t","data":{"a":"b"}}' }],
    [PATHS.signJsapi, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "s=svc&u=https%3A%2F%2Fa.b" }],
    [`${PATHS.order}?s=shop&o=1`, {}],
    [`${PATHS.refund}?s=shop&o=1`, {}],
    [`${PATHS.wxApi}/cgi-bin/menu/get?s=svc`, {}],
  ];
  test("every WeChat endpoint answers 401 without the bearer token or with a wrong one, and calls nobody", async () => {
    const before = s.wechat.calls.length;
    for (const [path, init] of requests) {
      for (const authorization of [undefined, "Bearer wrong", ADMIN, `Basic ${ADMIN}`]) {
        const headers = { ...(init.headers as Record<string, string>), ...(authorization ? { authorization } : {}) };
        const res = await fetch(`${s.gw.url}${path}`, { ...init, headers });
        expect([path, res.status]).toEqual([path, 401]);
        expect(await res.json()).toEqual({ code: 401, msg: "missing or wrong admin token" });
      }
    }
    expect(s.wechat.calls.length).toBe(before);
  });
});

describe("OpenAPI", () => {
  test("lists every WeChat endpoint with its parameters and the bearer requirement", async () => {
    const doc = (await (await fetch(`${s.gw.url}/openapi.json`, { headers: AUTH })).json()) as {
      paths: Record<string, Record<string, { parameters?: Array<{ name: string; required?: boolean }>; security?: unknown; requestBody?: unknown }>>;
    };
    for (const path of [PATHS.wxQr, PATHS.wxUser, PATHS.snsAuth2, PATHS.order, PATHS.refund]) expect(doc.paths[path]?.get).toBeDefined();
    for (const path of [PATHS.shortUrl, PATHS.tmplMsg, PATHS.signJsapi]) expect(doc.paths[path]?.post?.requestBody).toBeDefined();
    const qr = doc.paths[PATHS.wxQr]!.get!;
    expect(qr.parameters!.map((p) => p.name).sort()).toEqual(["e", "s", "sceneid", "t"]);
    expect(qr.parameters!.find((p) => p.name === "s")!.required).toBe(true);
    expect(qr.security).toEqual([{ adminToken: [] }]);
  });
});

describe("pure parts", () => {
  test("JS-SDK signature: WeChat's documented example", () => {
    const signature = signJsapi({
      ticket: "sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg",
      nonceStr: "Wm3WZYTPz0wzccnW",
      timestamp: 1414587457,
      url: "http://mp.weixin.qq.com?params=value",
    });
    expect(signature).toBe("0f9de62fce790f9a083d5c99e95740ceb90c27ed");
  });
  test("the #fragment is not signed", () => {
    const base = { ticket: "t", nonceStr: "n", timestamp: 1 };
    expect(signJsapi({ ...base, url: "http://mp.weixin.qq.com?params=value#/a/b#c" })).toBe(
      signJsapi({ ...base, url: "http://mp.weixin.qq.com?params=value" }),
    );
    expect(stripFragment("https://a.b/p?q=1#x")).toBe("https://a.b/p?q=1");
    expect(stripFragment("https://a.b/p")).toBe("https://a.b/p");
  });
  test("showqrcode URL encodes the ticket; template data conversion", () => {
    expect(showQrCodeUrl("a+b/c==")).toBe("https://mp.weixin.qq.com/cgi-bin/showqrcode?ticket=a%2Bb%2Fc%3D%3D");
    expect(templateData({ a: 0, b: false, c: "", d: { value: 1, color: "#000" } })).toEqual({
      a: { value: "0" },
      b: { value: "false" },
      c: { value: "" },
      d: { value: 1, color: "#000" },
    });
  });
});
