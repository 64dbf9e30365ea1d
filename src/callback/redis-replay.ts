/**
 * @module state/redis-replay
 * The nonce replay guard (SPEC §4.2, `timeout` > 0) shared by every instance: a request replayed on
 * another instance is caught too. `<prefix>nonce:<service>:<timestamp>:<nonce>` holds the body's
 * fingerprint for twice the timestamp window (a timestamp is accepted for ±timeout). The same nonce
 * with the same body is WeChat's own retry and passes (dedup answers it); another body is a replay.
 * When Redis cannot answer, this instance's memory guard decides (counted as degraded "replay").
 */

import type { StateLink } from "../store/state-link";
import { createMemoryReplayGuard, type ReplayGuard } from "./replay";

/** Stores ARGV[1] with TTL ARGV[2] ms when the key is absent; returns the value that was there (nil if none). */
const CHECK_NONCE = `local v = redis.call('GET', KEYS[1])
if v then return v end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return false`;

export interface RedisReplayOptions {
  readonly link: StateLink;
  readonly service: string;
  /** the service's `timeout` in seconds */
  readonly windowS: number;
  /** unix milliseconds (memory fallback) */
  readonly now?: () => number;
}

export function createRedisReplayGuard(opts: RedisReplayOptions): ReplayGuard {
  const { link } = opts;
  const ttlMs = String(Math.max(1, Math.floor(opts.windowS * 2000)));
  const fallback = createMemoryReplayGuard(opts.windowS, opts.now);
  return {
    async isReplay(nonceKey, fingerprint) {
      const key = `${link.prefix}nonce:${opts.service}:${nonceKey}`;
      let known: unknown;
      try {
        // one atomic round trip: two instances seeing the same nonce at once cannot both store it
        known = await link.run((c) => c.send("EVAL", [CHECK_NONCE, "1", key, fingerprint, ttlMs]));
      } catch {
        link.degraded("replay");
        return fallback.isReplay(nonceKey, fingerprint);
      }
      return known !== null && known !== undefined && String(known) !== fingerprint;
    },
  };
}
