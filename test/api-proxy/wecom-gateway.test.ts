/**
 * The API proxy of a gateway built as `serve` builds it, for WeCom apps: the proxy token an SDK gets from
 * `gettoken` stands for the app's real token from the gateway's token center, which asked WeCom's
 * `gettoken` at `wecom-api-base` with that app's Secret — two apps of one corp, two tokens.
 */
import { afterAll, expect, test } from "bun:test";
import { proxyConfig, startProxyGateway } from "../_helpers/api-proxy";
import { AES_KEY, rawService, TOKEN } from "../_helpers/config";
import { startFakeWechat } from "../_helpers/fake-wechat";
import { wecomTokenHolder } from "../_helpers/fake-wecom-routes";
import { CORP_ID } from "../_helpers/surfaces";

const wechat = startFakeWechat();
const wecom = startFakeWechat();
const app = (name: string, agentId: string, secret: string) =>
  rawService(name, `/${name}`, {
    kind: "wecom",
    "wx-params": { token: TOKEN, "aes-key": AES_KEY, "corp-id": CORP_ID, "agent-id": agentId, "app-secret": secret },
  });
const proxy = startProxyGateway(
  proxyConfig(wechat.url, { "wecom-api-base": wecom.url, services: [app("sales", "1000002", "sales_secret"), app("hr", "1000003", "hr_secret")] }),
);
afterAll(() => {
  proxy.stop();
  wechat.stop();
  wecom.stop();
});

const json = async (res: Response) => (await res.json()) as Record<string, unknown>;

test("gettoken per app through the proxy; a call with the proxy token reaches WeCom with that app's real token", async () => {
  const tokenOf = async (secret: string) => json(await fetch(`${proxy.url}/cgi-bin/gettoken?corpid=${CORP_ID}&corpsecret=${secret}`));
  const [sales, hr] = [await tokenOf("sales_secret"), await tokenOf("hr_secret")];
  expect(sales).toMatchObject({ errcode: 0, errmsg: "ok", expires_in: expect.any(Number) });
  expect(String(sales.access_token)).toStartWith("wxgw_");
  expect(
    wecom
      .callsTo("/cgi-bin/gettoken")
      .map((c) => c.query.corpsecret)
      .sort(),
  ).toEqual(["hr_secret", "sales_secret"]);
  const realOf = (secret: string) => wecom.validTokens(wecomTokenHolder(CORP_ID, secret))[0]!;

  expect(await json(await fetch(`${proxy.url}/cgi-bin/user/get?userid=zhangsan&access_token=${hr.access_token}`))).toMatchObject({
    errcode: 0,
    userid: "zhangsan",
  });
  expect(wecom.callsTo("/cgi-bin/user/get").at(-1)!.query.access_token).toBe(realOf("hr_secret"));
  await fetch(`${proxy.url}/cgi-bin/user/get?userid=lisi&access_token=${sales.access_token}`);
  expect(wecom.callsTo("/cgi-bin/user/get").at(-1)!.query.access_token).toBe(realOf("sales_secret"));
  expect(wechat.calls).toEqual([]);
  expect(proxy.logs().join("\n")).not.toContain("sales_secret");
});
