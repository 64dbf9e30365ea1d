/**
 * @module endpoints/index
 * commonEndpoints(config, deps): mounts only the endpoints configured in `common-endpoints`; all of
 * them but health-check sit behind the admin token when one is set.
 */
import { Elysia, type AnyElysia } from "elysia";
import type { GatewayConfig } from "../config/types";
import type { Metrics } from "../obs/metrics";
import { adminGuardHook } from "./admin-guard";
import { healthEndpoint } from "./health";
import { metricsEndpoint } from "./metrics";
import { openApiEndpoint } from "./openapi";

export interface EndpointDeps {
  readonly metrics: Metrics;
  /** the OpenAPI document, built once the whole app is assembled */
  readonly openApiDocument: () => Promise<Record<string, unknown>>;
  /** further endpoint plugins (WeChat helpers), mounted behind the admin guard */
  readonly extra?: ReadonlyArray<AnyElysia>;
}

export function commonEndpoints(config: GatewayConfig, deps: EndpointDeps) {
  const ep = config.commonEndpoints;
  const open = new Elysia({ name: "common-open" });
  if (ep.healthCheck) open.use(healthEndpoint(ep.healthCheck));

  // the admin token itself is checked by adminGuard() on the root app, before parsing
  const guarded = new Elysia({ name: "common-guarded" });
  if (ep.metrics) guarded.use(metricsEndpoint(ep.metrics, deps.metrics));
  if (ep.openapi) guarded.use(openApiEndpoint(ep.openapi, deps.openApiDocument));
  for (const plugin of deps.extra ?? []) guarded.use(plugin);
  return new Elysia({ name: "common-endpoints" }).use(open).use(guarded);
}

/**
 * The root-level admin-token hook for every common endpoint but health-check: the configured paths,
 * every route of the extra endpoint plugins, and the wx-api prefix (null without a token).
 */
export function adminGuard(config: GatewayConfig, extra: ReadonlyArray<AnyElysia> = []) {
  const { healthCheck: _open, wxApi, ...configured } = config.commonEndpoints;
  const paths = [...Object.values(configured), ...extra.flatMap((plugin) => plugin.routes.map((r) => r.path))];
  return adminGuardHook(config.adminToken, paths.filter((p): p is string => !!p && !p.includes("*")), wxApi);
}
