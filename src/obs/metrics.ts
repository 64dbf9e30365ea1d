/**
 * @module obs/metrics
 * Prometheus metrics (prom-client), one registry per app so tests and several apps in one process
 * never share counters. Modules receive this object; only endpoints/metrics.ts renders it.
 */
import { Counter, Registry, collectDefaultMetrics, type MetricObjectWithValues, type MetricValueWithName } from "prom-client";

export type CallbackOutcome = "replied" | "success-fallback" | "rejected" | "verified";

export interface Metrics {
  readonly registry: Registry;
  callback(service: string, type: string, outcome: CallbackOutcome): void;
  /** seconds the backend took, by service and outcome ("ok", "error", "timeout") */
  backendLatency(service: string, outcome: string, seconds: number): void;
  fallback(service: string, reason: string): void;
  dedupHit(service: string): void;
  tokenFetch(appId: string, kind: "token" | "ticket"): void;
  wxApiError(path: string, errcode: number): void;
  asyncReply(service: string, outcome: string): void;
  stateStoreDegraded(component: string): void;
}

export const PROCESS_METRICS_DELAY_MS = 1000;

interface LatencyCell {
  /** per bucket, not cumulative; the last slot is above the highest bound */
  readonly counts: Float64Array;
  sum: number;
  count: number;
}

/**
 * The backend-latency histogram (labels service, outcome), observed once per forwarded message.
 * prom-client's Histogram validates and hashes the label object on every observation (~5 % of the
 * text path's throughput, measured); this one keeps each label pair's buckets in a Float64Array
 * and gives prom-client's registry the same values, in the same order, when it renders a scrape.
 */
export class BackendLatencyHistogram {
  readonly type = "histogram";
  readonly aggregator = "sum";
  private readonly cells = new Map<string, Map<string, LatencyCell>>();

  constructor(readonly name: string, readonly help: string, private readonly bounds: readonly number[]) {}

  observe(service: string, outcome: string, seconds: number): void {
    if (!Number.isFinite(seconds)) return;
    let byOutcome = this.cells.get(service);
    if (byOutcome === undefined) this.cells.set(service, (byOutcome = new Map()));
    let cell = byOutcome.get(outcome);
    if (cell === undefined) byOutcome.set(outcome, (cell = { counts: new Float64Array(this.bounds.length + 1), sum: 0, count: 0 }));
    let i = 0;
    while (i < this.bounds.length && seconds > this.bounds[i]!) i++;
    cell.counts[i]!++;
    cell.sum += seconds;
    cell.count++;
  }

  /** What prom-client's registry renders (the shape of its own Histogram's `get()`). */
  async get(): Promise<Omit<MetricObjectWithValues<MetricValueWithName<string>>, "collect">> {
    const values: Array<MetricValueWithName<string>> = [];
    for (const [service, byOutcome] of this.cells) {
      for (const [outcome, cell] of byOutcome) {
        let cumulative = 0;
        this.bounds.forEach((le, i) => {
          cumulative += cell.counts[i]!;
          values.push({ metricName: `${this.name}_bucket`, labels: { le, service, outcome }, value: cumulative });
        });
        values.push({ metricName: `${this.name}_bucket`, labels: { le: "+Inf", service, outcome }, value: cell.count });
        values.push({ metricName: `${this.name}_sum`, labels: { service, outcome }, value: cell.sum });
        values.push({ metricName: `${this.name}_count`, labels: { service, outcome }, value: cell.count });
      }
    }
    return { name: this.name, help: this.help, type: this.type as never, values, aggregator: this.aggregator };
  }

  reset(): void {
    this.cells.clear();
  }
}

/**
 * Per-message counts kept as plain numbers and handed to prom-client when it collects (a scrape):
 * prom-client's `inc(labels)` sorts and hashes the label object on every call, which the callback
 * path would otherwise pay once per message.
 */
class PendingCounts {
  private readonly cells = new Map<string, Map<string, Map<string, { n: number }>>>();

  add(a: string, b: string, c: string): void {
    let byB = this.cells.get(a);
    if (byB === undefined) this.cells.set(a, (byB = new Map()));
    let byC = byB.get(b);
    if (byC === undefined) byB.set(b, (byC = new Map()));
    const cell = byC.get(c);
    if (cell === undefined) byC.set(c, { n: 1 });
    else cell.n++;
  }

  /** Calls `flush` for every non-zero cell and zeroes it. */
  drain(flush: (a: string, b: string, c: string, n: number) => void): void {
    for (const [a, byB] of this.cells) {
      for (const [b, byC] of byB) {
        for (const [c, cell] of byC) {
          if (cell.n === 0) continue;
          flush(a, b, c, cell.n);
          cell.n = 0;
        }
      }
    }
  }
}

export function createMetrics(opts: { processMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  // process metrics (CPU, memory, event-loop lag, GC) start a second after creation: they only
  // matter to a scrape, and registering them costs start-up time (~7 ms)
  if (opts.processMetrics ?? true) {
    setTimeout(() => collectDefaultMetrics({ register: registry, prefix: "wxgw_" }), PROCESS_METRICS_DELAY_MS).unref();
  }
  const reg = [registry];
  const pendingCallbacks = new PendingCounts();
  const callbacks: Counter<"service" | "type" | "outcome"> = new Counter({
    name: "wxgw_callbacks_total", help: "WeChat callbacks by service, message/event type and outcome", labelNames: ["service", "type", "outcome"], registers: reg,
    collect() {
      pendingCallbacks.drain((service, type, outcome, n) => callbacks.inc({ service, type, outcome }, n));
    },
  });
  const latency = new BackendLatencyHistogram("wxgw_backend_latency_seconds", "Backend response time", [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 4.5, 10]);
  registry.registerMetric(latency as never);
  const fallbacks = new Counter({ name: "wxgw_success_fallbacks_total", help: "Callbacks answered 'success' instead of the backend's reply, by reason", labelNames: ["service", "reason"], registers: reg });
  const dedup = new Counter({ name: "wxgw_dedup_hits_total", help: "WeChat retries absorbed by dedup", labelNames: ["service"], registers: reg });
  const tokens = new Counter({ name: "wxgw_token_fetches_total", help: "access_token / jsapi_ticket fetches from WeChat", labelNames: ["app_id", "kind"], registers: reg });
  const wxErrors = new Counter({ name: "wxgw_wechat_api_errors_total", help: "WeChat API answers with a non-zero errcode (-1: network/timeout)", labelNames: ["path", "errcode"], registers: reg });
  const asyncReplies = new Counter({ name: "wxgw_async_replies_total", help: "Late or oversized replies sent through message/custom/send, by outcome", labelNames: ["service", "outcome"], registers: reg });
  const degraded = new Counter({ name: "wxgw_state_store_degraded_total", help: "Operations that fell back to per-instance memory because the shared store failed", labelNames: ["component"], registers: reg });
  return {
    registry,
    callback: (service, type, outcome) => pendingCallbacks.add(service, type, outcome),
    backendLatency: (service, outcome, seconds) => latency.observe(service, outcome, seconds),
    fallback: (service, reason) => fallbacks.inc({ service, reason }),
    dedupHit: (service) => dedup.inc({ service }),
    tokenFetch: (appId, kind) => tokens.inc({ app_id: appId, kind }),
    wxApiError: (path, errcode) => wxErrors.inc({ path, errcode: String(errcode) }),
    asyncReply: (service, outcome) => asyncReplies.inc({ service, outcome }),
    stateStoreDegraded: (component) => degraded.inc({ component }),
  };
}
