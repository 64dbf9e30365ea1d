/**
 * The admin token belongs to the guarded routes, not to a list of path strings: whatever spelling of
 * a path reaches a guarded route (trailing slash, a short Host that shifts Elysia's path start), the
 * route asks for the token; health-check, the OAuth2 redirect and the callbacks stay open.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { ADMIN, AUTH, PATHS, startEndpoints } from "../_helpers/wechat-endpoints";

const s = startEndpoints();
afterAll(() => s[Symbol.dispose]());

const GUARDED: Array<[string, RequestInit]> = [
  [`${PATHS.wxQr}/?s=svc&t=temp`, {}],
  [`${PATHS.wxUser}/?s=svc&o=o1`, {}],
  [`${PATHS.snsAuth2}/?s=svc&code=c-admin`, {}],
  [`${PATHS.shortUrl}/`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "s=svc&u=https%3A%2F%2Fa.b" }],
  [`${PATHS.tmplMsg}/`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"s":"svc","to":"o","tid":"t","data":{"a":"b"}}' }],
  [`${PATHS.signJsapi}/`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "s=svc&u=https%3A%2F%2Fa.b" }],
  [`${PATHS.order}/?s=shop&o=1`, {}],
  [`${PATHS.refund}/?s=shop&o=1`, {}],
  ["/openapi.json/", {}],
];

async function expect401(res: Response, label: string) {
  expect([label, res.status]).toEqual([label, 401]);
  expect(await res.json()).toEqual({ code: 401, msg: "missing or wrong admin token" });
}

describe("a trailing slash", () => {
  test("still reaches the guarded route, so still needs the token, and calls nobody without it", async () => {
    const before = s.wechat.calls.length;
    for (const [path, init] of GUARDED) {
      for (const authorization of [undefined, "Bearer wrong"]) {
        const headers = { ...(init.headers as Record<string, string>), ...(authorization ? { authorization } : {}) };
        await expect401(await fetch(`${s.gw.url}${path}`, { ...init, headers }), path);
      }
    }
    expect(s.wechat.calls.length).toBe(before);
  });
  test("with the token works as the exact path does", async () => {
    const res = await fetch(`${s.gw.url}${PATHS.wxUser}/?s=svc&o=o1`, { headers: AUTH });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { userInfo: { openid: string } }).userInfo.openid).toBe("o1");
  });
});

describe("a short Host (Elysia reads the path from the 11th character of the URL)", () => {
  test("cannot turn /xx/user into /user without the token", async () => {
    const before = s.wechat.calls.length;
    for (const host of ["a", "ab", "abc"]) {
      for (const path of [`/xx${PATHS.wxUser}?s=svc&o=o1`, `/x${PATHS.wxQr}?s=svc&t=temp`, `/xxx${PATHS.order}?s=shop&o=1`, `/xx/openapi.json`]) {
        const res = await s.gw.handle(new Request(`http://${host}${path}`));
        expect([host, path, res.status]).toEqual([host, path, 404]);
      }
      await expect401(await s.gw.handle(new Request(`http://${host}${PATHS.wxUser}?s=svc&o=o1`)), host);
    }
    expect(s.wechat.calls.length).toBe(before);
  });
  test("reaches the guarded routes on their own paths with the token", async () => {
    for (const host of ["a", "gw", "api", "https-host.example"]) {
      const res = await s.gw.handle(new Request(`http://${host}${PATHS.wxUser}?s=svc&o=o1`, { headers: AUTH }));
      expect([host, res.status]).toEqual([host, 200]);
    }
    const https = await s.gw.handle(new Request(`https://gw${PATHS.wxApi}/cgi-bin/user/info?s=svc&openid=o2`, { headers: AUTH }));
    expect(https.status).toBe(200);
    expect(((await https.json()) as { openid: string }).openid).toBe("o2");
  });
});

describe("what stays open", () => {
  test("health-check, with or without a trailing slash, under any Host", async () => {
    for (const url of [`${s.gw.url}/health`, `${s.gw.url}/health/`, "http://a/health", "http://gw/health/", "https://api/health"]) {
      const res = url.startsWith(s.gw.url) ? await fetch(url) : await s.gw.handle(new Request(url));
      expect([url, res.status, await res.text()]).toEqual([url, 200, "OK\n"]);
    }
  });
  test("the WeChat callback URL check needs no admin token", async () => {
    const res = await s.gw.handle(new Request("http://gw/wx/?signature=x&timestamp=1&nonce=n&echostr=e"));
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ code: 401, msg: "signature mismatch" });
  });
});

describe("authorisation comes first", () => {
  test("without the token, bad parameters and a malformed body are 401, not 400", async () => {
    const cases: Array<[string, RequestInit]> = [
      [`${PATHS.wxQr}?t=later`, {}],
      [PATHS.tmplMsg, { method: "POST", headers: { "content-type": "application/json" }, body: "{not json" }],
      [PATHS.shortUrl, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "%zz" }],
      [`${PATHS.wxApi}/cgi-bin/a%20b?s=svc`, {}],
    ];
    for (const [path, init] of cases) await expect401(await fetch(`${s.gw.url}${path}`, init), path);
    const authed = await fetch(`${s.gw.url}${PATHS.tmplMsg}`, { method: "POST", headers: { ...AUTH, "content-type": "application/json" }, body: "{not json" });
    expect(authed.status).toBe(400);
  });
  test("the token is compared whole: a prefix, a longer value or another scheme is refused", async () => {
    for (const authorization of [`Bearer ${ADMIN.slice(0, -1)}`, `Bearer ${ADMIN}x`, `Basic ${ADMIN}`, ADMIN, "Bearer"]) {
      await expect401(await fetch(`${s.gw.url}${PATHS.wxUser}?s=svc&o=o1`, { headers: { authorization } }), authorization);
    }
  });
});
