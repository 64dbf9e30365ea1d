/**
 * @module gateway
 * createGateway(config): the running gateway. What lives as long as the process is built here once —
 * the clock, metrics (feeding the status page's counts), the callback core, the operations (reload,
 * readiness, status) — and everything built from one config is a generation (ops/generation): stores,
 * WeChat client, services, apps, API proxy. The listeners call `handle`, `handleAdmin` and
 * `handleApiProxy`, which send each request to the current generation; a reload (ops/reload) makes a
 * new one current at once, and the old one finishes what it started and is let go. `serve` and the
 * tests both start the gateway through here, so what is tested is what runs. Shutdown is `drain()`
 * (callback/drain), then `close()`; `serve` calls both on SIGTERM.
 */
import type { Elysia } from "elysia";
import type { ApiProxy } from "./api-proxy/index";
import type { GatewayApp } from "./app";
import { createCallbackCore } from "./callback/core";
import { type DrainReport, drainCallbacks } from "./callback/drain";
import type { SharedState } from "./callback/shared-state";
import { resumeAcknowledged } from "./callback/spine";
import type { LoadedConfig } from "./config/load";
import type { GatewayConfig } from "./config/types";
import type { GatewayOps } from "./endpoints/context";
import { GatewayError } from "./http/errors";
import type { Logger } from "./obs/log";
import { createMetrics, type Metrics } from "./obs/metrics";
import { createStatusStats, feedStatus } from "./obs/status-stats";
import { tokenCacheDirProblem } from "./ops/cache-dir";
import { buildGeneration, type Generation, release } from "./ops/generation";
import { readinessOf } from "./ops/readiness";
import { createReloader } from "./ops/reload";
import { statusData } from "./ops/status";
import type { Stores } from "./store/index";
import { type Clock, systemClock } from "./util/clock";
import type { Acknowledged } from "./workers/protocol";
import type { WorkerShared } from "./workers/worker";
import type { WxApi } from "./wxapi/client";

export interface GatewayOptions {
  readonly log: Logger;
  readonly metrics?: Metrics;
  readonly fetch?: typeof fetch;
  /**
   * The one clock of this gateway (util/clock): the callback path's deadlines, token expiry and
   * renewal, cache and replay windows, metrics, the status page's minutes. Tests pass a fake one.
   */
  readonly clock?: Clock;
  /** reads and validates the config again for a reload (serve passes its loader); without it a reload is refused */
  readonly reloadSource?: () => LoadedConfig;
  /** in a worker thread of `workers` > 1: the state it shares with the other workers (workers/worker) */
  readonly workers?: WorkerShared;
  /** in a worker thread: the operations as the endpoints see them (every worker reloads; the status page covers all) */
  readonly opsVia?: (local: GatewayOps) => GatewayOps;
}

export interface Gateway extends GatewayApp {
  /** the current generation's config (and likewise below) */
  readonly config: GatewayConfig;
  readonly metrics: Metrics;
  readonly api: WxApi;
  /** token store, caches and, with `token-store` Redis, the process's one Redis connection */
  readonly stores: Stores;
  /** Redis dedup and replay guard on `stores.redis` when token-store is Redis, else null */
  readonly sharedState: SharedState | null;
  /** the WeChat API proxy on the token center (SPEC §9) when `api-proxy` is configured */
  readonly apiProxy: ApiProxy | null;
  /** the main listener's handler: the current generation's app */
  handle(req: Request): Promise<Response>;
  /** the admin listener's handler (`admin-listen`): the current generation's common endpoints */
  handleAdmin(req: Request): Promise<Response>;
  /** the API proxy listener's handler (`api-proxy.listen`) */
  handleApiProxy(req: Request): Promise<Response>;
  /** readiness, reload and status, as their endpoints and SIGHUP use them */
  readonly ops: GatewayOps;
  /** generations a reload retired that still have requests or accepted messages of their own */
  readonly retiring: number;
  /**
   * Refuses new callbacks (503), turns readiness to 503, and resolves once every accepted message has
   * reached the backend and finished, or the computed bound has passed (callback/drain).
   */
  drain(): Promise<DrainReport>;
  /**
   * Runs again, on the current config, messages another worker answered `success` for and ended before
   * their backend call was over (workers/ack-journal). A message whose service is gone, or no longer
   * forwards, is logged as lost.
   */
  resume(messages: readonly Acknowledged[]): void;
  /** Closes the shared state and the stores of every generation (once, however often it is called). */
  close(): Promise<void>;
}

