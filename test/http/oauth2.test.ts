/**
 * The OAuth2 redirect (SPEC §6) through the real gateway: code exchange, user info (base and the
 * snsapi_userinfo flag), the POST to redirect-url with the browser's headers and cookies, and the
 * backend's answer relayed unchanged (status, every Set-Cookie, body streamed, no redirect followed).
 */
import { afterAll, describe, expect, test } from "bun:test";
import { Value } from "@sinclair/typebox/value";
import { oauth2ForwardSchema } from "../../src/contract/oauth2";
import { relayResponse } from "../../src/service/oauth2";
import { APP_ID, makeConfig } from "../_helpers/config";
import { startFakeWechat } from "../_helpers/fake-wechat";
import { startWiredGateway } from "../_helpers/gateway";

interface Hit {
  readonly method: string;
  readonly path: string;
  readonly headers: Headers;
  readonly raw: string;
  readonly body: Record<string, unknown>;
}

const hits: Hit[] = [];
let answer: () => Response = () => new Response("welcome", { headers: { "content-type": "text/plain" } });
const backend = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  async fetch(req) {
    const raw = await req.text();
    hits.push({ method: req.method, path: new URL(req.url).pathname, headers: req.headers, raw, body: raw ? JSON.parse(raw) : {} });
    return answer();
  },
});
const wechat = startFakeWechat();
const config = makeConfig(
  {
    "listen-endpoints": { "service-path": "/wx", "redirect-path": "/oauth/redirect" },
    "redirect-url": `http://127.0.0.1:${backend.port}/menu`,
    "redirect-userinfo-flag": "login",
  },
  { "wx-api-base": wechat.url, "admin-token": "adm", "common-endpoints": { "health-check": "/health", "sns-auth2": "/sns-auth2" } },
);
const gw = startWiredGateway(config);
afterAll(() => {
  gw.stop();
  wechat.stop();
  backend.stop(true);
});

const visit = (query: string, headers: Record<string, string> = {}) => fetch(`${gw.url}/oauth/redirect?${query}`, { headers, redirect: "manual" });

