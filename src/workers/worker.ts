/**
 * @module workers/worker
 * A worker thread's place among the `workers` (started by workers/primary, which gives it its id,
 * the config and the shared memory as `workerData`). `serve` asks `workerRole()` once: null in the
 * primary and in a single-threaded gateway; in a worker, what makes it one of many:
 * - `gatewayOptions`: the state shared with the other workers (workers/shared-*: dedup, replay guard,
 *   workerNum; workers/remote-stores: tokens and caches on the primary unless they are in Redis) and
 *   metrics whose scrape covers every worker;
 * - its listeners share their ports (`reusePort`: the kernel spreads connections over the workers);
 * - `onDrain`: the primary's SIGTERM reaches `serve`'s stop through a message;
 * - with WXGW_TEST_HOOKS=1 (tests only) every answer names its worker (`x-wxgw-worker`) and a request
 *   with `x-wxgw-test-exit: 1` ends the worker at once, as a crash would.
 */
import { workerData } from "node:worker_threads";
import type { Registry } from "prom-client";
import type { AckJournal } from "../callback/ack-journal";
import { createMemoryDedup, type Dedup } from "../callback/dedup";
import { createLimiter, type Limiter } from "../callback/limiter";
import { createMemoryReplayGuard, type ReplayGuard } from "../callback/replay";
import type { ServiceConfig } from "../config/types";
import type { StatusData } from "../contract/ops";
import type { GatewayOps, ReloadOutcome } from "../endpoints/context";
import { createLogger, type Logger } from "../obs/log";
import { createMetrics, type Metrics } from "../obs/metrics";
import type { KvStore } from "../store/kv";
import type { TokenStore } from "../store/token-store";
import type { Clock, TimerClock } from "../util/clock";
import { createWorkerJournal } from "./ack-journal";
import type { Acknowledged, ToPrimary, WorkerStart, WorkersMemory } from "./protocol";
import { createRemoteKvStore, createRemoteTokenStore } from "./remote-stores";
import { createRpc, type Link, type Rpc } from "./rpc";
import { createSharedDedup } from "./shared-dedup";
import { createSharedLimiter } from "./shared-limiter";
import { createSharedReplayGuard } from "./shared-replay";
import { serviceKey } from "./state-host";

/**
 * What a gateway in a worker uses instead of its own state (gateway option `workers`). Dedup and the
 * replay guard are asked for only without Redis (with it, Redis is the state all workers share).
 */
export interface WorkerShared {
  /** `clock`: the gateway's (a retry's wait for another worker, the window) */
  createDedup(svc: ServiceConfig, hooks: { readonly onHit: () => void; readonly clock: TimerClock & Pick<Clock, "unixMs"> }): Dedup;
  /** `now`: the gateway's unix ms */
  createReplayGuard(svc: ServiceConfig, now: () => number): ReplayGuard;
  createLimiter(svc: ServiceConfig): Limiter;
  /** null when the stores are in Redis (each worker connects to it) */
  readonly tokens: TokenStore | null;
  readonly kv: KvStore | null;
  /** messages answered before their backend call was over, journaled with the primary */
  readonly journal: AckJournal;
}

export interface WorkerActions {
  /** stop as on SIGTERM: stop listening, drain what was accepted, exit the thread */
  drain(): void;
  /** run again the messages a worker that ended had answered before their backend call was over */
  resume(messages: readonly Acknowledged[]): void;
}

export interface WorkerRole {
  readonly id: number;
  /** this worker's logger: every line carries its id */
  readonly log: Logger;
  readonly start: WorkerStart;
  readonly shared: WorkerShared;
  /** this worker's metrics; a scrape of it answers for all workers */
  readonly metrics: Metrics;
  readonly rpc: Rpc;
  /** the port to bind: the configured one, or the first worker's when the config says 0 */
  port(kind: "main" | "admin" | "proxy", configured: number): number;
  /** `serve` is listening: tell the primary (with the ports bound) */
  ready(ports: Record<string, number>): void;
  /** `serve` could not start: tell the primary (which exits with `code`) */
  failed(error: string, code: number): void;
  /** What the primary may ask of `serve`: the drain at SIGTERM. */
  listen(actions: WorkerActions): void;
  /**
   * The gateway's operations as the endpoints see them (gateway option `opsVia`): a reload reaches
   * every worker and the status page covers them all, through the primary; readiness is this worker's.
   * The primary's reload and status requests run on `local`.
   */
  opsVia(local: GatewayOps): GatewayOps;
  /** the main listener's handler, with the test hooks when they are on */
  handler(handle: (req: Request) => Promise<Response>): (req: Request) => Promise<Response>;
}

const link: Link = {
  post: (message: ToPrimary) => postMessage(message),
  listen: (handler) => addEventListener("message", (e) => handler((e as MessageEvent).data)),
};

