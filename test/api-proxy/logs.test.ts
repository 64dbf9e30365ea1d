import { afterAll, expect, test } from "bun:test";
import { APP_ID, proxyConfig, proxyTokenOf, SECRET, startProxyGateway, tokenQuery } from "../_helpers/api-proxy";
import { startFakeWechat } from "../_helpers/fake-wechat";
import { rawGet, rawRequest } from "../_helpers/raw-http";

const wechat = startFakeWechat({ apps: { [APP_ID]: SECRET } });
afterAll(() => wechat.stop());

test("at trace level no log line shows a token, a proxy token, a ticket or a secret, whatever happens", async () => {
  using proxy = startProxyGateway(proxyConfig(wechat.url, {}, { "max-body-bytes": 1024 }));
  const token = await proxyTokenOf(proxy);
  const stable = { grant_type: "client_credential", appid: APP_ID, secret: SECRET, force_refresh: true };
  await fetch(`${proxy.url}/cgi-bin/stable_token`, { method: "POST", body: JSON.stringify(stable) });
  await fetch(`${proxy.url}/cgi-bin/token?${tokenQuery(APP_ID, "bad-s3cret-value")}`);
  await fetch(`${proxy.url}/cgi-bin/user/info?openid=o&access_token=${token}`);
  wechat.failNext("/cgi-bin/user/info", { errcode: 40001, errmsg: "invalid credential" });
  await fetch(`${proxy.url}/cgi-bin/user/info?openid=o&access_token=${token}`);
  wechat.failNext("/cgi-bin/media/upload", { errcode: 42001, errmsg: "access_token expired" });
  await fetch(`${proxy.url}/cgi-bin/media/upload?type=image&access_token=${token}`, { method: "POST", body: new Uint8Array(4096) });
  await fetch(`${proxy.url}/cgi-bin/ticket/getticket?type=jsapi&access_token=${token}`);
  await fetch(`${proxy.url}/cgi-bin/user/info?access_token=wxgw_${"B".repeat(47)}`);
  await rawRequest(proxy.port, rawGet(`//evil/x?access_token=${token}`, "x"));
  await fetch(`${proxy.url}/cgi-bin/user/info?openid=o&access_token=caller-own-secret-token`);

  const lines = proxy.logs();
  const text = lines.join("\n");
  // the flows above did log (the check below is not vacuous)
  for (const said of [
    "issued a proxy token",
    "force_refresh ignored",
    "token request refused",
    "renewing it and retrying once",
    "too large to keep",
    "unknown or expired proxy token",
    "request refused",
  ]) {
    expect(text).toContain(said);
  }
  const realTokens = new Set(wechat.calls.map((c) => c.query.access_token).filter((t): t is string => Boolean(t)));
  expect(realTokens.size).toBeGreaterThan(0);
  for (const secret of [SECRET, "bad-s3cret-value", token, "wxgw_", "AT_", "TICKET_", "caller-own-secret-token", ...realTokens]) {
    expect(text).not.toContain(secret);
  }
});
