/**
 * @module callback/replay
 * Replay guard for `timeout` > 0 (SPEC §4.2). In plaintext mode WeChat's signature covers only
 * token/timestamp/nonce, not the body, so a captured query string could carry a forged body. A nonce
 * seen again with a different body is a replay (401). The same nonce with the same body is WeChat's own
 * retry (it resends the identical request): it is let through and answered by dedup, which never
 * forwards a message twice.
 *
 * In memory, a (timestamp, nonce) is kept as a 64-bit hash with a 32-bit hash of the body's
 * fingerprint in a fixed-record table (callback/nonce-table: 16 bytes a nonce, at most 64 MiB).
 * A legitimate message is refused only if its key's 64 bits equal those of another unexpired nonce
 * with another body: with n nonces in the window, n / 2^64 per message (about 1 in 2·10^13 with a
 * million). A forged body passes only if its fingerprint matches the original's in 32 bits
 * (1 in 4·10^9 per attempt, each a request). The hashes are seeded at random per process.
 * When the table is full of unexpired nonces a new callback is refused with 503 (WeChat retries it),
 * never let through unchecked: forgetting a nonce to make room would let it be replayed.
 */

import { GatewayError } from "../http/errors";
import { systemClock } from "../util/clock";
import { DEFAULT_MAX_SLOTS, NonceTable } from "./nonce-table";

export interface ReplayGuard {
  /** true when this (timestamp, nonce) was already used for a different body */
  isReplay(nonceKey: string, bodyFingerprint: string): Promise<boolean> | boolean;
}

export interface MemoryReplayOptions {
  /** the table's slot limit (a power of two): 3/4 of it is the most nonces held */
  readonly maxSlots?: number;
  /** hash seed; random by default */
  readonly seed?: number;
  /** the table (workers/shared-replay passes one shared by worker threads); a NonceTable of `maxSlots` by default */
  readonly table?: Pick<NonceTable, "check">;
  /** unix ms from which the table counts seconds (shared tables share it); `now()` by default */
  readonly epoch?: number;
}

export function createMemoryReplayGuard(windowS: number, now: () => number = systemClock.unixMs, opts: MemoryReplayOptions = {}): ReplayGuard {
  const table = opts.table ?? new NonceTable(opts.maxSlots ?? DEFAULT_MAX_SLOTS);
  const seed = opts.seed ?? crypto.getRandomValues(new Uint32Array(1))[0]!;
  const epoch = opts.epoch ?? now();
  // a timestamp is accepted for ±windowS, so a nonce must be remembered for twice that; the table
  // counts whole seconds from `epoch` (from 1: 0 marks an empty record), +1 since they round down
  const lifeS = Math.ceil(2 * windowS) + 1;
  return {
    isReplay(nonceKey, fingerprint) {
      const t = Math.max(1, Math.floor((now() - epoch) / 1000) + 1);
      const hi = Bun.hash.xxHash32(nonceKey, seed) | 0;
      const lo = Bun.hash.murmur32v3(nonceKey, seed) | 0;
      const verdict = table.check(hi, lo, Bun.hash.xxHash32(fingerprint, ~seed >>> 0) | 0, t, t + lifeS);
      if (verdict === "full") throw new GatewayError(503, "replay guard full: too many nonces within the timeout window, retry later");
      return verdict === "other";
    },
  };
}

/** A cheap, non-cryptographic fingerprint of a body (the body is already authenticated or not at all). */
export function fingerprint(body: string): string {
  return Bun.hash(body).toString(36);
}
