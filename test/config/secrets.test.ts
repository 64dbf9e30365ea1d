/**
 * @module test/config/secrets
 * Config errors and the check-config summary name the key and what was expected, never the value of
 * a secret (token, app-secret, aes-key, admin-token) nor the credentials of a URL (msg-proxy-pass,
 * redirect-url, wx-api-base, the Redis token-store url).
 */
import { describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkConfig } from "../../src/cli/check-config";
import { parseConfig } from "../../src/config/load";
import { maskedSummary, maskUrl } from "../../src/config/mask";
import { configErrorOf, rawConfig, rawService } from "../_helpers/config";

const SECRETS = [
  "12345678901234",
  "TokSecret77",
  "AppSecret88",
  "AesSecret99",
  "AdminSecret55",
  "ProxyPw11",
  "RedisPw22",
  "RedirPw33",
  "BasePw44",
  "ProxyUser66",
];

const params = (p: Record<string, unknown>) => ({ "wx-params": { token: "t", "app-id": "wx1", ...p } });
const withEndpoints = { "listen-endpoints": { "service-path": "/wx", "redirect-path": "/r" } };

describe("config errors never print a secret", () => {
  const cases: Array<[string, unknown, string, RegExp]> = [
    ["app-secret given as a number", rawConfig(params({ "app-secret": 12345678901234 })), "services[0].wx-params.app-secret", /string/i],
    ["admin-token given as a number", rawConfig({}, { "admin-token": 12345678901234 }), "admin-token", /string/i],
    ["token given as a number", rawConfig(params({ token: 12345678901234 })), "services[0].wx-params.token", /string/i],
    ["token given as an object", rawConfig(params({ token: { v: "TokSecret77" } })), "services[0].wx-params.token", /string/i],
    ["aes-key given as a number", rawConfig(params({ "aes-key": 12345678901234 })), "services[0].wx-params.aes-key", /string|null/i],
    ["aes-key of the wrong shape", rawConfig(params({ "aes-key": "AesSecret99" })), "services[0].wx-params.aes-key", /43 base64/],
    ["wx-params given as a string", rawConfig({ "wx-params": "TokSecret77" }), "services[0].wx-params", /object/i],
    ["services given as an object", { services: { a: rawService("a", "/a", params({ "app-secret": "AppSecret88" })) } }, "services", /array/i],
    [
      "msg-proxy-pass with credentials, not http",
      rawConfig({ "msg-proxy-pass": "ftp://ProxyUser66:ProxyPw11@backend/x" }),
      "services[0].msg-proxy-pass",
      /http\(s\) URL/,
    ],
    [
      "msg-proxy-pass with credentials, no scheme",
      rawConfig({ "msg-proxy-pass": "ProxyUser66:ProxyPw11@backend:8080" }),
      "services[0].msg-proxy-pass",
      /http\(s\) URL/,
    ],
    [
      "msg-proxy-pass with a password holding / and @",
      rawConfig({ "msg-proxy-pass": "http://ProxyUser66:Pr/oxy@Pw11@" }),
      "services[0].msg-proxy-pass",
      /http\(s\) URL/,
    ],
    [
      "redirect-url with credentials, not http",
      rawConfig({ "redirect-url": "nope://u:RedirPw33@h", ...withEndpoints }),
      "services[0].redirect-url",
      /http\(s\) URL/,
    ],
    ["wx-api-base with credentials, not http", rawConfig({}, { "wx-api-base": "ftp://u:BasePw44@h" }), "wx-api-base", /https\?/],
    ["redis url that is not redis://", rawConfig({}, { "token-store": { type: "redis", url: "http://u:RedisPw22@h:6379" } }), "token-store", /./],
    ["malformed redis url", rawConfig({}, { "token-store": { type: "redis", url: "redis://u:RedisPw22@h:notaport/0" } }), "token-store.url", /redis URL/],
    [
      "redis url with a password holding /",
      rawConfig({}, { "token-store": { type: "redis", url: "redis://:Redis/Pw22@h:x" } }),
      "token-store.url",
      /redis URL/,
    ],
  ];
  for (const [name, raw, path, expected] of cases) {
    test(name, () => {
      const err = configErrorOf(raw);
      expect(err.path).toBe(path);
      expect(err.message).toMatch(expected);
      for (const secret of [...SECRETS, "Pr/oxy", "Redis/Pw22"]) expect(err.message).not.toContain(secret);
    });
  }

  test("a wrong value of a key that is no secret is still shown (it helps)", () => {
    expect(configErrorOf(rawConfig({ workerNum: "5" })).message).toContain('"5"');
    expect(configErrorOf(rawConfig({}, { "listen-port": 70000 })).message).toContain("70000");
  });
});

describe("maskUrl", () => {
  test.each([
    ["http://u:p@host:1/x?y=1", "http://***@host:1/x?y=1"],
    ["redis://:pa/ss@h:6379/0", "redis://***@h:6379/0"],
    ["u:p@host", "***@host"],
    ["http://host/path", "http://host/path"],
    ["http://host/cb?access_token=AT&code=C", "http://host/cb?access_token=***&code=***"],
  ])("%s → %s", (url, masked) => {
    expect(maskUrl(url)).toBe(masked);
  });
});

describe("check-config summary", () => {
  test("shows every URL without its credentials and every secret masked", () => {
    const dir = mkdtempSync(join(tmpdir(), "wxgw-conf-"));
    const file = join(dir, "conf.json");
    const raw = rawConfig(
      {
        "wx-params": {
          token: "TokSecret77",
          "app-id": "wx1",
          "app-secret": "AppSecret88",
          "aes-key": "AesSecret99AesSecret99AesSecret99AesSecret99".slice(0, 43),
        },
        "msg-proxy-pass": "http://ProxyUser66:ProxyPw11@127.0.0.1:9/be",
        "redirect-url": "http://u:RedirPw33@127.0.0.1:9/oauth",
        ...withEndpoints,
      },
      {
        "admin-token": "AdminSecret55",
        "wx-api-base": "http://u:BasePw44@127.0.0.1:9",
        "token-store": { type: "redis", url: "redis://u:RedisPw22@127.0.0.1:6379/0" },
      },
    );
    writeFileSync(file, JSON.stringify(raw));
    const out = checkConfig(file);
    expect(out).toContain("config OK");
    expect(out).toContain("http://***@127.0.0.1:9/be");
    expect(out).toContain("redis://***@127.0.0.1:6379/0");
    for (const secret of SECRETS) expect(out).not.toContain(secret);
  });

  test("a masked secret shows its length and none of its characters", () => {
    const config = parseConfig(
      rawConfig({ "wx-params": { token: "Zq", "app-id": "wx1", "app-secret": "Xy9AppSecret" } }, { "admin-token": "Wv8Admin" }),
      "test",
      {},
    ).config;
    const summary = maskedSummary(config);
    const svc = (summary.services as Array<Record<string, unknown>>)[0]!;
    expect([summary.adminToken, svc.token, svc.appSecret]).toEqual(["***(8)", "***(2)", "***(12)"]);
    for (const prefix of ["Zq", "Xy", "Wv"]) expect(JSON.stringify(summary)).not.toContain(prefix);
  });
});
