/**
 * @module state
 * Shared callback state for several instances: the callback layer's Dedup and ReplayGuard (callback/)
 * over Redis. It follows `token-store`: when tokens are in Redis, the dedup table and the nonce replay
 * guard are in the same Redis under the same prefix, on the process's one connection, through the
 * store layer's state link (store/state-link: short bound, breaker). With a memory or file token
 * store there is nothing to share and the per-instance memory versions are used.
 *
 * These implement callback/'s interfaces, so they sit above callback/; store/ sits below it (wxapi/
 * uses the stores and callback/ uses wxapi/), which is why they are not in store/.
 *
 * Keys: `<prefix>dedup:<service>:<message key>` (claim, then reply; TTL reply-timeout-ms + 2 s,
 * then dedup-window-s) and `<prefix>nonce:<service>:<timestamp>:<nonce>` (TTL 2 × timeout).
 */

import type { GatewayConfig, ServiceConfig } from "../config/types";
import type { Logger } from "../obs/log";
import type { Metrics } from "../obs/metrics";
import type { RedisConnection } from "../store/redis-conn";
import { createStateLink, type StateLink } from "../store/state-link";
import type { Dedup } from "./dedup";
import { createRedisDedup } from "./dedup/redis-dedup";
import { createRedisReplayGuard } from "./redis-replay";
import type { ReplayGuard } from "./replay";

export { createStateLink, type StateLink, StateUnavailable } from "../store/state-link";
export { createRedisDedup, storedReply } from "./dedup/redis-dedup";
export { createRedisReplayGuard } from "./redis-replay";

/** The factories callback/runtime's `ServiceDeps` takes, backed by one Redis link. */
export interface SharedState {
  readonly link: StateLink;
  createDedup(svc: ServiceConfig): Dedup;
  createReplayGuard(svc: ServiceConfig): ReplayGuard;
  close(): void;
}

export interface SharedStateDeps {
  /** the process's Redis connection (store/index: `stores.redis`); without it the link opens its own (tests) */
  readonly connection?: RedisConnection | null;
  readonly log: Logger;
  readonly metrics: Pick<Metrics, "stateStoreDegraded" | "dedupHit">;
  /** unix milliseconds */
  readonly now?: () => number;
  /** the pause between polls while another instance holds a message (the gateway's clock) */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** Redis-backed dedup and replay guard when `token-store` is Redis; null otherwise (memory defaults). */
export function createSharedState(config: GatewayConfig, deps: SharedStateDeps): SharedState | null {
  const ts = config.tokenStore;
  if (ts.type !== "redis") return null;
  const settings = { prefix: ts.prefix, log: deps.log.child({ component: "shared-state" }), metrics: deps.metrics, now: deps.now };
  const link = createStateLink(deps.connection ? { ...settings, connection: deps.connection } : { ...settings, url: ts.url });
  return {
    link,
    createDedup: (svc) =>
      createRedisDedup({
        link,
        service: svc.name,
        windowS: svc.dedupWindowS,
        replyTimeoutMs: svc.replyTimeoutMs,
        onHit: () => deps.metrics.dedupHit(svc.name),
        now: deps.now,
        sleep: deps.sleep,
      }),
    createReplayGuard: (svc) => createRedisReplayGuard({ link, service: svc.name, windowS: svc.timeoutS, now: deps.now }),
    close: () => link.close(),
  };
}
