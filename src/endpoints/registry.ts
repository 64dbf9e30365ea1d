/**
 * @module endpoints/registry
 * The common endpoints (SPEC §7), one entry each under its `common-endpoints` key: who may call it
 * (`open`: never behind the admin token; `admin`: in the guarded route group, which with `basic` also
 * takes the token as an HTTP Basic password), its route, the schemas
 * it validates with (contract/endpoints.ts) and its OpenAPI entry (`null`: left out of the document).
 * endpoints/index mounts the configured ones from here; nothing else lists them. The type requires
 * one entry per key of config/schema.ts's COMMON_ENDPOINT_KEYS, and no other.
 */
import type { EndpointKey } from "../config/schema";
import * as schema from "../contract/endpoints";
import * as ops from "../contract/ops";
import { channelsOrderDetailEndpoint, channelsRefundDetailEndpoint } from "./channels-ec";
import type { RouteFactory, RouteSchemas } from "./context";
import { healthEndpoint } from "./health";
import { metricsEndpoint } from "./metrics";
import { openApiEndpoint } from "./openapi";
import { readyEndpoint } from "./ready";
import { reloadEndpoint } from "./reload";
import { shortUrlEndpoint } from "./short-url";
import { signJsapiEndpoint } from "./sign-jsapi";
import { snsAuth2Endpoint } from "./sns-auth2";
import { statusEndpoint } from "./status";
import { tmplMsgEndpoint } from "./tmpl-msg";
import { wxApiEndpoint } from "./wx-api";
import { wxQrEndpoint } from "./wx-qr";
import { wxUserEndpoint } from "./wx-user";

/** An endpoint's entry in the OpenAPI document; the security requirement follows from `access`. */
export interface OpenApiEntry {
  readonly tag: "ops" | "wechat";
  readonly summary: string;
  readonly description?: string;
}

export interface EndpointEntry<S extends RouteSchemas = RouteSchemas> {
  readonly access: "open" | "admin";
  /** admin only: the token is also taken as an HTTP Basic password, for a page a browser opens (endpoints/admin-guard) */
  readonly basic?: boolean;
  readonly route: RouteFactory<S>;
  readonly schemas: S;
  readonly openapi: OpenApiEntry | null;
}

/** Ties an entry's schemas to its route's parameter type, so that the route validates with these. */
const entry = <S extends RouteSchemas>(e: EndpointEntry<S>): EndpointEntry => e as unknown as EndpointEntry;
const wechat = (summary: string, description: string): OpenApiEntry => ({ tag: "wechat", summary, description });

/** In mounting order. */
export const ENDPOINTS: { readonly [K in EndpointKey]: EndpointEntry } = {
  "health-check": entry({ access: "open", route: healthEndpoint, schemas: {}, openapi: { tag: "ops", summary: "Health check" } }),
  ready: entry({
    access: "open",
    route: readyEndpoint,
    schemas: { response: { 200: ops.readyResponseSchema } },
    openapi: {
      tag: "ops",
      summary: "Readiness",
      description: "200 when the gateway can serve; 503 with the reason while it drains after SIGTERM or while its Redis is unreachable.",
    },
  }),
  metrics: entry({ access: "admin", route: metricsEndpoint, schemas: {}, openapi: null }),
  reload: entry({
    access: "admin",
    route: reloadEndpoint,
    schemas: { response: { 200: ops.reloadResponseSchema } },
    openapi: {
      tag: "ops",
      summary: "Reload the config",
      description: "Reads the config file again and applies it (as SIGHUP does); 422 when invalid, 409 when a change needs a restart.",
    },
  }),
  status: entry({
    access: "admin",
    basic: true,
    route: statusEndpoint,
    schemas: {},
    openapi: { tag: "ops", summary: "Status page (HTML); its data is at <path>/data", description: "Also takes the admin token as an HTTP Basic password." },
  }),
  openapi: entry({ access: "admin", route: openApiEndpoint, schemas: {}, openapi: null }),
  "wx-qr": entry({
    access: "admin",
    route: wxQrEndpoint,
    schemas: { query: schema.wxQrQuerySchema, response: schema.wxQrResponseSchema },
    openapi: wechat("Create a parametric QR code", "POST cgi-bin/qrcode/create with QR_STR_SCENE (temp) or QR_LIMIT_STR_SCENE (forever)."),
  }),
  "wx-user": entry({
    access: "admin",
    route: wxUserEndpoint,
    schemas: { query: schema.wxUserQuerySchema, response: schema.wxUserResponseSchema },
    openapi: wechat("User info by openId", "cgi-bin/user/info, cached 10 minutes."),
  }),
  "sns-auth2": entry({
    access: "admin",
    route: snsAuth2Endpoint,
    schemas: { query: schema.snsAuth2QuerySchema, response: schema.snsAuth2ResponseSchema },
    openapi: wechat("OAuth2 code → openId and user info", "sns/oauth2/access_token, then sns/userinfo (scope userinfo) or cgi-bin/user/info (base)."),
  }),
  "short-url": entry({
    access: "admin",
    route: shortUrlEndpoint,
    schemas: { body: schema.shortUrlBodySchema, response: schema.shortUrlResponseSchema },
    openapi: wechat("Short URL (retired by WeChat)", "cgi-bin/shorturl long2short."),
  }),
  "tmpl-msg": entry({
    access: "admin",
    route: tmplMsgEndpoint,
    // keyed by status: the handler answers with WeChat's bytes (a Response), which keep a 64-bit msgid whole
    schemas: { body: schema.tmplMsgBodySchema, response: { 200: schema.tmplMsgResponseSchema } },
    openapi: wechat("Send a template message", "cgi-bin/message/template/send; WeChat's answer is returned as is."),
  }),
  "sign-jsapi": entry({
    access: "admin",
    route: signJsapiEndpoint,
    schemas: { body: schema.signJsapiBodySchema, response: schema.signJsapiResponseSchema },
    openapi: wechat("JS-SDK signature for wx.config", "jsapi_ticket (cached) + sha1 signature; a #fragment is removed."),
  }),
  "channels-ec-order-detail": entry({
    access: "admin",
    route: channelsOrderDetailEndpoint,
    schemas: { query: schema.channelsEcQuerySchema, response: schema.orderDetailResponseSchema },
    openapi: wechat("Channels shop order detail", "channels/ec/order/get."),
  }),
  "channels-ec-refund-detail": entry({
    access: "admin",
    route: channelsRefundDetailEndpoint,
    schemas: { query: schema.channelsEcQuerySchema, response: schema.refundDetailResponseSchema },
    openapi: wechat("Channels shop after-sale order detail", "channels/ec/aftersale/getaftersaleorder."),
  }),
  "wx-api": entry({
    access: "admin",
    route: wxApiEndpoint,
    schemas: { query: schema.wxApiQuerySchema },
    openapi: wechat(
      "WeChat API pass-through",
      "Any method; the path after the prefix is WeChat's (e.g. /cgi-bin/menu/create). access_token is added and renewed once on 40001/40014/42001; WeChat's answer is returned as is.",
    ),
  }),
};