let role: WorkerRole | null | undefined;

/** This thread's place among the workers, or null in the primary and a single-threaded gateway. */
export function workerRole(): WorkerRole | null {
  if (role !== undefined) return role;
  const start = Bun.isMainThread ? undefined : (workerData as WorkerStart | undefined);
  role = start?.memory ? createRole(start) : null;
  return role;
}

function createRole(start: WorkerStart): WorkerRole {
  const rpc = createRpc(link);
  const log = createLogger().child({ worker: start.id });
  let memory: WorkersMemory = start.memory;
  const redis = start.config.tokenStore.type === "redis";
  /**
   * The service's shared memory, made by the primary for these settings before it had the workers
   * reload. Missing only when the config file changed between the primary's read and this worker's:
   * the worker then keeps its own state for the service until the next reload, and says so.
   */
  const service = (svc: ServiceConfig) => {
    const mem = memory.services[svc.name];
    if (mem?.key === serviceKey(svc, redis)) return mem;
    log.error(
      { service: svc.name },
      "no shared state for this service's settings (the config changed during the reload): this worker keeps its own until the next reload",
    );
    return null;
  };
  const shared: WorkerShared = {
    createDedup(svc, { onHit, clock }) {
      const mem = service(svc)?.dedup;
      if (!mem) return createMemoryDedup(svc.dedupWindowS, { onHit, now: clock.unixMs });
      return createSharedDedup({ memory: mem, worker: start.id, windowS: svc.dedupWindowS, replyTimeoutMs: svc.replyTimeoutMs, clock, onHit });
    },
    createReplayGuard(svc, now) {
      const mem = service(svc)?.replay;
      return mem ? createSharedReplayGuard(mem, start.id, svc.timeoutS, now) : createMemoryReplayGuard(svc.timeoutS, now);
    },
    createLimiter(svc) {
      const mem = service(svc)?.limiter;
      return mem ? createSharedLimiter(mem, start.id, svc.workerNum) : createLimiter(svc.workerNum);
    },
    tokens: redis ? null : createRemoteTokenStore(rpc, start.config.tokenStore.type, memory.tokenVersion),
    kv: redis ? null : createRemoteKvStore(rpc),
    journal: createWorkerJournal(link.post),
  };
  const own = createMetrics({ processMetrics: false });
  const scrape = async () => rpc.call<{ text: string; contentType: string }>("metrics");
  // the scrape's registry: the primary collects every worker's counts (and the process's) into one text
  const everyWorker = { metrics: async () => (await scrape()).text, contentType: "text/plain; version=0.0.4; charset=utf-8" } as unknown as Registry;
  // every worker reloads at once: the first alone counts it, so a scrape's sum says one
  const metrics = Object.create(own, {
    registry: { get: () => everyWorker },
    ...(start.id === 1 ? {} : { configReload: { value: () => {} } }),
  }) as Metrics;
  let actions: WorkerActions | null = null;
  let local: GatewayOps | null = null;
  const none = Promise.resolve(null);
  const answer = (id: number, value: Promise<unknown>) =>
    void value.then(
      (v) => link.post({ t: "collected", id, value: v }),
      (err: Error) => link.post({ t: "collected", id, value: { error: err.message } }),
    );
  rpc.onMessage((message) => {
    if (message.t === "memory") memory = message.memory;
    else if (message.t === "collect") answer(message.id, message.what === "metrics" ? own.registry.getMetricsAsJSON() : (local?.status() ?? none));
    else if (message.t === "reload") answer(message.id, local?.reload(message.trigger) ?? none);
    else if (message.t === "drain") actions?.drain();
    else if (message.t === "resume") actions?.resume(message.messages);
  });
  return {
    id: start.id,
    log,
    start,
    shared,
    metrics,
    rpc,
    port: (kind, configured) => (configured === 0 ? (start.ports[kind] ?? 0) : configured),
    ready: (ports) => link.post({ t: "ready", ports }),
    failed: (error, code) => link.post({ t: "failed", error, code }),
    listen: (a) => void (actions = a),
    opsVia(ops) {
      local = ops;
      return {
        readiness: () => ops.readiness(),
        reload: (trigger) => rpc.call<ReloadOutcome>("reload", trigger),
        status: () => rpc.call<StatusData>("status"),
      };
    },
    handler: (handle) => (start.testHooks ? withTestHooks(start.id, handle) : handle),
  };
}

function withTestHooks(id: number, handle: (req: Request) => Promise<Response>) {
  return async (req: Request) => {
    if (req.headers.get("x-wxgw-test-exit") === "1") process.exit(1);
    const res = await handle(req);
    const named = new Response(res.body, res);
    named.headers.set("x-wxgw-worker", String(id));
    return named;
  };
}
