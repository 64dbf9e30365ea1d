/**
 * @module endpoints/wechat
 * The common endpoints that call WeChat (SPEC §7), each mounted only when its path is configured in
 * `common-endpoints` (behind the admin token, see endpoints/index), and the public routes browsers
 * call: the OAuth2 redirect of every service with `redirect-path` and `redirect-url` (SPEC §6).
 */
import type { AnyElysia } from "elysia";
import { oauth2Redirect } from "../service/oauth2";
import { channelsOrderDetailEndpoint, channelsRefundDetailEndpoint } from "./channels-ec";
import type { EndpointContext } from "./context";
import { shortUrlEndpoint } from "./short-url";
import { signJsapiEndpoint } from "./sign-jsapi";
import { snsAuth2Endpoint } from "./sns-auth2";
import { tmplMsgEndpoint } from "./tmpl-msg";
import { wxApiEndpoint } from "./wx-api";
import { wxQrEndpoint } from "./wx-qr";
import { wxUserEndpoint } from "./wx-user";

export type { EndpointContext } from "./context";

type Factory = (path: string, ctx: EndpointContext) => AnyElysia;

const FACTORIES: ReadonlyArray<readonly [keyof EndpointContext["config"]["commonEndpoints"], Factory]> = [
  ["wx-qr", wxQrEndpoint],
  ["wx-user", wxUserEndpoint],
  ["sns-auth2", snsAuth2Endpoint],
  ["short-url", shortUrlEndpoint],
  ["tmpl-msg", tmplMsgEndpoint],
  ["sign-jsapi", signJsapiEndpoint],
  ["channels-ec-order-detail", channelsOrderDetailEndpoint],
  ["channels-ec-refund-detail", channelsRefundDetailEndpoint],
  ["wx-api", wxApiEndpoint],
];

/** The configured WeChat endpoints, to be mounted behind the admin-token guard. */
export function wechatEndpoints(ctx: EndpointContext): AnyElysia[] {
  const ep = ctx.config.commonEndpoints;
  const plugins: AnyElysia[] = [];
  for (const [key, factory] of FACTORIES) {
    const path = ep[key];
    if (path) plugins.push(factory(path, ctx));
  }
  return plugins;
}

/** Routes browsers call, never behind the admin token: the OAuth2 redirect of each service that has one. */
export function publicRoutes(ctx: EndpointContext): AnyElysia[] {
  return ctx.config.services.filter((svc) => svc.redirectPath && svc.redirectUrl).map((svc) => oauth2Redirect(svc, ctx) as unknown as AnyElysia);
}
