import { describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig, parseConfig } from "../../src/config/load";
import { configErrorOf, rawConfig, rawService } from "../_helpers/config";
import goSample from "../fixtures/conf/go-sample.conf.json" with { type: "json" };

describe("defaults and resolution", () => {
  test("the repository's sample.conf.json is valid and runs in echo mode", () => {
    const { config } = loadConfig("sample.conf.json", {});
    expect(config.services[0]!.msgProxyPass).toBeNull();
    expect(config.listenPort).toBe(7080);
    expect(config.commonEndpoints["health-check"]).toBe("/health");
  });
  test("defaults of SPEC §2", () => {
    const c = parseConfig(rawConfig(), "t", {}).config;
    const s = c.services[0]!;
    expect([s.workerNum, s.replyTimeoutMs, s.dedupWindowS, s.maxBodyBytes, s.allowPlaintext, s.asyncReply]).toEqual([5, 4500, 60, 262144, false, false]);
    expect(c.tokenApi).toBe("stable");
    expect(c.tokenStore).toEqual({ type: "memory" });
    expect(c.wxApiBase).toBe("https://api.weixin.qq.com");
  });
  test("Channels shop services remember ids for 14400 s; token-cache-dir selects the file store", () => {
    const c = parseConfig(
      rawConfig({ "is-channels-ec": true, "async-reply": true }, { "token-cache-dir": "/tmp/x", "dont-append-userinfo": false }),
      "t",
      {},
    ).config;
    expect(c.services[0]!.dedupWindowS).toBe(14400);
    expect(c.services[0]!.asyncReply).toBe(false);
    expect(c.services[0]!.dontAppendUserinfo).toBe(true);
    expect(c.tokenStore).toEqual({ type: "file", dir: "/tmp/x" });
  });
  test("top-level defaults apply to services, service values win; WX_API_BASE overrides", () => {
    const c = parseConfig(rawConfig({ "reply-timeout-ms": 1000 }, { "reply-timeout-ms": 3000, "dedup-window-s": 0, "wx-api-base": "http://a" }), "t", {
      WX_API_BASE: "http://127.0.0.1:9/",
    }).config;
    expect(c.services[0]!.replyTimeoutMs).toBe(1000);
    expect(c.services[0]!.dedupWindowS).toBe(0);
    expect(c.wxApiBase).toBe("http://127.0.0.1:9");
  });
  test("unknown keys (the Go sample's comments) are warned about, once each, not rejected", () => {
    const raw = rawConfig({ 注意: "paths must differ" }, { "common-endpoints": { "health-check": "/h", "wx-qr的参数说明": "s=..." }, extra: 1 });
    const { warnings } = parseConfig(raw, "t", {});
    expect(warnings).toEqual([
      "unknown config key services[0].注意 ignored",
      "unknown config key common-endpoints.wx-qr的参数说明 ignored",
      "unknown config key extra ignored",
    ]);
  });
  test("common-endpoints keep the file's keys: only configured paths, the wx-api prefix without its trailing slash", () => {
    const endpoints = { "health-check": "/h", "wx-qr": "", "sns-auth2": null, "channels-ec-refund-detail": "/refund", "wx-api": "/wxapi//" };
    const c = parseConfig(rawConfig({}, { "common-endpoints": endpoints }), "t", {}).config;
    expect(c.commonEndpoints).toEqual({ "health-check": "/h", "channels-ec-refund-detail": "/refund", "wx-api": "/wxapi" });
    expect(Object.isFrozen(c.commonEndpoints)).toBe(true);
  });
  test("the Go original's sample shape is accepted except for its placeholder aes-key", () => {
    const sample = structuredClone(goSample) as { services: Array<{ "wx-params": Record<string, unknown> }> };
    sample.services[0]!["wx-params"]["aes-key"] = null;
    const { config } = parseConfig(sample, "go", {});
    expect(config.services[0]!.redirectPath).toBe("/redirect");
    expect(config.commonEndpoints["channels-ec-order-detail"]).toBe("/channles-ec-order-detail");
  });
});

describe("rejected configs name the JSON path", () => {
  const cases: Array<[string, unknown, string]> = [
    ["wrong type", rawConfig({ workerNum: "5" }), "services[0].workerNum"],
    ["missing name", { services: [{ ...rawService("x", "/wx"), name: undefined }] }, "services[0].name"],
    ["missing token", rawConfig({ "wx-params": { "app-id": "a" } }), "services[0].wx-params.token"],
    ["missing service-path", rawConfig({ "listen-endpoints": {} }), "services[0].listen-endpoints.service-path"],
    ["duplicate names", { services: [rawService("a", "/a"), rawService("a", "/b")] }, "services[1].name"],
    ["duplicate paths", { services: [rawService("a", "/wx"), rawService("b", "/wx")] }, "services[1].listen-endpoints.service-path"],
    ["service path colliding with an endpoint", rawConfig({}, { "common-endpoints": { "health-check": "/wx" } }), "common-endpoints.health-check"],
    ["redirect-url without redirect-path", rawConfig({ "redirect-url": "http://b/r" }), "services[0].redirect-url"],
    ["short aes-key", rawConfig({ "wx-params": { token: "t", "aes-key": "short" } }), "services[0].wx-params.aes-key"],
    ["msg-proxy-pass not http", rawConfig({ "msg-proxy-pass": "ftp://x" }), "services[0].msg-proxy-pass"],
    [
      "redirect-url not a URL",
      rawConfig({ "redirect-url": "nope", "listen-endpoints": { "service-path": "/wx", "redirect-path": "/r" } }),
      "services[0].redirect-url",
    ],
    ["bad port", rawConfig({}, { "listen-port": 70000 }), "listen-port"],
    ["bad token-store", rawConfig({}, { "token-store": { type: "redis", url: "http://x" } }), "token-store"],
  ];
  for (const [name, raw, path] of cases) {
    test(name, () => {
      const err = configErrorOf(raw);
      expect(err.path).toBe(path);
      expect(err.message).toContain(path);
    });
  }
  test("invalid JSON in a file names the file", () => {
    const dir = mkdtempSync(join(tmpdir(), "wxgw-conf-"));
    const file = join(dir, "bad.json");
    writeFileSync(file, "{ not json");
    expect(() => loadConfig(file, {})).toThrow(/bad\.json is not valid JSON/);
  });
});
