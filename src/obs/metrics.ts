/**
 * @module obs/metrics
 * Prometheus metrics (prom-client), one registry per app so tests and several apps in one process
 * never share counters. Modules receive this object; only endpoints/metrics.ts renders it.
 */
// types only: the module itself is loaded on first use (createMetrics)
import type { Counter, MetricObjectWithValues, MetricValueWithName, Registry } from "prom-client";
import { systemClock, type TimerClock } from "../util/clock";

export type CallbackOutcome = "replied" | "success-fallback" | "rejected" | "verified";

export interface Metrics {
  readonly registry: Registry;
  /** `reason`: why a callback was rejected (the status page's last errors; never a metric label) */
  callback(service: string, type: string, outcome: CallbackOutcome, reason?: string): void;
  /** seconds the backend took, by service and outcome ("ok", "error", "timeout") */
  backendLatency(service: string, outcome: string, seconds: number): void;
  /** `category` is the label (timeout, backend-error, bad-reply); `reason` the detail, for the status page only */
  fallback(service: string, category: string, reason?: string): void;
  dedupHit(service: string): void;
  tokenFetch(appId: string, kind: "token" | "ticket"): void;
  wxApiError(path: string, errcode: number): void;
  asyncReply(service: string, outcome: string): void;
  stateStoreDegraded(component: string): void;
  /** a call through the API proxy (api-proxy/metrics): path without ids, WeChat's errcode or "unread"/"unreachable" */
  apiProxyCall(path: string, errcode: string): void;
  /** an API proxy call answered 45009: that API's daily quota is used up */
  apiProxyQuotaExceeded(path: string): void;
  /** a config reload (SIGHUP or common-endpoints.reload): applied, invalid, needs-restart or failed */
  configReload(result: string): void;
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
 * prom-client's Histogram validates and hashes the label object on every observation, a measurable
 * share of the text path; this one keeps each label pair's buckets in a Float64Array
 * and gives prom-client's registry the same values, in the same order, when it renders a scrape.
 */
export class BackendLatencyHistogram {
  readonly type = "histogram";
  readonly aggregator = "sum";
  private readonly cells = new Map<string, Map<string, LatencyCell>>();

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly bounds: readonly number[],
  ) {}

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
 * A prom-client Counter's numbers, kept as plain counts until a scrape collects them: prom-client's
 * `inc(labels)` sorts and hashes the label object on every call, which the callback path would
 * otherwise pay once per message. Up to three labels; unused ones are "".
 */
class PendingCounter {
  private readonly cells = new Map<string, Map<string, Map<string, { n: number }>>>();

  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[],
  ) {}

  add(a: string, b = "", c = ""): void {
    let byB = this.cells.get(a);
    if (byB === undefined) this.cells.set(a, (byB = new Map()));
    let byC = byB.get(b);
    if (byC === undefined) byB.set(b, (byC = new Map()));
    const cell = byC.get(c);
    if (cell === undefined) byC.set(c, { n: 1 });
    else cell.n++;
  }

  /** Registers the prom-client Counter that takes over these counts whenever the registry collects. */
  register(prom: PromClient, registry: Registry): void {
    const pending = this;
    const labelNames = this.labelNames;
    const counter: Counter<string> = new prom.Counter({
      name: this.name,
      help: this.help,
      labelNames,
      registers: [registry],
      collect() {
        pending.drain((values, n) => counter.inc(Object.fromEntries(labelNames.map((l, i) => [l, values[i]!])), n));
      },
    });
  }

  /** Calls `flush` for every non-zero cell and zeroes it. */
  private drain(flush: (values: readonly [string, string, string], n: number) => void): void {
    for (const [a, byB] of this.cells) {
      for (const [b, byC] of byB) {
        for (const [c, cell] of byC) {
          if (cell.n === 0) continue;
          flush([a, b, c], cell.n);
          cell.n = 0;
        }
      }
    }
  }
}

type PromClient = typeof import("prom-client");

// a require inside a function: the bundle evaluates prom-client on the first call, not at start
const loadPromClient = (): PromClient => require("prom-client") as PromClient;

