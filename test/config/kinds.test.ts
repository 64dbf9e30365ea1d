/**
 * @module test/config/kinds
 * `services[].kind` (SPEC §8): which push surface a service is, what each kind requires and refuses
 * (exit 3 naming the key), and the defaults that follow from it.
 */
import { describe, expect, test } from "bun:test";
import { parseConfig } from "../../src/config/load";
import { createProfile } from "../../src/profiles/index";
import { AES_KEY, configErrorOf, makeConfig, rawConfig, TOKEN } from "../_helpers/config";

const wecomParams = { token: TOKEN, "aes-key": AES_KEY, "corp-id": "ww0123456789abcdef", "agent-id": 1000002, "app-secret": "s" };

describe("kind", () => {
  test("defaults to official-account; is-channels-ec: true is channels-ec; each kind picks its profile", () => {
    const kinds = [
      makeConfig().services[0]!,
      makeConfig({ "is-channels-ec": true }).services[0]!,
      makeConfig({ kind: "channels-ec" }).services[0]!,
      makeConfig({ kind: "mini-program" }).services[0]!,
      makeConfig({ kind: "wecom", "wx-params": wecomParams }).services[0]!,
    ];
    expect(kinds.map((s) => s.kind)).toEqual(["official-account", "channels-ec", "channels-ec", "mini-program", "wecom"]);
    expect(kinds.map((s) => createProfile(s).kind)).toEqual(["official-account", "channels-ec", "channels-ec", "mini-program", "wecom"]);
    expect(kinds.map((s) => s.isChannelsEc)).toEqual([false, true, true, false, false]);
  });

  test("WeCom: corp-id and agent-id resolved (agent-id as digits, number or string); async-reply as configured (message/send)", () => {
    const svc = makeConfig({ kind: "wecom", "wx-params": wecomParams, "async-reply": true }).services[0]!;
    expect(svc).toMatchObject({ corpId: "ww0123456789abcdef", agentId: "1000002", asyncReply: true });
    expect(makeConfig({ kind: "wecom", "wx-params": { ...wecomParams, "agent-id": "7" } }).services[0]!.agentId).toBe("7");
  });

  test("WeCom: userInfo (user/get) only when the service sets dont-append-userinfo to false; the top-level key does not switch it on", () => {
    const wecom = (service: Record<string, unknown>, top: Record<string, unknown> = {}) =>
      makeConfig({ kind: "wecom", "wx-params": wecomParams, ...service }, top).services[0]!.dontAppendUserinfo;
    expect(wecom({})).toBe(true);
    expect(wecom({}, { "dont-append-userinfo": false })).toBe(true);
    expect(wecom({ "dont-append-userinfo": true })).toBe(true);
    expect(wecom({ "dont-append-userinfo": false })).toBe(false);
  });

  test("wecom-api-base: WeCom's origin by default, the file's value, WECOM_API_BASE over both; a trailing slash dropped", () => {
    expect(makeConfig().wecomApiBase).toBe("https://qyapi.weixin.qq.com");
    expect(makeConfig({}, { "wecom-api-base": "http://127.0.0.1:9/" }).wecomApiBase).toBe("http://127.0.0.1:9");
    const raw = rawConfig({}, { "wecom-api-base": "http://127.0.0.1:9" });
    expect(parseConfig(raw, "test", { WECOM_API_BASE: "http://127.0.0.1:10" }).config.wecomApiBase).toBe("http://127.0.0.1:10");
    expect(configErrorOf(rawConfig({}, { "wecom-api-base": "ftp://x" })).path).toBe("wecom-api-base");
  });

  test("Mini Program: no userInfo (user/info is an Official Account API); async-reply as configured", () => {
    const svc = makeConfig({ kind: "mini-program", "async-reply": true, "dont-append-userinfo": false }).services[0]!;
    expect(svc).toMatchObject({ dontAppendUserinfo: true, asyncReply: true, corpId: "", agentId: "" });
  });

  const refused: Array<[string, Record<string, unknown>, string, RegExp]> = [
    ["an unknown kind", { kind: "mini_program" }, "services[0].kind", /./],
    [
      "a WeCom service without aes-key",
      { kind: "wecom", "wx-params": { ...wecomParams, "aes-key": "" } },
      "services[0].wx-params.aes-key",
      /required for kind wecom/,
    ],
    [
      "a WeCom service without corp-id",
      { kind: "wecom", "wx-params": { ...wecomParams, "corp-id": undefined } },
      "services[0].wx-params.corp-id",
      /required for kind wecom/,
    ],
    [
      "a WeCom app-secret without agent-id",
      { kind: "wecom", "wx-params": { ...wecomParams, "agent-id": undefined } },
      "services[0].wx-params.agent-id",
      /required with app-secret/,
    ],
    ["a corp-id that could name another file", { kind: "wecom", "wx-params": { ...wecomParams, "corp-id": "../ww1" } }, "services[0].wx-params.corp-id", /./],
    ["a WeCom agent-id that is not digits", { kind: "wecom", "wx-params": { ...wecomParams, "agent-id": "app1" } }, "services[0].wx-params.agent-id", /./],
    [
      "a Mini Program with a redirect-path",
      { kind: "mini-program", "listen-endpoints": { "service-path": "/mp", "redirect-path": "/oauth" } },
      "services[0].listen-endpoints.redirect-path",
      /no OAuth2 redirect/,
    ],
    [
      "a WeCom service with a redirect-url",
      { kind: "wecom", "wx-params": wecomParams, "redirect-url": "http://127.0.0.1/x" },
      "services[0].redirect-url",
      /no OAuth2 redirect/,
    ],
    ["is-channels-ec with another kind", { kind: "mini-program", "is-channels-ec": true }, "services[0].kind", /is-channels-ec is true/],
  ];
  test.each(refused)("%s is refused, naming the key", (_what, service, path, problem) => {
    const err = configErrorOf(rawConfig(service));
    expect(err.path).toBe(path);
    expect(err.message).toMatch(problem);
    expect(err.message).not.toContain(AES_KEY);
  });
});