const notServedHere = () => Promise.resolve(new GatewayError(404, "not found").toResponse());

export function createGateway(config: GatewayConfig, opts: GatewayOptions): Gateway {
  const { log } = opts;
  const clock = opts.clock ?? systemClock;
  // process metrics only matter to a scrape: without a metrics endpoint prom-client is never loaded
  const metrics = opts.metrics ?? createMetrics({ processMetrics: Boolean(config.commonEndpoints.metrics), clock });
  const stats = createStatusStats(clock.unixMs);
  const startedAt = clock.unixMs();
  let statusShown = false;
  let draining = false;
  const retiring = new Set<Generation>();
  const local: GatewayOps = {
    readiness: () => readinessOf(current, draining),
    reload: async (trigger) => reloader.reload(trigger),
    status: () => statusData({ generation: () => current, stats, reloads: reloader.history, readiness: local.readiness, now: clock.unixMs, startedAt }),
  };
  const ops = opts.opsVia?.(local) ?? local;
  // the status page's counts come from the metrics' own calls, and only while a page shows them
  const parts = {
    log,
    metrics: feedStatus(metrics, stats, () => statusShown),
    clock,
    fetch: opts.fetch ?? fetch,
    core: createCallbackCore(clock),
    ops,
    workers: opts.workers,
  };

  const switchTo = (next: GatewayConfig) => {
    const old: Generation | undefined = current;
    current = buildGeneration(next, parts, old ?? null);
    statusShown = Boolean(next.commonEndpoints.status);
    stats.retain(next.services.map((s) => s.name));
    if (old === undefined) return;
    retiring.add(old);
    release(old, () => ({ current, retiring })).catch((err: Error) => log.error({ err: err.message }, "closing a retired config's stores failed"));
  };
  let current: Generation = undefined as unknown as Generation;
  switchTo(config);
  const reloader = createReloader({
    source: opts.reloadSource ?? null,
    started: config,
    running: () => current.config,
    prepare: tokenCacheDirProblem,
    apply: switchTo,
    log,
    metrics,
    now: clock.unixMs,
  });

  /** A handler on the current generation's app or API proxy; each counts its own requests (http/counted-routes, callback/spine, api-proxy). */
  const serveWith = (pick: (g: Generation) => { handle(req: Request): Promise<Response> } | null) => (req: Request) =>
    pick(current)?.handle(req) ?? notServedHere();
  const live = () => [current, ...retiring];
  const limiterOwners = () => [...new Map(live().flatMap((g) => g.runtimes.map((rt) => [rt.limiter, rt] as const))).values()];
  let drained: Promise<DrainReport> | undefined;
  let closed: Promise<void> | undefined;
  return {
    get config() {
      return current.config;
    },
    get app(): Elysia {
      return current.app;
    },
    get adminApp() {
      return current.adminApp;
    },
    get runtimes() {
      return current.runtimes;
    },
    get api() {
      return current.wechat.api;
    },
    get stores() {
      return current.stores;
    },
    get sharedState() {
      return current.sharedState;
    },
    get apiProxy() {
      return current.apiProxy;
    },
    get retiring() {
      return retiring.size;
    },
    metrics,
    ops,
    handle: serveWith((g) => g.app),
    handleAdmin: serveWith((g) => g.adminApp),
    handleApiProxy: serveWith((g) => g.apiProxy),
    drain: () => (drained ??= ((draining = true), drainCallbacks(limiterOwners(), log))),
    resume(messages) {
      if (messages.length > 0) log.info({ messages: messages.length }, "running again the messages an ended worker had acknowledged");
      for (const { service, msg } of messages) {
        const rt = current.runtimes.find((r) => r.config.name === service);
        if (!rt?.config.msgProxyPass) {
          log.error({ service }, "an acknowledged message of an ended worker has no service forwarding it in this config: lost");
          continue;
        }
        try {
          resumeAcknowledged(msg, rt);
        } catch (err) {
          log.error({ service, err: (err as Error).message }, "an acknowledged message of an ended worker could not be run again: lost");
        }
      }
    },
    close: () =>
      (closed ??= (async () => {
        const generations = live();
        for (const state of new Set(generations.map((g) => g.sharedState))) state?.close();
        await Promise.all([...new Set(generations.map((g) => g.stores))].map((s) => s.close()));
      })()),
  };
}
