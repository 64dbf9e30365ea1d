/**
 * The upstream is fixed: whatever a request's target, Host or query says, the proxy talks to
 * wx-api-base and nothing else. A second server plays "another host" and must receive nothing.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { APP_ID, proxyConfig, proxyTokenOf, SECRET, startProxyGateway } from "../_helpers/api-proxy";
import { startFakeWechat } from "../_helpers/fake-wechat";
import { rawGet, rawRequest } from "../_helpers/raw-http";

const wechat = startFakeWechat({ apps: { [APP_ID]: SECRET } });
let otherHits = 0;
const other = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => (otherHits++, new Response("other host")) });
afterAll(() => {
  wechat.stop();
  void other.stop(true);
});

const evil = `127.0.0.1:${other.port}`;

describe("SSRF: the proxy reaches wx-api-base and nothing else", () => {
  test("targets, Host headers and queries that name another host never reach it", async () => {
    using proxy = startProxyGateway(proxyConfig(wechat.url));
    const token = await proxyTokenOf(proxy);
    const here = `127.0.0.1:${proxy.port}`;
    const attempts: Array<[string, string]> = [];
    for (const t of [`access_token=${token}`, "access_token=caller-own", ""]) {
      attempts.push(
        [`http://${evil}/cgi-bin/user/info?openid=o&${t}`, here], // absolute-form
        [`http://${evil}/cgi-bin/user/info?openid=o&${t}`, evil],
        [`//${evil}/cgi-bin/user/info?${t}`, here],
        [`///${evil}/cgi-bin/user/info?${t}`, here],
        [`/@${evil}/cgi-bin/user/info?${t}`, here],
        [`/cgi-bin@${evil}/user/info?${t}`, here],
        [`/%2F%2F${evil}/cgi-bin/user/info?${t}`, here],
        [`/%2f%2f${evil}%2fcgi-bin?${t}`, here],
        [`/..//${evil}/cgi-bin/user/info?${t}`, here],
        [`/cgi-bin/../..//${evil}/x?${t}`, here],
        [`/%2e%2e/%2e%2e//${evil}/x?${t}`, here],
        [`/\\\\${evil}/x?${t}`, here],
        [`/cgi-bin/user/info?openid=o&${t}`, evil], // a Host naming the other host
        [`/cgi-bin/user/info?openid=o&url=http://${evil}/&${t}`, here],
        [`http://user:pw@${evil}/cgi-bin/user/info?${t}`, here],
      );
    }
    for (const [target, host] of attempts) {
      const res = await rawRequest(proxy.port, rawGet(target, host));
      // refused (400) or answered by the fake WeChat; never a 5xx, never the other host's answer
      expect(res.status === 400 || res.status === 200, `${target} → ${res.status}`).toBe(true);
      expect(res.text).not.toContain("other host");
    }
    expect(otherHits).toBe(0);
  });

  test("a refused path is refused before any token is looked at: nothing is sent upstream", async () => {
    using proxy = startProxyGateway(proxyConfig(wechat.url));
    const token = await proxyTokenOf(proxy);
    const calls = wechat.calls.length;
    const res = await rawRequest(proxy.port, rawGet(`//${evil}/x?access_token=${token}`, "x"));
    expect(res.status).toBe(400);
    expect(res.text).toContain('"errcode":40097');
    expect(wechat.calls.length).toBe(calls);
  });
});
