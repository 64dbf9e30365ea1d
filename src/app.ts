/**
 * @module app
 * createApp(config, deps): the root Elysia app. Maps errors to SPEC §7's JSON bodies, mounts one
 * plugin per configured account and the common endpoints.
 */
import { Elysia, type AnyElysia } from "elysia";
import type { GatewayConfig } from "./config/types";
import { GatewayError } from "./http/errors";
import type { Logger } from "./obs/log";
import type { Metrics } from "./obs/metrics";
import { createServiceRuntime, type ServiceDeps, type ServiceRuntime } from "./service/runtime";
import { wxService } from "./service/plugin";
import { commonEndpoints } from "./endpoints/index";
import { routableRequest } from "./http/routable-url";

export interface AppDeps extends ServiceDeps {
  readonly log: Logger;
  readonly metrics: Metrics;
  /** WeChat helper endpoint plugins (mounted behind the admin token) */
  readonly endpoints?: ReadonlyArray<AnyElysia>;
  /** routes browsers call (the OAuth2 redirects), mounted next to the services, never behind the admin token */
  readonly publicEndpoints?: ReadonlyArray<AnyElysia>;
}

export interface GatewayApp {
  readonly app: Elysia;
  readonly runtimes: readonly ServiceRuntime[];
}

export function createApp(config: GatewayConfig, deps: AppDeps): GatewayApp {
  const runtimes = config.services.map((svc) => createServiceRuntime(svc, deps));
  let app = new Elysia({ name: "wx-gateway" }).onError({ as: "global" }, ({ code, error }) => {
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
        deps.log.error({ err: error instanceof Error ? error.message : String(error) }, "unhandled error");
        return new GatewayError(500, "internal error").toResponse();
    }
  });
  // app.handle is the one entry point of `serve` and the tests: the router sees the real path whatever the Host
  app = app.wrap((handle) => (request: Request) => handle(routableRequest(request))) as unknown as typeof app;
  for (const rt of runtimes) app = app.use(wxService(rt)) as unknown as typeof app;
  for (const plugin of deps.publicEndpoints ?? []) app = app.use(plugin) as unknown as typeof app;
  let document: Promise<Record<string, unknown>> | undefined;
  const exclude = [config.commonEndpoints.openapi ?? "", config.commonEndpoints.metrics ?? ""].filter(Boolean);
  app = app.use(
    commonEndpoints(config, {
      metrics: deps.metrics,
      openApiDocument: () =>
        (document ??= import("./endpoints/openapi-document").then((m) => m.buildOpenApiDocument(app as unknown as Elysia, exclude))),
      extra: deps.endpoints,
    }),
  ) as unknown as typeof app;
  return { app: app as unknown as Elysia, runtimes };
}

function firstProblem(error: unknown): string {
  const e = error as { all?: Array<{ path?: string; summary?: string; message?: string }> };
  const first = e.all?.[0];
  if (!first) return "request";
  return `${(first.path ?? "").replace(/^\//, "") || "request"}: ${first.summary ?? first.message ?? "invalid"}`;
}
