/**
 * @module workers/metrics
 * One scrape for all workers: the primary asks every worker for its registry as JSON and sums them
 * with prom-client's AggregatorRegistry (counters and histograms add up; every metric of ours sums).
 * The process metrics (CPU, memory, open files) are the primary's alone: the threads share one
 * process, so summing theirs would count it N times; heap and event-loop figures are the primary's
 * thread's. A worker's counts start again from zero when it is restarted (a counter reset).
 */
import type { MetricObjectWithValues, MetricValue } from "prom-client";
import type { Metrics } from "../obs/metrics";

export interface Exposition {
  readonly text: string;
  readonly contentType: string;
}

type MetricsJson = Array<MetricObjectWithValues<MetricValue<string>>>;

/** The primary's own registry (process metrics) and the workers' JSON, as one exposition text. */
export async function aggregateMetrics(primary: Metrics, workers: readonly unknown[]): Promise<Exposition> {
  const prom = require("prom-client") as typeof import("prom-client");
  const own = (await primary.registry.getMetricsAsJSON()) as MetricsJson;
  const registry = prom.AggregatorRegistry.aggregate([own, ...(workers as MetricsJson[])]);
  return { text: await registry.metrics(), contentType: registry.contentType };
}
