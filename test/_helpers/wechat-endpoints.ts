/**
 * @module test/_helpers/wechat-endpoints
 * The real gateway (createGateway) with every WeChat endpoint configured, an admin token, an
 * Official Account service "svc" and a Channels shop service "shop", in front of a fake WeChat.
 */
import { parseConfig } from "../../src/config/load";
import { APP_ID, rawConfig, rawService } from "./config";
import { type FakeWechat, startFakeWechat } from "./fake-wechat";
import { startWiredGateway, type TestGateway } from "./gateway";

export const ADMIN = "adm-token-1";
export const SHOP_APP_ID = "wxshop000000000001";
export const AUTH = { authorization: `Bearer ${ADMIN}` } as const;

export const PATHS = {
  wxQr: "/qr",
  wxUser: "/user",
  snsAuth2: "/sns-auth2",
  shortUrl: "/short-url",
  tmplMsg: "/tmpl-msg",
  signJsapi: "/sign-jsapi",
  order: "/channels-ec-order-detail",
  refund: "/channels-ec-refund-detail",
  wxApi: "/wxapi",
  ready: "/ready",
  reload: "/reload",
  status: "/status",
} as const;

export interface EndpointsSetup {
  readonly wechat: FakeWechat;
  readonly gw: TestGateway;
  /** GET `path?query` with the admin token */
  get(path: string, query?: Record<string, string>): Promise<Response>;
  /** POST a form (application/x-www-form-urlencoded) with the admin token */
  postForm(path: string, form: Record<string, string>): Promise<Response>;
  /** POST JSON with the admin token */
  postJson(path: string, body: unknown): Promise<Response>;
  [Symbol.dispose](): void;
}

/**
 * The raw config (as a file holds it) of the setup: both services, every common endpoint, the admin
 * token, WeChat at `wechatUrl`; `top` is merged at the top level.
 */
export function rawEndpointsConfig(wechatUrl: string, top: Record<string, unknown> = {}): Record<string, unknown> {
  const shop = rawService("shop", "/shop", {
    "is-channels-ec": true,
    "wx-params": { token: "shop_token", "app-id": SHOP_APP_ID, "app-secret": "shop_secret", "aes-key": "" },
  });
  return rawConfig(
    {},
    {
      services: [rawService("svc", "/wx"), shop],
      "wx-api-base": wechatUrl,
      "admin-token": ADMIN,
      "common-endpoints": {
        "health-check": "/health",
        metrics: "/metrics",
        openapi: "/openapi.json",
        "wx-qr": PATHS.wxQr,
        "wx-user": PATHS.wxUser,
        "sns-auth2": PATHS.snsAuth2,
        "short-url": PATHS.shortUrl,
        "tmpl-msg": PATHS.tmplMsg,
        "sign-jsapi": PATHS.signJsapi,
        "channels-ec-order-detail": PATHS.order,
        "channels-ec-refund-detail": PATHS.refund,
        "wx-api": PATHS.wxApi,
        ready: PATHS.ready,
        reload: PATHS.reload,
        status: PATHS.status,
      },
      ...top,
    },
  );
}

export function startEndpoints(top: Record<string, unknown> = {}): EndpointsSetup {
  const wechat = startFakeWechat();
  const config = parseConfig(rawEndpointsConfig(wechat.url, top), "test", {}).config;
  const gw = startWiredGateway(config);
  const url = (path: string, query?: Record<string, string>) => `${gw.url}${path}${query ? `?${new URLSearchParams(query)}` : ""}`;
  return {
    wechat,
    gw,
    get: (path, query) => fetch(url(path, query), { headers: AUTH }),
    postForm: (path, form) =>
      fetch(url(path), {
        method: "POST",
        headers: { ...AUTH, "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams(form).toString(),
      }),
    postJson: (path, body) => fetch(url(path), { method: "POST", headers: { ...AUTH, "content-type": "application/json" }, body: JSON.stringify(body) }),
    [Symbol.dispose]() {
      gw.stop();
      wechat.stop();
    },
  };
}

export { APP_ID };
