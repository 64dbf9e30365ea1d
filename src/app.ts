/**
 * @module app
 * createApp(config, deps): the root Elysia app. Maps errors to SPEC §7's JSON bodies, mounts one
 * plugin per configured account with its OAuth2 redirect, and the common endpoints (endpoints/registry)
 * — or, with `admin-listen`, the common endpoints on an app of their own for the admin listener
 * (SPEC §10), so the main listener keeps only the WeChat-facing paths.
 */
import { type AnyElysia, Elysia } from "elysia";
import { createServiceRuntime, type ServiceDeps, type ServiceRuntime } from "./callback/runtime";
import type { GatewayConfig, ServiceConfig } from "./config/types";
import type { GatewayOps } from "./endpoints/context";
import { commonEndpoints, type EndpointDeps } from "./endpoints/index";
import { countedRoutes } from "./http/counted-routes";
import { GatewayError } from "./http/errors";
import { routableRequest } from "./http/routable-url";
import type { Logger } from "./obs/log";
import type { Metrics } from "./obs/metrics";
import { oauth2Redirects } from "./service/oauth2";
import { wxService } from "./service/plugin";
import type { Tally } from "./util/tally";

export interface AppDeps extends ServiceDeps {
  readonly log: Logger;
  readonly metrics: Metrics;
  /** what the WeChat endpoints and the OAuth2 redirects call through, one of each per gateway */
  readonly wechat: Pick<EndpointDeps, "api" | "kv" | "oauth">;
  /** a service's runtime; a reload passes one that carries state over from the previous config (ops/generation) */
  readonly runtimeFor?: (svc: ServiceConfig) => ServiceRuntime;
  /** the running gateway's readiness, reload and status, for their endpoints */
  readonly ops?: GatewayOps;
  /** the generation's requests in progress (ops/generation): every route counts its own; absent, none are counted */
  readonly requests?: Tally;
}

export interface GatewayApp {
  /** the main listener's app: the WeChat-facing paths, and the common endpoints unless `admin-listen` is set */
  readonly app: Elysia;
  /** the admin listener's app (every common endpoint) when `admin-listen` is set, else null */
  readonly adminApp: Elysia | null;
  readonly runtimes: readonly ServiceRuntime[];
}

export function createApp(config: GatewayConfig, deps: AppDeps): GatewayApp {
  const runtimes = config.services.map((svc) => deps.runtimeFor?.(svc) ?? createServiceRuntime(svc, deps));
  // the callback routes count their requests themselves (callback/spine); the others in a counted group
  const counted = () => (deps.requests ? countedRoutes(deps.requests) : new Elysia());
  let app = rootApp("wx-gateway", deps.log);
  for (const rt of runtimes) app = app.use(wxService(rt)) as unknown as typeof app;
  // WeChat-facing routes of each account, never behind the admin token
  const redirects = counted();
  for (const route of oauth2Redirects(config, { ...deps.wechat, log: deps.log, fetch: deps.fetch, clock: deps.core?.clock })) redirects.use(route);
  app = app.use(redirects) as unknown as typeof app;
  const { log, metrics, now, ops } = deps;
  let admin = config.adminListen ? rootApp("wx-gateway-admin", log) : app;
  // the OpenAPI document describes the app the endpoints are mounted on
  const endpoints = commonEndpoints({ ...deps.wechat, config, log, metrics, now, ops }, () => admin as unknown as AnyElysia);
  admin = admin.use(counted().use(endpoints)) as unknown as typeof admin;
  if (!config.adminListen) app = admin;
  return { app: app as unknown as Elysia, adminApp: config.adminListen ? (admin as unknown as Elysia) : null, runtimes };
}

/** An app with SPEC §7's error bodies, routing on the real path whatever the Host. */
function rootApp(name: string, log: Logger) {
  const app = new Elysia({ name }).onError({ as: "global" }, ({ code, error }) => {
    if (error instanceof GatewayError) return error.toResponse();
    switch (code) {
      case "VALIDATION":
        // a response that breaks its own schema is the gateway's fault, not the client's
        if ((error as { type?: string }).type === "response") {
          return new GatewayError(500, "internal error: response failed its schema").toResponse();
        }
        return new GatewayError(400, `invalid or missing parameter: ${firstProblem(error)}`).toResponse();
      case "NOT_FOUND":
        return new GatewayError(404, "not found").toResponse();
      case "PARSE":
        return new GatewayError(400, "malformed request body").toResponse();
      default:
        log.error({ err: error instanceof Error ? error.message : String(error) }, "unhandled error");
        return new GatewayError(500, "internal error").toResponse();
    }
  });
  // app.handle is the one entry point of `serve` and the tests: the router sees the real path whatever the Host
  return app.wrap((handle) => (request: Request) => handle(routableRequest(request))) as unknown as typeof app;
}

function firstProblem(error: unknown): string {
  const e = error as { all?: Array<{ path?: string; summary?: string; message?: string }> };
  const first = e.all?.[0];
  if (!first) return "request";
  return `${(first.path ?? "").replace(/^\//, "") || "request"}: ${first.summary ?? first.message ?? "invalid"}`;
}
