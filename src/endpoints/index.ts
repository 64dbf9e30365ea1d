/**
 * @module endpoints/index
 * commonEndpoints(config, deps): mounts only the endpoints configured in `common-endpoints`; all of
 * them but health-check sit in the admin-guarded group (endpoints/admin-guard) when a token is set.
 */
import { Elysia, type AnyElysia } from "elysia";
import type { GatewayConfig } from "../config/types";
import type { Metrics } from "../obs/metrics";
import { adminGuardedGroup } from "./admin-guard";
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
  const health = ep["health-check"];
  if (health) open.use(healthEndpoint(health));

  // the group carries the admin-token check: every route mounted in it below is guarded
  const guarded = adminGuardedGroup(config.adminToken, "common-guarded");
  if (ep.metrics) guarded.use(metricsEndpoint(ep.metrics, deps.metrics));
  if (ep.openapi) guarded.use(openApiEndpoint(ep.openapi, deps.openApiDocument));
  for (const plugin of deps.extra ?? []) guarded.use(plugin);
  return new Elysia({ name: "common-endpoints" }).use(open).use(guarded);
}
