/**
 * Common endpoints over an Official Account's API (wx-user, wx-qr, sns-auth2, short-url, tmpl-msg,
 * sign-jsapi) and the Channels shop's (channels-ec-*) asked for a service of another kind (SPEC §8):
 * a 400 that names the service's kind and the endpoint, and nothing is sent to WeChat or WeCom. wx-api,
 * the pass-through, serves every kind: a WeCom app's call goes to wecom-api-base with its own token.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { parseConfig } from "../../src/config/load";
import { GUARDED, type Target } from "../_helpers/admin-variants";
import { AES_KEY, rawService, TOKEN } from "../_helpers/config";
import { startFakeWechat } from "../_helpers/fake-wechat";
import { startWiredGateway } from "../_helpers/gateway";
import { AGENT_ID, CORP_ID } from "../_helpers/surfaces";
import { AUTH, PATHS, rawEndpointsConfig, SHOP_APP_ID } from "../_helpers/wechat-endpoints";

const wechat = startFakeWechat();
const wecom = startFakeWechat();
const services = [
  rawService("svc", "/wx"),
  rawService("shop", "/shop", { kind: "channels-ec", "wx-params": { token: TOKEN, "app-id": SHOP_APP_ID, "app-secret": "shop_secret" } }),
  rawService("mp", "/mp", { kind: "mini-program" }),
  rawService("wecom", "/wecom", {
    kind: "wecom",
    "wx-params": { token: TOKEN, "aes-key": AES_KEY, "corp-id": CORP_ID, "agent-id": AGENT_ID, "app-secret": "wecom_secret" },
  }),
];
const config = parseConfig(rawEndpointsConfig(wechat.url, { services, "wecom-api-base": wecom.url }), "test", {}).config;
const gw = startWiredGateway(config);
afterAll(() => {
  gw.stop();
  wechat.stop();
  wecom.stop();
});

/** the target's request with its service swapped for `service` */
function ask(target: Target, service: string): Promise<Response> {
  const swap = (text: string) => text.replace(/\bs=(svc|shop)\b/, `s=${service}`).replace(/"s":"(svc|shop)"/, `"s":"${service}"`);
  const headers = target.body ? { ...AUTH, "content-type": target.body.type } : AUTH;
  return fetch(`${gw.url}${target.path}?${swap(target.query)}`, { method: target.method, headers, body: target.body ? swap(target.body.text) : undefined });
}

const ACCOUNT_ONLY = GUARDED.filter((t) => ["wx-user", "wx-qr", "sns-auth2", "short-url", "tmpl-msg", "sign-jsapi"].includes(t.name));
const SHOP_ONLY = GUARDED.filter((t) => t.name.startsWith("channels-ec-"));

describe("an endpoint for another kind of service", () => {
  test.each(
    ACCOUNT_ONLY.flatMap(
      (t) =>
        [
          [t.name, "mp", "mini-program", t],
          [t.name, "wecom", "wecom", t],
        ] as const,
    ),
  )("%s with s=%s → 400 naming the kind, nothing sent", async (name, service, kind, target) => {
    const calls = wechat.calls.length + wecom.calls.length;
    const res = await ask(target, service);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { msg: string }).msg).toBe(`service "${service}" is a ${kind}: ${name} is for Official Accounts`);
    expect(wechat.calls.length + wecom.calls.length).toBe(calls);
  });

  test.each(
    SHOP_ONLY.flatMap(
      (t) =>
        [
          [t.name, "svc", "an official-account", t],
          [t.name, "mp", "a mini-program", t],
          [t.name, "wecom", "a wecom", t],
        ] as const,
    ),
  )("%s with s=%s → 400 naming the kind", async (name, service, kind, target) => {
    const res = await ask(target, service);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { msg: string }).msg).toBe(`service "${service}" is ${kind}: ${name} is for Channels shops`);
  });

  test("the same endpoints still serve an Official Account and a Channels shop", async () => {
    for (const target of [...ACCOUNT_ONLY, ...SHOP_ONLY])
      expect([target.name, (await ask(target, target.query.includes("shop") ? "shop" : "svc")).status]).toEqual([target.name, 200]);
  });
});

test("wx-api passes a WeCom app's call to wecom-api-base with the app's token", async () => {
  const res = await fetch(`${gw.url}${PATHS.wxApi}/cgi-bin/user/get?s=wecom&userid=zhangsan`, { headers: AUTH });
  expect(res.status).toBe(200);
  expect(await res.json()).toMatchObject({ errcode: 0, userid: "zhangsan" });
  expect(wecom.callsTo("/cgi-bin/user/get").at(-1)!.query.access_token).toStartWith(`WT_${CORP_ID}_`);
  expect(wechat.callsTo("/cgi-bin/user/get")).toEqual([]);
});

test("the OpenAPI document lists every kind's callback routes with its own query: WeCom's msg_signature and encrypted echostr, the Mini Program's signature", async () => {
  const doc = (await (await fetch(`${gw.url}/openapi.json`, { headers: AUTH })).json()) as {
    paths: Record<string, Record<string, { parameters?: Array<{ name: string; required?: boolean }> }>>;
  };
  const params = (path: string, method: string) => (doc.paths[path]?.[method]?.parameters ?? []).map((p) => `${p.name}${p.required ? "" : "?"}`).sort();
  expect(params("/wecom", "get")).toEqual(["echostr", "msg_signature", "nonce", "timestamp"]);
  expect(params("/wecom", "post")).toEqual(["msg_signature", "nonce", "timestamp"]);
  expect(params("/mp", "post")).toEqual(expect.arrayContaining(["signature", "timestamp", "nonce", "msg_signature?"]));
  expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(["/wx", "/shop", "/mp", "/wecom"]));
});

test("the status page shows a WeCom app's token from where it is kept (wecom-<corp-id>-<agent-id>)", async () => {
  await fetch(`${gw.url}${PATHS.wxApi}/cgi-bin/user/get?s=wecom&userid=lisi`, { headers: AUTH });
  const data = (await (await fetch(`${gw.url}${PATHS.status}/data`, { headers: AUTH })).json()) as {
    services: Array<{ name: string; token: { state: string } }>;
  };
  expect(data.services.find((s) => s.name === "wecom")!.token.state).toBe("valid");
});
