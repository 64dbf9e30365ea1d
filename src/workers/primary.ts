/**
 * @module workers/primary
 * `workers` > 1: the process's main thread becomes the primary. It serves nothing itself; it
 * - allocates the shared memory and owns the token and cache stores (workers/state-host);
 * - starts N worker threads, each running `serve` on the same listeners (`reusePort`): the first
 *   alone, so that a port 0 in the config becomes one port the others then share;
 * - answers the workers' calls (tokens, caches) and collects every worker's metrics for a scrape;
 * - restarts a worker that exits unexpectedly (logged, with a backoff when it keeps dying), after
 *   letting go of what it held (claims, slots, locks), and hands its successor the messages it had
 *   answered before their backend call was over (workers/ack-journal);
 * - on SIGTERM/SIGINT tells every worker to drain (each as a single process would: callback/drain)
 *   and exits once all have; SIGHUP reaches every worker as a reload (workers/reload).
 * Why threads and shared memory rather than processes and a primary owning the state:
 * docs/architecture.md#workers. Like `serve`, the primary is an entry point: its restart backoff and
 * the bounds on the workers' answers run on real time.
 */
import { loadConfig } from "../config/load";
import type { GatewayConfig } from "../config/types";
import type { StatusData } from "../contract/ops";
import type { ReloadOutcome } from "../endpoints/context";
import type { Logger } from "../obs/log";
import { createMetrics } from "../obs/metrics";
import { systemClock } from "../util/clock";
import { Journals } from "./ack-journal";
import { aggregateMetrics } from "./metrics";
import { heldPort, type Listener } from "./port-probe";
import type { Acknowledged, ToPrimary, ToWorker, WorkerStart } from "./protocol";
import { createStateHost } from "./state-host";
import { mergeStatus } from "./status-merge";

export interface PrimaryOptions {
  readonly config: GatewayConfig;
  readonly path: string | null;
  /** the primary's logger (its lines carry worker 0) */
  readonly log: Logger;
  /** thrown when a worker cannot start: serve's StartError (exit 4) */
  readonly startError: (message: string) => Error;
}

/** A worker that lived at least this long is restarted at once; one that dies sooner waits longer each time. */
const STABLE_MS = 10_000;
const MAX_BACKOFF_MS = 10_000;
const COLLECT_MS = 2_000;
const RELOAD_MS = 30_000;

/** What a worker thread runs: this executable's bundle, or src/main.ts from source. */
function workerEntry(): string {
  return Bun.main.startsWith("/$bunfs/") ? Bun.main : new URL("../main.ts", import.meta.url).href;
}

interface Running {
  readonly worker: Worker;
  readonly startedAt: number;
}

