/**
 * @module endpoints/context
 * What every common endpoint's route gets: the context it calls through (config, WeChat client,
 * shared KvStore, OAuth2 exchanger, metrics, the OpenAPI document) and, from its registry entry
 * (endpoints/registry), its schemas and OpenAPI detail; plus the lookups every handler starts with.
 */
import type { TSchema } from "@sinclair/typebox";
import type { AnyElysia } from "elysia";
import type { EndpointKey } from "../config/schema";
import type { GatewayConfig, ServiceConfig } from "../config/types";
import type { ReadyState, ReloadChanges, StatusData } from "../contract/ops";
import { badRequest, GatewayError, notFound } from "../http/errors";
import type { Logger } from "../obs/log";
import type { Metrics } from "../obs/metrics";
import type { KvStore } from "../store/kv";
import type { WxApi } from "../wxapi/client";
import type { OAuthExchanger } from "../wxapi/oauth2";

export interface EndpointContext {
  readonly config: GatewayConfig;
  readonly api: WxApi;
  /** shared state (OAuth code reuse, caches): Redis when the token store is Redis */
  readonly kv: KvStore;
  /** the gateway's one exchanger, shared with the OAuth2 redirects so that one code is exchanged once */
  readonly oauth: OAuthExchanger;
  readonly log: Logger;
  readonly metrics: Metrics;
  /** unix milliseconds */
  readonly now: () => number;
  /** the OpenAPI document of the whole app, built on the first request for it */
  readonly openApiDocument: () => Promise<Record<string, unknown>>;
  /** the running gateway's readiness, reload and status (ops/); absent in an app built without a gateway */
  readonly ops?: GatewayOps;
}

/** A reload's outcome: applied, or refused with the HTTP status and reason its endpoint answers. */
export type ReloadOutcome =
  | { readonly applied: true; readonly services: readonly string[]; readonly changes: ReloadChanges }
  | { readonly applied: false; readonly status: 409 | 422 | 500; readonly reason: string };

/** What the operations endpoints (SPEC §10) ask of the running gateway. */
export interface GatewayOps {
  readiness(): Promise<ReadyState>;
  /** reads the config from where it came from, validates it, applies it or refuses it whole */
  reload(trigger: string): Promise<ReloadOutcome>;
  status(): Promise<StatusData>;
}

/** The schemas a route validates with (Elysia's route options); its registry entry gives them. */
export interface RouteSchemas {
  query?: TSchema;
  body?: TSchema;
  response?: TSchema | Record<number, TSchema>;
}

/** The OpenAPI part of a route's options: summary, tag and the admin-token requirement, or hidden. */
export interface RouteDetail {
  summary?: string;
  description?: string;
  tags?: string[];
  security?: Array<Record<string, string[]>>;
  hide?: boolean;
}

/** A route's options from its registry entry, passed to Elysia as they are. */
export type RouteHook<S extends RouteSchemas> = S & { detail: RouteDetail };

/** Builds the route plugin of one common endpoint for its configured path. */
export type RouteFactory<S extends RouteSchemas> = (path: string, ctx: EndpointContext, hook: RouteHook<S>) => AnyElysia;

/** The configured service named `s` (SPEC §7: unknown → 404). */
export function serviceByName(ctx: EndpointContext, name: string): ServiceConfig {
  const svc = ctx.config.services.find((s) => s.name === name);
  if (!svc) throw notFound(`unknown service "${name}"`);
  return svc;
}

/** A 400 for a service of a kind the endpoint's API does not apply to. */
const wrongKind = (svc: ServiceConfig, endpoint: EndpointKey, forWhom: string) =>
  badRequest(`service "${svc.name}" is ${/^[aeiou]/.test(svc.kind) ? "an" : "a"} ${svc.kind}: ${endpoint} is for ${forWhom}`);

/**
 * Like serviceByName, for an endpoint over an Official Account's API (user/info, QR codes, JS-SDK,
 * template messages, …): a Mini Program or a WeCom app has none of it (SPEC §8) → 400.
 */
export function accountServiceByName(ctx: EndpointContext, name: string, endpoint: EndpointKey): ServiceConfig {
  const svc = serviceByName(ctx, name);
  if (svc.kind === "mini-program" || svc.kind === "wecom") throw wrongKind(svc, endpoint, "Official Accounts");
  return svc;
}

/** Like serviceByName, for endpoints that only Channels shop services (`kind: channels-ec`) have. */
export function channelsServiceByName(ctx: EndpointContext, name: string, endpoint: EndpointKey): ServiceConfig {
  const svc = serviceByName(ctx, name);
  if (svc.kind !== "channels-ec") throw wrongKind(svc, endpoint, "Channels shops");
  return svc;
}

/** The running gateway's operations; an app built without one (a bare createApp) has none to offer. */
export function opsOf(ctx: EndpointContext): GatewayOps {
  if (!ctx.ops) throw new GatewayError(503, "not available: this app runs without a gateway");
  return ctx.ops;
}
