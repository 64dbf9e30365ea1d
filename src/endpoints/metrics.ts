/**
 * @module endpoints/metrics
 * `common-endpoints.metrics`: Prometheus text exposition of obs/metrics.
 */
import { Elysia } from "elysia";
import type { EndpointContext, RouteHook } from "./context";

export function metricsEndpoint(path: string, ctx: EndpointContext, hook: RouteHook<object>) {
  return new Elysia({ name: "metrics", seed: path }).get(
    path,
    // the registry is read per scrape: reading it loads prom-client, which a gateway nobody scrapes never pays
    async () => new Response(await ctx.metrics.registry.metrics(), { headers: { "content-type": ctx.metrics.registry.contentType } }),
    hook,
  );
}
