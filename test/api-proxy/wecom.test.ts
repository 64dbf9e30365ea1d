/**
 * WeCom apps through the proxy: `GET /cgi-bin/gettoken?corpid&corpsecret` answered by a token center
 * that fetches WeCom tokens from `wecom-api-base`, WeCom's own error JSON, and calls forwarded to
 * `wecom-api-base` with the real token. The token manager here gets a fetcher for WeCom's gettoken of
 * its own, to test the proxy alone; test/api-proxy/wecom-gateway.test.ts runs the gateway's.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { createApiProxy } from "../../src/api-proxy/index";
import { startApiProxyServer } from "../../src/api-proxy/server";
import { createMemoryLogger } from "../../src/obs/log";
import { createMemoryTokenStore } from "../../src/store/memory-store";
import { systemClock } from "../../src/util/clock";
import { createTokenManager } from "../../src/wxapi/token-manager";
import { AES_KEY, makeConfig, rawService } from "../_helpers/config";
import { startFakeWechat } from "../_helpers/fake-wechat";

const CORP_ID = "ww0123456789abcdef";
const CORP_SECRET = "wecom_app_secret";
const wechat = startFakeWechat();
const wecom = startFakeWechat();
afterAll(() => {
  wechat.stop();
  wecom.stop();
});
let issued = 0;
wecom.on("/cgi-bin/gettoken", (call) =>
  call.query.corpid === CORP_ID && call.query.corpsecret === CORP_SECRET
    ? { json: { errcode: 0, errmsg: "ok", access_token: `WECOM_${++issued}`, expires_in: 7200 } }
    : { json: { errcode: 40001, errmsg: "invalid secret" } },
);
wecom.on("/cgi-bin/user/get", (call) =>
  call.query.access_token === `WECOM_${issued}`
    ? { json: { errcode: 0, errmsg: "ok", userid: call.query.userid } }
    : { json: { errcode: 40014, errmsg: "invalid access_token" } },
);

function startWecomProxy() {
  const config = makeConfig(
    {},
    {
      services: [
        rawService("oa", "/oa"),
        rawService("app", "/app", {
          kind: "wecom",
          "wx-params": { token: "t", "corp-id": CORP_ID, "app-secret": CORP_SECRET, "aes-key": AES_KEY, "agent-id": 1000002 },
        }),
      ],
    },
  );
  const { log, lines } = createMemoryLogger("trace");
  const store = createMemoryTokenStore();
  const tokens = createTokenManager({
    store,
    log,
    fetchToken: async (svc) => {
      const res = await fetch(`${wecom.url}/cgi-bin/gettoken?corpid=${svc.corpId}&corpsecret=${svc.appSecret}`);
      const body = (await res.json()) as { access_token: string; expires_in: number };
      return { value: body.access_token, expiresIn: body.expires_in };
    },
    fetchTicket: () => Promise.reject(new Error("no tickets here")),
  });
  const proxy = createApiProxy({ config: { ...config, wecomApiBase: wecom.url }, tokens, store, clock: systemClock, log });
  const server = startApiProxyServer(proxy, { host: "127.0.0.1", port: 0 });
  return { url: `http://127.0.0.1:${server.port}`, logs: lines, [Symbol.dispose]: () => void server.stop(true) };
}

const json = async (res: Response) => (await res.json()) as Record<string, unknown>;

describe("WeCom apps", () => {
  test("gettoken answers WeCom's shape with a proxy token; calls go to wecom-api-base with the real token", async () => {
    using proxy = startWecomProxy();
    const answer = await json(await fetch(`${proxy.url}/cgi-bin/gettoken?corpid=${CORP_ID}&corpsecret=${CORP_SECRET}`));
    expect(answer).toMatchObject({ errcode: 0, errmsg: "ok", expires_in: 7200 });
    expect(answer.access_token).toStartWith("wxgw_");
    const user = await json(await fetch(`${proxy.url}/cgi-bin/user/get?userid=zhangsan&access_token=${answer.access_token}`));
    expect(user).toEqual({ errcode: 0, errmsg: "ok", userid: "zhangsan" });
    expect(wecom.callsTo("/cgi-bin/user/get").at(-1)!.query.access_token).toBe(`WECOM_${issued}`);
    expect(wechat.calls.length).toBe(0);
  });

  test("WeCom's errors for an unknown corp-id (40013) or a wrong secret (40001), nothing sent; a WeChat app-id is no corp-id", async () => {
    using proxy = startWecomProxy();
    const calls = wecom.calls.length;
    expect((await json(await fetch(`${proxy.url}/cgi-bin/gettoken?corpid=ww_other&corpsecret=${CORP_SECRET}`))).errcode).toBe(40013);
    expect((await json(await fetch(`${proxy.url}/cgi-bin/gettoken?corpid=${CORP_ID}&corpsecret=nope`))).errcode).toBe(40001);
    expect((await json(await fetch(`${proxy.url}/cgi-bin/gettoken?corpid=wx1234567890abcdef&corpsecret=secret_value`))).errcode).toBe(40013);
    expect((await json(await fetch(`${proxy.url}/cgi-bin/gettoken?corpsecret=${CORP_SECRET}`))).errcode).toBe(41002);
    expect(wecom.calls.length).toBe(calls);
    // and a corp-id is no app-id for WeChat's token API
    expect((await json(await fetch(`${proxy.url}/cgi-bin/token?grant_type=client_credential&appid=${CORP_ID}&secret=${CORP_SECRET}`))).errcode).toBe(40013);
  });

  test("40014 from WeCom for the injected token → renewed once and retried", async () => {
    using proxy = startWecomProxy();
    const { access_token } = await json(await fetch(`${proxy.url}/cgi-bin/gettoken?corpid=${CORP_ID}&corpsecret=${CORP_SECRET}`));
    const before = issued;
    wecom.failNext("/cgi-bin/user/get", { errcode: 40014, errmsg: "invalid access_token" });
    const user = await json(await fetch(`${proxy.url}/cgi-bin/user/get?userid=lisi&access_token=${access_token}`));
    expect(user.userid).toBe("lisi");
    expect(issued).toBe(before + 1);
  });
});
