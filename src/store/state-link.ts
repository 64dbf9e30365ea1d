/**
 * @module store/state-link
 * The Redis link of the callback path's shared state (dedup, nonce replay guard). WeChat waits 5 s
 * for an answer, so this link keeps Redis from eating that budget:
 * - a short bound (300 ms per command) on the process's one Redis connection, instead of the token
 *   store's 2 s;
 * - a breaker: after a failure Redis is not asked again for `retryAfterMs` (1 s), callers fall back
 *   to per-instance memory at once; the next call after that probes Redis, so the shared behaviour
 *   comes back by itself when Redis does (no restart);
 * - the outage is logged once when it starts and once when it ends, never per message; every
 *   operation that fell back is counted in `wxgw_state_store_degraded_total{component}`.
 */
import type { RedisClient } from "bun";
import type { Logger } from "../obs/log";
import type { Metrics } from "../obs/metrics";
import { systemClock } from "../util/clock";
import { connectionFor, type RedisTarget } from "./redis-conn";

/** Thrown at once while the breaker is open: Redis failed less than `retryAfterMs` ago. */
export class StateUnavailable extends Error {
  constructor() {
    super("shared state store unavailable (recent redis failure)");
    this.name = "StateUnavailable";
  }
}

export interface StateLink {
  /** `<prefix>` every shared-state key starts with (the token store's prefix) */
  readonly prefix: string;
  /** runs Redis commands; rejects (GatewayError 502 or StateUnavailable) when Redis cannot answer */
  run<T>(fn: (client: RedisClient) => Promise<T>): Promise<T>;
  /** counts one operation that fell back to per-instance memory */
  degraded(component: string): void;
  /** true while the last Redis call failed */
  readonly down: boolean;
  close(): void;
}

/** `connection`: the process's (store/index), left open when the link closes; or `url`: one of its own (tests). */
export type StateLinkOptions = StateLinkSettings & RedisTarget;

interface StateLinkSettings {
  readonly prefix: string;
  readonly log: Logger;
  readonly metrics?: Pick<Metrics, "stateStoreDegraded">;
  /** unix milliseconds */
  readonly now?: () => number;
  /** bound of each Redis command (default 300 ms; waiting for the connection gets 500 ms more) */
  readonly timeoutMs?: number;
  /** after a failure, how long Redis is skipped before it is tried again (default 1000 ms) */
  readonly retryAfterMs?: number;
}

export function createStateLink(opts: StateLinkOptions): StateLink {
  const now = opts.now ?? systemClock.unixMs;
  const retryAfterMs = opts.retryAfterMs ?? 1000;
  const timeoutMs = opts.timeoutMs ?? 300;
  const { conn, release } = connectionFor(opts, opts.log);
  let downSince: number | null = null;
  let retryAt = 0;

  return {
    prefix: opts.prefix,
    get down() {
      return downSince !== null;
    },
    async run(fn) {
      if (downSince !== null && now() < retryAt) throw new StateUnavailable();
      try {
        const result = await conn.run(fn, timeoutMs);
        if (downSince !== null) {
          opts.log.info({ redis: conn.where, downMs: now() - downSince }, "shared state is in redis again: dedup and replay protection span all instances");
          downSince = null;
        }
        return result;
      } catch (err) {
        retryAt = now() + retryAfterMs;
        if (downSince === null) {
          downSince = now();
          opts.log.error(
            { redis: conn.where, err: (err as Error).message },
            "shared state store failed: dedup and replay protection fall back to per-instance memory until redis answers again",
          );
        }
        throw err;
      }
    },
    degraded(component) {
      opts.metrics?.stateStoreDegraded(component);
    },
    close: release,
  };
}
