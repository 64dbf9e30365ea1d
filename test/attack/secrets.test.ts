/**
 * @module test/attack/secrets
 * Secrets never reach a log line, an error message or a response body (SPEC §1, issue 16), against
 * the compiled executable at LOG_LEVEL trace, debug and info. The config carries distinctive values
 * for every secret — token, app-secret, aes-key, admin-token, credentials in msg-proxy-pass,
 * redirect-url, wx-api-base and the Redis URL — and the gateway is driven through check-config (good
 * and bad files), start-up, callbacks that fail in every way, the OAuth2 redirect, and WeChat API
 * calls that fail; then neither a secret nor an access token, ticket or OAuth code may appear.
 */
import { describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { compiledBinary, freePort, scratchDir, startBinary } from "../_helpers/binary";
import { APP_ID, rawConfig, rawService } from "../_helpers/config";
import { startFakeBackend } from "../_helpers/fake-backend";
import { startFakeWechat } from "../_helpers/fake-wechat";
import { aesCallback, aesQuery, eventXml, plainCallback, signedQuery, textXml } from "../_helpers/wechat";

const S = {
  token: "TOKENs3cr3tQ1",
  appSecret: "APPSECRETs3cr3tQ2",
  aesKey: "AESKEYs3cr3tQ3abcdefghijklmnopqrstuvwxyz012",
  adminToken: "ADMINs3cr3tQ4",
  proxyUser: "PROXYUSERq5",
  proxyPass: "PROXYPASSq6",
  redirPass: "REDIRPASSq7",
  wxPass: "WXPASSq8",
  downPass: "DOWNPASSq9",
  redisPass: "REDISPASSq10",
  code: "OAUTHCODEq11",
};
const basic = (user: string, pass: string) => Buffer.from(`${user}:${pass}`).toString("base64");
/** Everything that must never be seen, beside the values WeChat hands out (tokens, tickets). */
const FORBIDDEN = [...Object.values(S), basic(S.proxyUser, S.proxyPass), "REDIRUSERq12", "WXUSERq13"];
/** Access tokens, jsapi tickets, OAuth tokens and refresh tokens as the fake WeChat issues them. */
const ISSUED = /\b(?:AT|TICKET|SNS|RT)_[A-Za-z0-9_]{4,}/;

const AUTH = { authorization: `Bearer ${S.adminToken}` };
const withCreds = (url: string, user: string, pass: string) => url.replace("http://", `http://${user}:${pass}@`);

function leaks(text: string): string[] {
  const found = FORBIDDEN.filter((s) => text.includes(s));
  const issued = ISSUED.exec(text);
  return issued ? [...found, issued[0]] : found;
}

function secretConfig(backendUrl: string, wechatUrl: string, cacheDir: string) {
  const params = { token: S.token, "app-id": APP_ID, "app-secret": S.appSecret };
  return rawConfig(
    {
      "wx-params": { ...params, "aes-key": S.aesKey },
      "msg-proxy-pass": withCreds(backendUrl, S.proxyUser, S.proxyPass),
      "listen-endpoints": { "service-path": "/wx", "redirect-path": "/redirect" },
      "redirect-url": `${withCreds(backendUrl, "REDIRUSERq12", S.redirPass)}/oauth`,
      "reply-timeout-ms": 400,
    },
    {
      "admin-token": S.adminToken,
      "wx-api-base": withCreds(wechatUrl, "WXUSERq13", S.wxPass),
      "token-cache-dir": cacheDir,
      "dont-append-userinfo": false,
      "common-endpoints": {
        "health-check": "/health",
        "wx-user": "/user",
        "sns-auth2": "/sns-auth2",
        "tmpl-msg": "/tmpl-msg",
        "sign-jsapi": "/sign-jsapi",
        "wx-api": "/wx-api",
        metrics: "/metrics",
      },
    },
  );
}

describe("secrets never in logs, error messages or response bodies", () => {
  for (const level of ["trace", "debug", "info"]) {
    test(`LOG_LEVEL=${level}: start-up, failing callbacks, OAuth2, failing WeChat calls`, async () => {
      using backend = startFakeBackend();
      const fake = startFakeWechat({ apps: { [APP_ID]: S.appSecret } });
      const downPort = await freePort(); // nothing listens there: the backend is unreachable
      const raw = secretConfig(backend.url, fake.url, join(scratchDir(), "tokens"));
      raw.services = [
        (raw.services as unknown[])[0],
        rawService("down", "/wx-down", {
          "wx-params": { token: S.token, "app-id": APP_ID, "app-secret": S.appSecret },
          "msg-proxy-pass": `http://DOWNUSER:${S.downPass}@127.0.0.1:${downPort}/be`,
        }),
      ];
      await using gw = await startBinary(raw, { env: { LOG_LEVEL: level } });
      const bodies: Array<{ request: string; body: string }> = [];
      const send = async (req: Request | string, init?: RequestInit) => {
        const res = await fetch(req, init);
        bodies.push({ request: `${res.status} ${req instanceof Request ? req.url : req}`, body: await res.text() });
        return res.status;
      };
      const aes = (xml: string, key = S.aesKey) => aesCallback(gw.base, "/wx", xml, key, APP_ID, { token: S.token });

      // callbacks that fail in every way
      expect(await send(`${gw.base}/wx?${signedQuery({ token: "wrong" })}&echostr=E1`)).toBe(401);
      expect(await send(plainCallback(gw.base, "/wx-down", textXml("bad signature"), signedQuery({ token: "wrong" })))).toBe(401);
      expect(await send(plainCallback(gw.base, "/wx", textXml("plaintext to a safe-mode service"), signedQuery({ token: S.token })))).toBe(401);
      const garbage = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo=";
      const badAes = new Request(`${gw.base}/wx?${aesQuery(garbage, { token: S.token })}`, {
        method: "POST",
        body: `<xml><ToUserName><![CDATA[gh_test]]></ToUserName><Encrypt><![CDATA[${garbage}]]></Encrypt></xml>`,
      });
      expect(await send(badAes)).toBe(400);
      expect(await send(aes(textXml("encrypted with another key"), "ZZZZZZs3cr3tQ3abcdefghijklmnopqrstuvwxyz012"))).toBe(400);
      const forgedSig = aes(textXml("wrong msg_signature"));
      const url = new URL(forgedSig.url);
      url.searchParams.set("msg_signature", "0".repeat(40));
      expect(await send(new Request(url.href, { method: "POST", body: await forgedSig.text() }))).toBe(401);
      backend.on("/msg/text", (b) => (b.Content === "slow" ? { delayMs: 1500, json: { type: "text", msg: "late" } } : { status: 500, json: {} }));
      expect(await send(aes(textXml("slow")))).toBe(200);
      expect(await send(aes(textXml("backend 500")))).toBe(200);
      backend.on("/event/CLICK", { raw: "not json" });
      expect(await send(aes(eventXml("CLICK", { EventKey: "k" })))).toBe(200);
      expect(await send(plainCallback(gw.base, "/wx-down", textXml("backend unreachable"), signedQuery({ token: S.token })))).toBe(200);

      // OAuth2: a good code, the same code again (reused), a code WeChat refuses
      expect(await send(`${gw.base}/redirect?code=${S.code}&state=s1`)).toBe(200);
      expect(await send(`${gw.base}/redirect?code=${S.code}&state=s1`)).toBe(200);
      fake.failNext("/sns/oauth2/access_token", { errcode: 40029, errmsg: "invalid code, rid: 65a1b2c3-0d4e5f6a" });
      expect(await send(`${gw.base}/redirect?code=${S.code}x&state=s2`)).toBe(502);
      fake.failNext("/sns/oauth2/access_token", { errcode: 40163, errmsg: "code been used" });
      expect(await send(`${gw.base}/sns-auth2?s=svc&code=${S.code}y`, { headers: AUTH })).toBe(502);

      // WeChat API calls that fail: a rejected token (renewed), other errors, WeChat unreachable
      fake.revokeTokens(APP_ID);
      expect(await send(`${gw.base}/user?s=svc&o=o1`, { headers: AUTH })).toBe(200);
      fake.failNext("/cgi-bin/user/info", { errcode: 45009, errmsg: "reach max api daily quota limit" });
      expect(await send(`${gw.base}/user?s=svc&o=o2`, { headers: AUTH })).toBe(502);
      fake.failNext("/cgi-bin/ticket/getticket", { errcode: 40001, errmsg: "invalid credential" });
      expect(await send(`${gw.base}/sign-jsapi`, { method: "POST", headers: AUTH, body: new URLSearchParams({ s: "svc", u: "http://a.example/p#x" }) })).toBe(
        200,
      );
      fake.failNext("/cgi-bin/message/template/send", { errcode: 40037, errmsg: "invalid template_id" });
      await send(`${gw.base}/tmpl-msg`, {
        method: "POST",
        headers: { ...AUTH, "content-type": "application/json" },
        body: JSON.stringify({ s: "svc", touser: "o1", template_id: "t", data: {} }),
      });
      fake.failNext("/cgi-bin/message/custom/send", { errcode: 45015, errmsg: "response out of time limit" });
      await send(`${gw.base}/wx-api/cgi-bin/message/custom/send?s=svc&access_token=${S.adminToken}`, { method: "POST", headers: AUTH, body: "{}" });
      expect(await send(`${gw.base}/metrics`, { headers: { authorization: `Bearer ${S.adminToken}x` } })).toBe(401);
      expect(await send(`${gw.base}/metrics`, { headers: AUTH })).toBe(200);
      fake.stop();
      expect(await send(`${gw.base}/user?s=svc&o=o3`, { headers: AUTH })).toBe(502);
      expect(await send(`${gw.base}/wx-api/cgi-bin/menu/get?s=svc`, { headers: AUTH })).toBe(502);

      expect(await gw.stop("SIGTERM")).toBe(0);
      const output = gw.output();
      if (process.env.SHOW_LOG) console.log(output);
      expect(output).toContain("listening"); // the start-up line is there, and checked
      if (level !== "info") expect(output).toContain('"level":"debug"');
      expect(leaks(output)).toEqual([]);
      for (const { request, body } of bodies) expect({ request, leaks: leaks(body) }).toEqual({ request, leaks: [] });
      // the code and the tokens did reach WeChat and the backend: the checks above are not vacuous
      expect(fake.callsTo("/sns/oauth2/access_token").some((c) => c.query.code === S.code)).toBe(true);
      expect(backend.received.some((r) => r.headers.get("authorization") === `Basic ${basic(S.proxyUser, S.proxyPass)}`)).toBe(true);
    }, 60_000);
  }
});

describe("check-config and start-up problems never print a secret", () => {
  const run = (raw: unknown, env: Record<string, string> = {}) => {
    const file = join(scratchDir(), "conf.json");
    writeFileSync(file, JSON.stringify(raw));
    const out = Bun.spawnSync([compiledBinary(), "check-config", "-c", file], {
      env: { PATH: process.env.PATH ?? "", ...env },
      stdout: "pipe",
      stderr: "pipe",
    });
    return { code: out.exitCode, text: out.stdout.toString() + out.stderr.toString() };
  };
  const good = () => secretConfig("http://127.0.0.1:9/biz", "http://127.0.0.1:9", "/tmp/wxgw-secrets-cache");

  test("a good config: the summary masks every secret and every URL's credentials", () => {
    const { code, text } = run(good(), { LOG_LEVEL: "trace" });
    expect(code).toBe(0);
    expect(text).toContain("config OK");
    expect(text).toContain("http://***@127.0.0.1:9/biz");
    expect(leaks(text)).toEqual([]);
  });

  const bad: Array<[string, (raw: Record<string, unknown>) => void]> = [
    ["app-secret as a number", (r) => ((r.services as Array<Record<string, Record<string, unknown>>>)[0]!["wx-params"]!["app-secret"] = 98765432109876)],
    ["admin-token as a number", (r) => (r["admin-token"] = 98765432109876)],
    ["token as a number", (r) => ((r.services as Array<Record<string, Record<string, unknown>>>)[0]!["wx-params"]!.token = 98765432109876)],
    ["a malformed aes-key", (r) => ((r.services as Array<Record<string, Record<string, unknown>>>)[0]!["wx-params"]!["aes-key"] = `${S.aesKey}!`)],
    [
      "msg-proxy-pass with credentials, not http",
      (r) => ((r.services as Array<Record<string, unknown>>)[0]!["msg-proxy-pass"] = `ftp://${S.proxyUser}:${S.proxyPass}@b/x`),
    ],
    ["a malformed redis URL with a password", (r) => (r["token-store"] = { type: "redis", url: `redis://:${S.redisPass}@127.0.0.1:notaport/0` })],
    ["a redis URL that is not redis://", (r) => (r["token-store"] = { type: "redis", url: `http://u:${S.redisPass}@h` })],
    ["wx-api-base with credentials, not http", (r) => (r["wx-api-base"] = `ftp://u:${S.wxPass}@h`)],
  ];
  test.each(bad)("%s: exit 3, the key named, no secret", (_name, breakIt) => {
    const raw = good();
    breakIt(raw);
    const { code, text } = run(raw);
    expect(code).toBe(3);
    expect(text).toContain("config ");
    expect(leaks(text)).toEqual([]);
    expect(text).not.toContain("98765432109876");
  });

  test("a Redis token store that cannot be reached: start-up and failing calls never show its password", async () => {
    const raw = good();
    raw["token-store"] = { type: "redis", url: `redis://:${S.redisPass}@127.0.0.1:${await freePort()}/0` };
    await using gw = await startBinary(raw, { env: { LOG_LEVEL: "trace" } });
    const res = await fetch(`${gw.base}/user?s=svc&o=o1`, { headers: AUTH });
    const body = await res.text();
    expect(res.status).toBe(502);
    await gw.stop("SIGTERM");
    expect(leaks(gw.output() + body)).toEqual([]);
    expect(gw.output()).toContain("127.0.0.1");
  }, 30_000);
});