export interface MetricsOptions {
  /** register prom-client's process metrics (CPU, memory, event loop, heap) a second after creation */
  readonly processMetrics?: boolean;
  /** the timer that registers them */
  readonly clock?: TimerClock;
}

/**
 * Counts live here as plain numbers; prom-client is loaded when something first needs the registry
 * (a scrape, or the process metrics a second after start). Loading it costs ~16 ms of start-up and
 * resident memory (it pulls in Bun's http, https, zlib and cluster modules: +12 MB in a bare
 * executable, ~2 MB beside pino and Elysia), which a gateway without a metrics endpoint never pays.
 */
export function createMetrics(opts: MetricsOptions = {}): Metrics {
  const callbacks = new PendingCounter("wxgw_callbacks_total", "WeChat callbacks by service, message/event type and outcome", ["service", "type", "outcome"]);
  const latency = new BackendLatencyHistogram(
    "wxgw_backend_latency_seconds",
    "Backend response time",
    [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 4.5, 10],
  );
  const fallbacks = new PendingCounter("wxgw_success_fallbacks_total", "Callbacks answered 'success' instead of the backend's reply, by reason", [
    "service",
    "reason",
  ]);
  const dedup = new PendingCounter("wxgw_dedup_hits_total", "WeChat retries absorbed by dedup", ["service"]);
  const tokens = new PendingCounter("wxgw_token_fetches_total", "access_token / jsapi_ticket fetches from WeChat", ["app_id", "kind"]);
  const wxErrors = new PendingCounter("wxgw_wechat_api_errors_total", "WeChat API answers with a non-zero errcode (-1: network/timeout)", ["path", "errcode"]);
  const asyncReplies = new PendingCounter(
    "wxgw_async_replies_total",
    "Late, oversized or non-passive replies sent through the surface's message API (message/custom/send, WeCom message/send), by outcome",
    ["service", "outcome"],
  );
  const degraded = new PendingCounter("wxgw_state_store_degraded_total", "Operations that fell back to per-instance memory because the shared store failed", [
    "component",
  ]);
  const proxyCalls = new PendingCounter("wxgw_api_proxy_calls_total", "Calls through the API proxy by WeChat API path (ids removed) and errcode", [
    "path",
    "errcode",
  ]);
  const proxyQuota = new PendingCounter("wxgw_api_proxy_quota_exceeded_total", "API proxy calls answered 45009 (the API's daily quota is used up), by path", [
    "path",
  ]);
  const reloads = new PendingCounter(
    "wxgw_config_reloads_total",
    "Config reloads (SIGHUP or the reload endpoint) by result: applied, invalid, needs-restart, failed",
    ["result"],
  );

  let built: Registry | undefined;
  /** the registry, built (and prom-client loaded) on first use */
  const registry = (): Registry => {
    if (built !== undefined) return built;
    const prom = loadPromClient();
    built = new prom.Registry();
    callbacks.register(prom, built);
    built.registerMetric(latency as never);
    for (const counter of [fallbacks, dedup, tokens, wxErrors, asyncReplies, degraded, proxyCalls, proxyQuota, reloads]) counter.register(prom, built);
    return built;
  };
  if (opts.processMetrics ?? true) {
    // an unref'd timer: a gateway that is shutting down does not wait for it
    (opts.clock ?? systemClock).setTimer(() => loadPromClient().collectDefaultMetrics({ register: registry(), prefix: "wxgw_" }), PROCESS_METRICS_DELAY_MS);
  }
  return {
    get registry() {
      return registry();
    },
    callback: (service, type, outcome) => callbacks.add(service, type, outcome),
    backendLatency: (service, outcome, seconds) => latency.observe(service, outcome, seconds),
    fallback: (service, category) => fallbacks.add(service, category),
    dedupHit: (service) => dedup.add(service),
    tokenFetch: (appId, kind) => tokens.add(appId, kind),
    wxApiError: (path, errcode) => wxErrors.add(path, String(errcode)),
    asyncReply: (service, outcome) => asyncReplies.add(service, outcome),
    stateStoreDegraded: (component) => degraded.add(component),
    apiProxyCall: (path, errcode) => proxyCalls.add(path, errcode),
    apiProxyQuotaExceeded: (path) => proxyQuota.add(path),
    configReload: (result) => reloads.add(result),
  };
}