describe("the forward to redirect-url", () => {
  test("snsapi_base: code → openId → cgi-bin/user/info; the JSON body and the browser's headers and cookies", async () => {
    const res = await visit("code=base-c1&state=menu1", {
      cookie: "sid=abc; theme=dark",
      "user-agent": "Mozilla/5.0 MicroMessenger/8.0",
      "x-custom": "42",
      "accept-language": "zh-CN",
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("welcome");
    const hit = hits.at(-1)!;
    expect(hit.method).toBe("POST");
    expect(hit.path).toBe("/menu");
    expect(hit.body).toEqual({
      requestURI: "/oauth/redirect?code=base-c1&state=menu1",
      appId: APP_ID,
      openId: "openid-base-c1",
      state: "menu1",
      userInfo: expect.objectContaining({ openid: "openid-base-c1", subscribe: 1, unionid: "union-openid-base-c1" }),
      userInfoError: "",
    });
    expect(Value.Check(oauth2ForwardSchema, hit.body)).toBe(true);
    expect(hit.headers.get("cookie")).toBe("sid=abc; theme=dark");
    expect(hit.headers.get("user-agent")).toBe("Mozilla/5.0 MicroMessenger/8.0");
    expect(hit.headers.get("x-custom")).toBe("42");
    expect(hit.headers.get("accept-language")).toBe("zh-CN");
    expect(hit.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(hit.headers.get("content-length")).toBe(String(Buffer.byteLength(hit.raw)));
    expect(hit.headers.get("host")).toBe(`127.0.0.1:${backend.port}`);
    expect(hit.headers.get("x-forwarded-host")).toBe(new URL(gw.url).host);
    expect(hit.headers.get("authorization")).toBeNull();
    expect(wechat.callsTo("/sns/oauth2/access_token").at(-1)!.query).toEqual({
      appid: APP_ID,
      secret: "secret_value",
      code: "base-c1",
      grant_type: "authorization_code",
    });
    expect(wechat.callsTo("/cgi-bin/user/info").at(-1)!.query.openid).toBe("openid-base-c1");
  });
  test("redirect-userinfo-flag in the URI: sns/userinfo with the OAuth token", async () => {
    const snsBefore = wechat.callsTo("/sns/userinfo").length;
    await visit("code=ui-c2&state=login");
    expect(hits.at(-1)!.body).toMatchObject({ openId: "openid-ui-c2", state: "login", userInfo: { nickname: "nick-openid-ui-c2" }, userInfoError: "" });
    const call = wechat.callsTo("/sns/userinfo").at(-1)!;
    expect(wechat.callsTo("/sns/userinfo").length).toBe(snsBefore + 1);
    expect(call.query.access_token).toStartWith("SNS_");
    // the flag inside the code's value does not count
    await visit("code=xloginx-base&state=menu");
    expect(wechat.callsTo("/sns/userinfo").length).toBe(snsBefore + 1);
    expect(hits.at(-1)!.body.userInfo).toMatchObject({ subscribe: 1 });
  });
  test("a failed user lookup fills userInfoError and the forward still happens", async () => {
    wechat.failNext("/cgi-bin/user/info", { errcode: 40003, errmsg: "invalid openid" });
    const res = await visit("code=base-c3&state=s");
    expect(res.status).toBe(200);
    expect(hits.at(-1)!.body).toMatchObject({ openId: "openid-base-c3", userInfo: null });
    expect(String(hits.at(-1)!.body.userInfoError)).toContain("40003");
  });
});

describe("the backend's answer", () => {
  test("a redirect is relayed, not followed, with every Set-Cookie and header", async () => {
    answer = () => {
      const headers = new Headers({ location: "/landing?x=1", "x-backend": "yes", "cache-control": "no-store" });
      headers.append("set-cookie", "session=s1; Path=/; HttpOnly");
      headers.append("set-cookie", "uid=openid-base-c4; Path=/; Max-Age=3600");
      return new Response("moved", { status: 302, headers });
    };
    const res = await visit("code=base-c4&state=m");
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/landing?x=1");
    expect(res.headers.getSetCookie()).toEqual(["session=s1; Path=/; HttpOnly", "uid=openid-base-c4; Path=/; Max-Age=3600"]);
    expect(res.headers.get("x-backend")).toBe("yes");
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(await res.text()).toBe("moved");
  });
  test("status and a large compressed body pass as the backend wrote them", async () => {
    const page = "<p>order list</p>".repeat(40_000);
    answer = () => new Response(Bun.gzipSync(page), { status: 201, headers: { "content-encoding": "gzip", "content-type": "text/html" } });
    const res = await visit("code=base-c5&state=m");
    expect(res.status).toBe(201);
    expect(res.headers.get("content-encoding")).toBe("gzip");
    expect(await res.text()).toBe(page);
  });
  test("hop-by-hop headers are dropped both ways", async () => {
    const upstream = new Response("x", { headers: { connection: "x-conn-only", "x-conn-only": "1", "keep-alive": "timeout=5", "x-kept": "1" } });
    const relayed = relayResponse(upstream);
    expect(relayed.headers.get("x-conn-only")).toBeNull();
    expect(relayed.headers.get("keep-alive")).toBeNull();
    expect(relayed.headers.get("x-kept")).toBe("1");
    answer = () => new Response("ok");
    await gw.handle(
      new Request(`${gw.url}/oauth/redirect?code=base-c6&state=m`, {
        headers: { connection: "x-private", "x-private": "p", "proxy-authorization": "Basic abc", "x-public": "q" },
      }),
    );
    const hit = hits.at(-1)!;
    expect(hit.headers.get("x-private")).toBeNull();
    expect(hit.headers.get("proxy-authorization")).toBeNull();
    expect(hit.headers.get("x-public")).toBe("q");
  });
});

describe("codes", () => {
  test("a reloaded code reuses the first exchange (also for sns-auth2), WeChat sees it once", async () => {
    answer = () => new Response("ok");
    const exchanges = wechat.callsTo("/sns/oauth2/access_token").length;
    expect((await visit("code=reload-1&state=login")).status).toBe(200);
    const first = hits.at(-1)!.body;
    expect((await visit("code=reload-1&state=login")).status).toBe(200);
    expect(hits.at(-1)!.body).toEqual(first);
    const sns = await fetch(`${gw.url}/sns-auth2?s=svc&code=reload-1&scope=userinfo`, { headers: { authorization: "Bearer adm" } });
    expect(await sns.json()).toMatchObject({ code: 200, openId: "openid-reload-1", userInfo: { nickname: "nick-openid-reload-1" } });
    expect(wechat.callsTo("/sns/oauth2/access_token").length).toBe(exchanges + 1);
  });
  test("a redirect and sns-auth2 given one code at the same moment share one exchange", async () => {
    answer = () => new Response("ok");
    const exchanges = wechat.callsTo("/sns/oauth2/access_token").length;
    // WeChat answers the first exchange late: the second request arrives while it is in flight
    wechat.delayNext("/sns/oauth2/access_token", 300);
    const [redirect, sns] = await Promise.all([
      visit("code=join-1&state=login"),
      fetch(`${gw.url}/sns-auth2?s=svc&code=join-1`, { headers: { authorization: "Bearer adm" } }),
    ]);
    expect(redirect.status).toBe(200);
    expect(hits.at(-1)!.body).toMatchObject({ openId: "openid-join-1" });
    expect(await sns.json()).toMatchObject({ code: 200, openId: "openid-join-1" });
    expect(wechat.callsTo("/sns/oauth2/access_token").length).toBe(exchanges + 1);
  });
  test("missing code or state → 400, nothing exchanged or forwarded", async () => {
    const [before, exchanges] = [hits.length, wechat.callsTo("/sns/oauth2/access_token").length];
    for (const q of ["state=m", "code=c", "code=&state=m", ""]) {
      const res = await visit(q);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { code: number }).code).toBe(400);
    }
    expect(hits.length).toBe(before);
    expect(wechat.callsTo("/sns/oauth2/access_token").length).toBe(exchanges);
  });
  test("a failed exchange → 502 with WeChat's errcode/errmsg, nothing forwarded", async () => {
    const before = hits.length;
    const res = await visit("code=bad-c7&state=m");
    expect(res.status).toBe(502);
    expect(await res.json()).toMatchObject({ code: 502, errcode: 40029, errmsg: expect.stringContaining("invalid code") });
    expect(hits.length).toBe(before);
  });
  test("no code, OAuth token, secret or admin token in any log line", () => {
    const text = gw.logs().join("\n");
    expect(text).toContain("OAuth2 redirect forwarded");
    for (const secret of ["base-c1", "ui-c2", "reload-1", "bad-c7", "SNS_", "secret_value", "AT_"]) expect(text).not.toContain(secret);
  });
});

describe("an unreachable redirect-url", () => {
  test("→ 502 JSON", async () => {
    const dead = Bun.serve({ port: 0, fetch: () => new Response() });
    const port = dead.port;
    dead.stop(true);
    const cfg = makeConfig(
      { "listen-endpoints": { "service-path": "/wx", "redirect-path": "/r" }, "redirect-url": `http://127.0.0.1:${port}/x` },
      { "wx-api-base": wechat.url },
    );
    using g = startWiredGateway(cfg);
    const res = await fetch(`${g.url}/r?code=base-c8&state=m`);
    expect(res.status).toBe(502);
    expect(await res.json()).toEqual({ code: 502, msg: "redirect-url unreachable" });
  });
});
