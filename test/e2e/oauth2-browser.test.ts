/**
 * The OAuth2 web authorization end to end in a real headless Chromium (Debian's chromium, driven by
 * playwright-core): a fake "authorize" page redirects to the gateway's redirect-path with a code, the
 * gateway forwards to a backend that sets two cookies and redirects to a landing page; the browser
 * must end there with both cookies, and the backend must have received the browser's own cookies
 * and the right JSON.
 *
 * Without chromium the test is skipped with a message, unless CI is set: then it fails
 * (.ci/run installs chromium).
 */
import { expect, test } from "bun:test";
import { describeBrowser, useBrowser } from "../_helpers/browser";
import { APP_ID, makeConfig } from "../_helpers/config";
import { startFakeWechat } from "../_helpers/fake-wechat";
import { startWiredGateway } from "../_helpers/gateway";

interface Seen {
  readonly headers: Headers;
  readonly body: Record<string, unknown>;
}

function startScene() {
  const backendSeen: Seen[] = [];
  const landingCookies: string[] = [];
  const codes: string[] = [];
  // pages stands in for open.weixin.qq.com (authorize) and serves the landing page
  const pages = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch(req) {
      const url = new URL(req.url);
      if (url.pathname === "/connect/oauth2/authorize") {
        const code = `browsercode${codes.length + 1}`;
        codes.push(code);
        const target = new URL(url.searchParams.get("redirect_uri")!);
        target.searchParams.set("code", code);
        target.searchParams.set("state", url.searchParams.get("state") ?? "");
        return Response.redirect(target.toString(), 302);
      }
      if (url.pathname === "/landing") {
        landingCookies.push(req.headers.get("cookie") ?? "");
        return new Response("<!doctype html><title>landing</title><h1 id=done>landed</h1>", { headers: { "content-type": "text/html; charset=utf-8" } });
      }
      return new Response("not here", { status: 404 });
    },
  });
  const backend = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req) {
      backendSeen.push({ headers: req.headers, body: (await req.json()) as Record<string, unknown> });
      const headers = new Headers({ location: `http://127.0.0.1:${pages.port}/landing` });
      headers.append("set-cookie", "session=s-123; Path=/; HttpOnly");
      headers.append("set-cookie", "uid=u-456; Path=/; Max-Age=600");
      return new Response(null, { status: 302, headers });
    },
  });
  const wechat = startFakeWechat();
  const gw = startWiredGateway(
    makeConfig(
      { "listen-endpoints": { "service-path": "/wx", "redirect-path": "/oauth/redirect" }, "redirect-url": `http://127.0.0.1:${backend.port}/menu` },
      { "wx-api-base": wechat.url, "admin-token": "adm" },
    ),
  );
  return {
    backendSeen,
    landingCookies,
    codes,
    pages,
    gw,
    stop() {
      gw.stop();
      wechat.stop();
      backend.stop(true);
      pages.stop(true);
    },
  };
}

describeBrowser("OAuth2 in a real browser", () => {
  const suite = useBrowser(startScene);

  test("menu link → authorize → gateway → backend sets two cookies → landing page", async () => {
    const context = await suite.browser.newContext();
    await context.addCookies([
      { name: "sid", value: "abc", domain: "127.0.0.1", path: "/" },
      { name: "lang", value: "zh_CN", domain: "127.0.0.1", path: "/" },
    ]);
    const page = await context.newPage();
    const { pages, gw, codes, backendSeen, landingCookies } = suite.scene;
    const redirectUri = encodeURIComponent(`${gw.url}/oauth/redirect`);
    // the authorize URL exactly as it goes into a menu (docs/endpoints.md)
    await page.goto(
      `http://127.0.0.1:${pages.port}/connect/oauth2/authorize?appid=${APP_ID}&redirect_uri=${redirectUri}&response_type=code&scope=snsapi_base&state=menu1#wechat_redirect`,
    );

    // a redirect without a fragment keeps the previous one (RFC 9110 §10.2.2), hence #wechat_redirect here
    const landed = new URL(page.url());
    expect(landed.origin + landed.pathname).toBe(`http://127.0.0.1:${pages.port}/landing`);
    expect(await page.textContent("#done")).toBe("landed");
    const cookies = Object.fromEntries((await context.cookies()).map((c) => [c.name, c.value]));
    expect(cookies).toMatchObject({ sid: "abc", lang: "zh_CN", session: "s-123", uid: "u-456" });
    expect(landingCookies.at(-1)).toContain("session=s-123");
    expect(landingCookies.at(-1)).toContain("uid=u-456");

    expect(codes.length).toBe(1);
    expect(backendSeen.length).toBe(1);
    const seen = backendSeen[0]!;
    expect(seen.body).toEqual({
      requestURI: `/oauth/redirect?code=${codes[0]}&state=menu1`,
      appId: APP_ID,
      openId: `openid-${codes[0]}`,
      state: "menu1",
      userInfo: expect.objectContaining({ openid: `openid-${codes[0]}`, subscribe: 1 }),
      userInfoError: "",
    });
    expect(seen.headers.get("cookie")).toBe("sid=abc; lang=zh_CN");
    expect(seen.headers.get("user-agent")).toContain("Chrome");
    expect(seen.headers.get("content-type")).toBe("application/json; charset=utf-8");
    await context.close();
  }, 30_000);
});
