/**
 * @module workers/protocol
 * What the primary (the process's main thread) and its worker threads tell each other over
 * postMessage, and the shared memory a worker is started with. Hot-path state never goes through
 * messages (it is in the SharedArrayBuffers); messages carry what happens a few times a minute:
 * token and cache reads and writes (the primary owns those stores), a scrape's metrics, readiness,
 * the drain at shutdown, a reload, and the journal of messages answered past their deadline before
 * their backend call was over (workers/ack-journal).
 */
import type { GatewayConfig } from "../config/types";
import type { InboundMessage } from "../wechat/message";
import type { SharedReplayMemory } from "./shared-replay";
import type { SharedDedupMemory } from "./shared-reply-table";

/** One service's shared memory; allocated by the primary per service name and settings. */
export interface ServiceMemory {
  /** the settings it was made for: a service whose settings change gets new memory at a reload */
  readonly key: string;
  /** null when the dedup and replay guard are in Redis */
  readonly dedup: SharedDedupMemory | null;
  readonly replay: SharedReplayMemory | null;
  readonly limiter: SharedArrayBuffer;
}

export interface WorkersMemory {
  readonly services: Readonly<Record<string, ServiceMemory>>;
  /** one word the primary bumps whenever a token or ticket changes: a worker's cached copy is stale */
  readonly tokenVersion: SharedArrayBuffer;
}

/** `workerData` of a worker thread. */
export interface WorkerStart {
  /** 1..workers; a restarted worker keeps its id */
  readonly id: number;
  readonly config: GatewayConfig;
  /** where the config came from (null: the embedded sample), for reloads */
  readonly path: string | null;
  readonly memory: WorkersMemory;
  /** the ports the first worker bound, by listener (main, admin, proxy): the others bind the same when the config says 0 */
  readonly ports: Readonly<Record<string, number>>;
  /** WXGW_TEST_HOOKS=1 in the primary's environment: each response names its worker (tests only) */
  readonly testHooks: boolean;
}

/** The store operations a worker asks of the primary (workers/state-host). */
export type StoreOp = "token.get" | "token.set" | "token.invalidate" | "token.lock" | "token.unlock" | "kv.get" | "kv.set" | "kv.setIfAbsent" | "kv.del";

/** Everything a worker may ask of the primary (`call`): the stores, a scrape, the status page, a reload. */
export type CallOp = StoreOp | "metrics" | "status" | "reload";

/** A message a worker answered before its backend call was over (workers/ack-journal). */
export interface Acknowledged {
  readonly service: string;
  readonly msg: InboundMessage;
}

export type ToPrimary =
  | { readonly t: "call"; readonly id: number; readonly op: CallOp; readonly args: readonly unknown[] }
  | { readonly t: "ready"; readonly ports: Readonly<Record<string, number>> }
  | { readonly t: "failed"; readonly error: string; readonly code: number }
  /** a worker's answer to a `collect` (its metrics) or a `reload` (its outcome) */
  | { readonly t: "collected"; readonly id: number; readonly value: unknown }
  /** journal entry `id` of this worker (workers/ack-journal): answered, backend call to come */
  | { readonly t: "acknowledged"; readonly id: number; readonly message: Acknowledged }
  /** journal entry `id`'s backend call is over */
  | { readonly t: "settled"; readonly id: number };

export type ToWorker =
  | { readonly t: "result"; readonly id: number; readonly ok: boolean; readonly value?: unknown; readonly error?: string }
  | { readonly t: "collect"; readonly id: number; readonly what: "metrics" | "status" }
  | { readonly t: "memory"; readonly memory: WorkersMemory }
  | { readonly t: "reload"; readonly id: number; readonly trigger: string }
  | { readonly t: "drain" }
  /** messages a worker that ended had answered before their backend call was over: run them again */
  | { readonly t: "resume"; readonly messages: readonly Acknowledged[] };
