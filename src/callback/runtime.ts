/**
 * @module callback/runtime
 * Everything one configured account needs at request time, built once at start: its config, its push
 * surface's profile (profiles/), limiter, dedup table, replay guard and the shared dependencies.
 * Handlers never look config up.
 */
import type { ServiceConfig } from "../config/types";
import type { Logger } from "../obs/log";
import type { Metrics } from "../obs/metrics";
import { createProfile, type PushProfile } from "../profiles/index";
import { Tally } from "../util/tally";
import type { OutgoingMessage } from "../wechat/custom-message";
import type { UserInfoLookup } from "../wxapi/user";
import type { AckJournal } from "./ack-journal";
import { type CallbackCore, createCallbackCore } from "./core";
import { createMemoryDedup, type Dedup } from "./dedup";
import { createLimiter, type Limiter } from "./limiter";
import { createMemoryReplayGuard, type ReplayGuard } from "./replay";

export type { UserInfoLookup };
/** sends a reply as a message of the service's API (async-reply): the profile's `asyncMessage` */
export type AsyncReplySender = (svc: ServiceConfig, message: OutgoingMessage) => Promise<void>;

export interface ServiceDeps {
  readonly log: Logger;
  readonly metrics: Metrics;
  readonly fetch: typeof fetch;
  /** unix milliseconds */
  readonly now: () => number;
  readonly userInfo?: UserInfoLookup;
  readonly asyncReply?: AsyncReplySender;
  /** shared-state factories (Redis); memory versions are used when absent */
  readonly createDedup?: (svc: ServiceConfig) => Dedup;
  readonly createReplayGuard?: (svc: ServiceConfig) => ReplayGuard;
  /** the workerNum bound shared by worker threads (workers/); the service's own when absent */
  readonly createLimiter?: (svc: ServiceConfig) => Limiter;
  /** the gateway's deadline queue, abort leases and shared lookups; each service gets its own when absent */
  readonly core?: CallbackCore;
  /** the requests of the generation the service belongs to (ops/generation); the service's own when absent */
  readonly requests?: Tally;
  /** in a worker thread: where messages answered before their backend call are journaled (callback/ack-journal) */
  readonly journal?: AckJournal;
}

export interface ServiceRuntime {
  readonly config: ServiceConfig;
  readonly deps: ServiceDeps;
  readonly log: Logger;
  /** what is particular to the service's push surface: verify, decode, parse, render, encode */
  readonly profile: PushProfile;
  readonly limiter: Limiter;
  readonly dedup: Dedup;
  readonly replay: ReplayGuard | null;
  readonly core: CallbackCore;
  /** callbacks in progress count themselves here (callback/spine): a reload's old generation waits for them */
  readonly requests: Tally;
}

/**
 * What a config reload carries from a service's previous runtime into its new one, because what it
 * depends on did not change (ops/generation): the limiter (its `workerNum` bound and the count the
 * drain waits for), the dedup table and the replay guard (retries and replays seen before the reload).
 */
export type CarriedState = Partial<Pick<ServiceRuntime, "limiter" | "dedup" | "replay">>;

export function createServiceRuntime(config: ServiceConfig, deps: ServiceDeps, carried: CarriedState = {}): ServiceRuntime {
  const onHit = () => deps.metrics.dedupHit(config.name);
  return {
    config,
    deps,
    log: deps.log.child({ service: config.name }),
    profile: createProfile(config),
    limiter: carried.limiter ?? deps.createLimiter?.(config) ?? createLimiter(config.workerNum),
    dedup: carried.dedup ?? deps.createDedup?.(config) ?? createMemoryDedup(config.dedupWindowS, { onHit, now: deps.now }),
    replay: config.timeoutS > 0 ? (carried.replay ?? deps.createReplayGuard?.(config) ?? createMemoryReplayGuard(config.timeoutS, deps.now)) : null,
    core: deps.core ?? createCallbackCore(),
    requests: deps.requests ?? new Tally(),
  };
}
