import { afterAll, describe, expect, test } from "bun:test";
import { APP_ID, counterLines, proxyConfig, proxyTokenOf, SECRET, startProxyGateway, tokenQuery } from "../_helpers/api-proxy";
import { fakeTimerClock } from "../_helpers/fake-timers";
import { startFakeWechat } from "../_helpers/fake-wechat";

const wechat = startFakeWechat({ apps: { [APP_ID]: SECRET } });
afterAll(() => wechat.stop());

const json = async (res: Response) => ({ status: res.status, body: (await res.json()) as Record<string, unknown> });
const stablePost = (url: string, body: unknown) =>
  fetch(`${url}/cgi-bin/stable_token`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });

describe("GET /cgi-bin/token and POST /cgi-bin/stable_token", () => {
  test("answer WeChat's shape with a proxy token, never the real one", async () => {
    using proxy = startProxyGateway(proxyConfig(wechat.url));
    const classic = await json(await fetch(`${proxy.url}/cgi-bin/token?${tokenQuery()}`));
    const stable = await json(await stablePost(proxy.url, { grant_type: "client_credential", appid: APP_ID, secret: SECRET }));
    for (const { status, body } of [classic, stable]) {
      expect(status).toBe(200);
      expect(Object.keys(body).sort()).toEqual(["access_token", "expires_in"]);
      expect(body.expires_in).toBe(7200);
      expect(body.access_token).toStartWith("wxgw_");
      expect(wechat.validTokens(APP_ID)).not.toContain(body.access_token as string);
    }
  });

  test("with a trailing slash it is still a token request: answered here, never forwarded (WeChat would hand out a real token)", async () => {
    using proxy = startProxyGateway(proxyConfig(wechat.url));
    const calls = wechat.callsTo("/cgi-bin/token/").length;
    const { body } = await json(await fetch(`${proxy.url}/cgi-bin/token/?${tokenQuery()}`));
    expect(body.access_token).toStartWith("wxgw_");
    expect(wechat.callsTo("/cgi-bin/token/").length).toBe(calls);
  });

  test("stable_token's force_refresh:true is never passed on", async () => {
    using proxy = startProxyGateway(proxyConfig(wechat.url));
    const before = wechat.callsTo("/cgi-bin/stable_token").length;
    for (let i = 0; i < 3; i++) {
      const { body } = await json(await stablePost(proxy.url, { grant_type: "client_credential", appid: APP_ID, secret: SECRET, force_refresh: true }));
      expect(body.access_token).toStartWith("wxgw_");
    }
    const upstream = wechat.callsTo("/cgi-bin/stable_token").slice(before);
    expect(upstream.length).toBe(1);
    expect((upstream[0]!.body as Record<string, unknown>).force_refresh).toBe(false);
    expect(proxy.logs().some((l) => l.includes("force_refresh ignored"))).toBe(true);
  });

  const refused: Array<[string, string, number]> = [
    ["wrong secret", tokenQuery(APP_ID, "not-the-secret"), 40125],
    ["unknown app-id", tokenQuery("wx0000000000000000", SECRET), 40013],
    ["unknown app-id with the right secret of another app", tokenQuery("wx0000000000000000", "not-the-secret"), 40013],
    ["no secret", `grant_type=client_credential&appid=${APP_ID}`, 41004],
    ["no app-id", `grant_type=client_credential&secret=${SECRET}`, 41002],
    ["wrong grant_type", `grant_type=password&appid=${APP_ID}&secret=${SECRET}`, 40002],
  ];
  for (const [name, query, errcode] of refused) {
    test(`${name} → WeChat's ${errcode} JSON and no upstream call`, async () => {
      using proxy = startProxyGateway(proxyConfig(wechat.url));
      const calls = wechat.calls.length;
      const { status, body } = await json(await fetch(`${proxy.url}/cgi-bin/token?${query}`));
      expect(status).toBe(200);
      expect(body.errcode).toBe(errcode);
      expect(body.errmsg).toBeString();
      expect(body.access_token).toBeUndefined();
      expect(wechat.calls.length).toBe(calls);
    });
  }

  test("stable_token refuses the same way, and a body that is no JSON object gets 47001; GET gets 43002", async () => {
    using proxy = startProxyGateway(proxyConfig(wechat.url));
    const calls = wechat.calls.length;
    expect((await json(await stablePost(proxy.url, { grant_type: "client_credential", appid: APP_ID, secret: "nope" }))).body.errcode).toBe(40125);
    expect((await json(await stablePost(proxy.url, "not json"))).body.errcode).toBe(47001);
    expect((await json(await stablePost(proxy.url, "[1]"))).body.errcode).toBe(47001);
    expect((await json(await stablePost(proxy.url, "x".repeat(5000)))).body.errcode).toBe(47001);
    expect((await json(await fetch(`${proxy.url}/cgi-bin/stable_token`))).body.errcode).toBe(43002);
    expect(wechat.calls.length).toBe(calls);
  });

  test("WeChat's refusal of the gateway's own token fetch reaches the SDK as WeChat said it (e.g. 40164, IP not on the allowlist)", async () => {
    using proxy = startProxyGateway(proxyConfig(wechat.url));
    wechat.failNext("/cgi-bin/stable_token", { errcode: 40164, errmsg: "invalid ip 1.2.3.4, not in whitelist" });
    const { body } = await json(await fetch(`${proxy.url}/cgi-bin/token?${tokenQuery()}`));
    expect(body).toEqual({ errcode: 40164, errmsg: "invalid ip 1.2.3.4, not in whitelist" });
  });

  test("three SDK clients in parallel asking for tokens and calling APIs → one real token fetch, and none of them sees it", async () => {
    using proxy = startProxyGateway(proxyConfig(wechat.url));
    const fetches = wechat.tokenFetches;
    const client = async (i: number) => {
      const token = await proxyTokenOf(proxy);
      const res = await fetch(`${proxy.url}/cgi-bin/user/info?openid=o-${i}&access_token=${token}`);
      return { token, body: (await res.json()) as Record<string, unknown> };
    };
    const results = await Promise.all([client(1), client(2), client(3)]);
    expect(wechat.tokenFetches - fetches).toBe(1);
    const real = wechat.validTokens(APP_ID);
    for (const [i, r] of results.entries()) {
      expect(r.body.openid).toBe(`o-${i + 1}`);
      expect(real).not.toContain(r.token);
      expect(JSON.stringify(r.body)).not.toContain("AT_");
    }
    // WeChat saw only the real token
    for (const call of wechat.callsTo("/cgi-bin/user/info").slice(-3)) expect(real).toContain(call.query.access_token!);
  });

  test("a proxy token from instance A works on instance B (same config, no shared store)", async () => {
    using a = startProxyGateway(proxyConfig(wechat.url));
    using b = startProxyGateway(proxyConfig(wechat.url));
    const token = await proxyTokenOf(a);
    const res = await json(await fetch(`${b.url}/cgi-bin/user/info?openid=o-b&access_token=${token}`));
    expect(res.body.openid).toBe("o-b");
  });

  test("a proxy token stays valid for its expires_in across renewals of the real token, then gets 40001 without a forward", async () => {
    const clock = fakeTimerClock();
    using proxy = startProxyGateway(proxyConfig(wechat.url), { clock });
    const token = await proxyTokenOf(proxy);
    const first = wechat.callsTo("/cgi-bin/user/info").length;
    clock.advance(7100 * 1000); // the real token is renewed behind it (5 min ahead of its expiry)
    const fetches = wechat.tokenFetches;
    expect((await json(await fetch(`${proxy.url}/cgi-bin/user/info?openid=o-1&access_token=${token}`))).body.openid).toBe("o-1");
    expect(wechat.tokenFetches).toBe(fetches + 1);
    clock.advance(100 * 1000);
    const expired = await json(await fetch(`${proxy.url}/cgi-bin/user/info?openid=o-2&access_token=${token}`));
    expect(expired.body.errcode).toBe(40001);
    expect(wechat.callsTo("/cgi-bin/user/info").length).toBe(first + 1);
  });

  test("an unknown proxy token gets 40001 and is not forwarded", async () => {
    using proxy = startProxyGateway(proxyConfig(wechat.url));
    const calls = wechat.calls.length;
    const res = await json(await fetch(`${proxy.url}/cgi-bin/user/info?openid=o&access_token=wxgw_${"A".repeat(47)}`));
    expect(res).toEqual({ status: 200, body: { errcode: 40001, errmsg: expect.stringContaining("invalid credential") } });
    expect(wechat.calls.length).toBe(calls);
    expect(await counterLines(proxy.metrics, "wxgw_api_proxy_calls_total")).toContain(
      'wxgw_api_proxy_calls_total{path="/cgi-bin/user/info",errcode="40001"} 1',
    );
  });
});

