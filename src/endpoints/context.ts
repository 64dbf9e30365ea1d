/**
 * @module endpoints/context
 * What the WeChat endpoints and the OAuth2 redirect share: the config, the WeChat client, the shared
 * KvStore and the injected I/O; plus the lookups every handler starts with.
 */
import type { GatewayConfig, ServiceConfig } from "../config/types";
import { badRequest, notFound } from "../http/errors";
import type { Logger } from "../obs/log";
import type { KvStore } from "../store/kv";
import type { WxApi } from "../wxapi/client";
import { createOAuthExchanger, type OAuthExchanger } from "../wxapi/oauth2";

export interface EndpointContext {
  readonly config: GatewayConfig;
  readonly api: WxApi;
  /** shared state (OAuth code reuse, caches): Redis when the token store is Redis */
  readonly kv: KvStore;
  readonly log: Logger;
  /** unix milliseconds */
  readonly now: () => number;
  /** for the POST to redirect-url (default: global fetch) */
  readonly fetch?: typeof fetch;
}

/** The configured service named `s` (SPEC §7: unknown → 404). */
export function serviceByName(ctx: EndpointContext, name: string): ServiceConfig {
  const svc = ctx.config.services.find((s) => s.name === name);
  if (!svc) throw notFound(`unknown service "${name}"`);
  return svc;
}

/** Like serviceByName, for endpoints that only Channels shop services (`is-channels-ec`) have. */
export function channelsServiceByName(ctx: EndpointContext, name: string): ServiceConfig {
  const svc = serviceByName(ctx, name);
  if (!svc.isChannelsEc) throw badRequest(`service "${name}" is not a Channels shop (is-channels-ec)`);
  return svc;
}

// one exchanger per WeChat client (i.e. per gateway), shared by the redirect route and sns-auth2 so
// that their in-process single flight covers both
const exchangers = new WeakMap<WxApi, OAuthExchanger>();

export function oauthExchanger(ctx: EndpointContext): OAuthExchanger {
  let exchanger = exchangers.get(ctx.api);
  if (!exchanger) {
    exchanger = createOAuthExchanger({ api: ctx.api, kv: ctx.kv, log: ctx.log });
    exchangers.set(ctx.api, exchanger);
  }
  return exchanger;
}

/** Route `detail` for the OpenAPI document: tag, summary and the admin-token requirement when one is set. */
export function routeDetail(ctx: EndpointContext, summary: string, description?: string) {
  return {
    summary,
    ...(description ? { description } : {}),
    tags: ["wechat"],
    ...(ctx.config.adminToken ? { security: [{ adminToken: [] }] } : {}),
  };
}
