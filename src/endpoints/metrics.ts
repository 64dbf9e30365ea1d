/**
 * @module endpoints/metrics
 * `common-endpoints.metrics`: Prometheus text exposition of obs/metrics.
 */
import { Elysia } from "elysia";
import type { Metrics } from "../obs/metrics";

export function metricsEndpoint(path: string, metrics: Metrics) {
  return new Elysia({ name: "metrics", seed: path }).get(
    path,
    async () => new Response(await metrics.registry.metrics(), { headers: { "content-type": metrics.registry.contentType } }),
    { detail: { summary: "Prometheus metrics", tags: ["ops"] } },
  );
}