export async function runPrimary(opts: PrimaryOptions): Promise<void> {
  const { config, log } = opts;
  const host = createStateHost(config, log);
  host.prepare(config);
  const metrics = createMetrics({ processMetrics: Boolean(config.commonEndpoints.metrics) });
  const testHooks = process.env.WXGW_TEST_HOOKS === "1";
  const running = new Map<number, Running>();
  const failures = new Map<number, number>();
  // what each worker answered `success` for before its backend call was over (workers/ack-journal)
  const journals = new Journals();
  const collecting = new Map<number, { parts: Array<{ worker: number; value: unknown }>; expected: number; done: () => void }>();
  let ports: Record<string, number> = {};
  let stopping = false;
  let collects = 0;

  const send = (id: number, message: ToWorker) => running.get(id)?.worker.postMessage(message);

  /** Asks every worker (`ask` builds the message for a request id) and collects their answers. */
  async function askAll(ask: (id: number) => ToWorker, waitMs: number): Promise<Array<{ worker: number; value: unknown }>> {
    const id = ++collects;
    const parts: Array<{ worker: number; value: unknown }> = [];
    await new Promise<void>((resolve) => {
      collecting.set(id, { parts, expected: running.size, done: resolve });
      for (const w of running.keys()) send(w, ask(id));
      // a worker that does not answer (restarting) is left out
      setTimeout(resolve, waitMs).unref();
    });
    collecting.delete(id);
    return parts;
  }
  const collectMetrics = async () =>
    aggregateMetrics(
      metrics,
      (await askAll((id) => ({ t: "collect", id, what: "metrics" }), COLLECT_MS)).map((p) => p.value),
    );
  const collectStatus = async (asking: number) => {
    const parts = (await askAll((id) => ({ t: "collect", id, what: "status" }), COLLECT_MS)).filter((p) => p.value !== null);
    const own = parts.find((p) => p.worker === asking) ?? parts[0];
    if (!own) throw new Error("no worker answered");
    return mergeStatus(
      own.value as StatusData,
      parts.filter((p) => p !== own).map((p) => p.value as StatusData),
    );
  };

  /**
   * SIGHUP or the reload endpoint: memory for the new config's services first, then every worker
   * reloads (ops/reload). The outcome is the first refusal, or the first worker's.
   */
  async function reloadAll(trigger: string): Promise<ReloadOutcome> {
    try {
      const memory = host.prepare(loadConfig(opts.path).config);
      for (const w of running.keys()) send(w, { t: "memory", memory });
    } catch {
      // invalid: every worker refuses it too, and says why
    }
    const outcomes = (await askAll((id) => ({ t: "reload", id, trigger }), RELOAD_MS)).map((p) => p.value as ReloadOutcome | null);
    const answered = outcomes.filter((o): o is ReloadOutcome => o !== null && typeof o === "object" && "applied" in o);
    log.info({ trigger, workers: answered.length, applied: answered.filter((o) => o.applied).length }, "reload: every worker has answered");
    const outcome = answered.find((o) => !o.applied) ?? answered[0];
    if (!outcome) throw new Error("no worker answered the reload");
    return outcome;
  }

  function onMessage(id: number, message: ToPrimary, ready: (ports: Record<string, number> | string) => void) {
    if (journals.take(id, message)) return;
    switch (message.t) {
      case "call": {
        const { op, args } = message;
        const answer =
          op === "metrics" ? collectMetrics() : op === "status" ? collectStatus(id) : op === "reload" ? reloadAll(String(args[0])) : host.call(id, op, args);
        answer.then(
          (value) => send(id, { t: "result", id: message.id, ok: true, value }),
          (err: Error) => send(id, { t: "result", id: message.id, ok: false, error: err.message }),
        );
        return;
      }
      case "collected": {
        const c = collecting.get(message.id);
        if (!c) return;
        c.parts.push({ worker: id, value: message.value });
        if (c.parts.length >= c.expected) c.done();
        return;
      }
      case "ready":
        return ready(message.ports);
      case "failed":
        return ready(message.error);
    }
  }

  /** Starts worker `id`; resolves with its ports once it listens, or its error. */
  function spawn(id: number): Promise<Record<string, number> | string> {
    const start: WorkerStart = { id, config, path: opts.path, memory: host.memory, ports, testHooks };
    const worker = new Worker(workerEntry(), { workerData: start } as WorkerOptions);
    running.set(id, { worker, startedAt: systemClock.now() });
    return new Promise((resolve) => {
      worker.addEventListener("message", (e) => onMessage(id, (e as MessageEvent<ToPrimary>).data, resolve));
      worker.addEventListener("close", (e) => {
        const code = (e as CloseEvent & { code?: number }).code ?? 0;
        resolve(`worker ${id} exited (${code}) before it listened`);
        exited(id, code);
      });
    });
  }

  function exited(id: number, code: number) {
    const was = running.get(id);
    running.delete(id);
    const freed = host.forgetWorker(id);
    const orphans = journals.leftBy(id);
    if (stopping || was === undefined) {
      // a worker that drained (exit 0) has settled its journal; one that ended in the middle of it has not
      if (orphans.length > 0 && code !== 0)
        log.error(
          { exitedWorker: id, messages: orphans.length },
          `worker ${id} ended while stopping with acknowledged messages not through their backend call: lost`,
        );
      return;
    }
    const livedMs = Math.round(systemClock.now() - was.startedAt);
    const n = livedMs >= STABLE_MS ? 0 : (failures.get(id) ?? 0) + 1;
    failures.set(id, n);
    const backoffMs = n === 0 ? 0 : Math.min(MAX_BACKOFF_MS, 100 * 2 ** (n - 1));
    log.error({ exitedWorker: id, code, livedMs, freed, restartInMs: backoffMs }, `worker ${id} exited unexpectedly: restarting it`);
    setTimeout(() => {
      if (stopping) return;
      void spawn(id).then((result) => {
        if (typeof result === "string") log.error({ restartedWorker: id, err: result }, `worker ${id} could not start again`);
        else log.info({ restartedWorker: id }, `worker ${id} restarted`);
        handOn(orphans, typeof result === "string" ? undefined : id);
      });
    }, backoffMs);
  }

  /** An ended worker's acknowledged messages to its successor (`to`), or to any running worker. */
  function handOn(messages: Acknowledged[], to: number | undefined) {
    if (messages.length === 0) return;
    const target = to ?? running.keys().next().value;
    if (target === undefined) {
      log.error({ messages: messages.length }, "acknowledged messages of an ended worker: no worker is running to take them: lost");
      return;
    }
    log.info({ worker: target, messages: messages.length }, `worker ${target} runs again the messages an ended worker had acknowledged`);
    send(target, { t: "resume", messages });
  }

  const held = heldPort(listenersOf(config));
  if (held !== null) throw opts.startError(held);
  const first = await spawn(1);
  if (typeof first === "string") throw opts.startError(first);
  ports = first;
  const rest = await Promise.all(Array.from({ length: config.workers - 1 }, (_, i) => spawn(i + 2)));
  const failed = rest.find((r): r is string => typeof r === "string");
  if (failed !== undefined) {
    stopping = true;
    for (const { worker } of running.values()) worker.terminate();
    throw opts.startError(failed);
  }
  log.info({ workers: config.workers, ports }, `${config.workers} workers serving`);

  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal, workers: running.size }, "stopping: every worker drains what it accepted");
    const exits = [...running.values()].map(({ worker }) => new Promise<void>((resolve) => worker.addEventListener("close", () => resolve())));
    for (const id of running.keys()) send(id, { t: "drain" });
    await Promise.all(exits);
    await host.close();
    log.flush();
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGHUP", () => {
    if (!stopping) void reloadAll("SIGHUP");
  });
}

/** The listeners the workers will share, as the config names them. */
function listenersOf(config: GatewayConfig): Listener[] {
  const host = config.listenHost || "0.0.0.0";
  const listeners: Listener[] = [{ what: "", host, port: config.listenPort }];
  if (config.adminListen) listeners.push({ what: " (admin-listen)", ...config.adminListen });
  if (config.apiProxy) listeners.push({ what: " (api-proxy.listen)", ...config.apiProxy });
  return listeners;
}