describe("GET /cgi-bin/ticket/getticket", () => {
  test("type=jsapi with a proxy token is answered from the ticket cache: one upstream fetch for many SDK calls", async () => {
    using proxy = startProxyGateway(proxyConfig(wechat.url));
    const token = await proxyTokenOf(proxy);
    const fetches = wechat.ticketFetches;
    const answers = await Promise.all([1, 2, 3].map(async () => json(await fetch(`${proxy.url}/cgi-bin/ticket/getticket?access_token=${token}&type=jsapi`))));
    expect(wechat.ticketFetches).toBe(fetches + 1);
    for (const { body } of answers) {
      expect(body.errcode).toBe(0);
      expect(body.ticket).toBe(answers[0]!.body.ticket);
      expect(body.expires_in as number).toBeGreaterThan(7000);
    }
    // the ticket's getticket call carried the real token
    expect(wechat.validTokens(APP_ID)).toContain(wechat.callsTo("/cgi-bin/ticket/getticket").at(-1)!.query.access_token!);
  });

  test("other ticket types are forwarded with the real token", async () => {
    using proxy = startProxyGateway(proxyConfig(wechat.url));
    const token = await proxyTokenOf(proxy);
    const { body } = await json(await fetch(`${proxy.url}/cgi-bin/ticket/getticket?access_token=${token}&type=wx_card`));
    expect(body.errcode).toBe(0);
    const call = wechat.callsTo("/cgi-bin/ticket/getticket").at(-1)!;
    expect(call.query.type).toBe("wx_card");
    expect(wechat.validTokens(APP_ID)).toContain(call.query.access_token!);
  });
});
