/**
 * @module test/http/userinfo-under-load
 * Issue 16 defect 7: the userInfo lookup runs outside the backend slot (`workerNum` bounds backend
 * calls only), its share of the reply deadline holds however many messages wait, and lookups for
 * the same openId at the same time share one user/info request.
 */
import { describe, expect, test } from "bun:test";
import { makeConfig } from "../_helpers/config";
import { startFakeBackend } from "../_helpers/fake-backend";
import { startFakeWechat } from "../_helpers/fake-wechat";
import { startWiredGateway } from "../_helpers/gateway";
import { plainCallback, textXml } from "../_helpers/wechat";

/** user/info never answers while the test runs */
function setup(workerNum: number) {
  const wechat = startFakeWechat();
  const backend = startFakeBackend();
  backend.on("*", (body) => ({ json: { type: "text", msg: `backend got ${body.Content}` } }));
  wechat.on("/cgi-bin/user/info", () => new Promise(() => {}));
  const config = makeConfig(
    { "msg-proxy-pass": backend.url, workerNum, "reply-timeout-ms": 1000 },
    { "wx-api-base": wechat.url, "dont-append-userinfo": false },
  );
  const gw = startWiredGateway(config);
  return {
    wechat,
    backend,
    send: (content: string, openId: string) => fetch(plainCallback(gw.url, "/wx", textXml(content, undefined, openId))).then((r) => r.text()),
    [Symbol.dispose]() {
      gw.stop();
      backend.stop();
      wechat.stop();
    },
  };
}

describe("userInfo lookups do not hold the backend slot", () => {
  test("user/info never answers, workerNum 1: every message still gets its backend reply", async () => {
    using s = setup(1);
    const n = 8;
    const replies = await Promise.all(Array.from({ length: n }, (_, i) => s.send(`m${i}`, `oUser${i}`)));
    for (let i = 0; i < n; i++) expect(replies[i]).toContain(`backend got m${i}`);
    expect(s.backend.received.length).toBe(n);
    for (const r of s.backend.received) {
      expect(r.body.userInfo).toBeNull();
      expect(String(r.body.userInfoError)).toContain("exceeded");
    }
    expect(s.backend.maxConcurrent).toBe(1);
  });

  test("messages from one openId while its lookup is pending share that one user/info request", async () => {
    using s = setup(5);
    const replies = await Promise.all(Array.from({ length: 5 }, (_, i) => s.send(`same${i}`, "oSame")));
    for (let i = 0; i < 5; i++) expect(replies[i]).toContain(`backend got same${i}`);
    expect(s.wechat.callsTo("/cgi-bin/user/info").length).toBe(1);
    for (const r of s.backend.received) expect(String(r.body.userInfoError)).toContain("exceeded");
  });
});
