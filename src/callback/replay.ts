/**
 * @module callback/replay
 * Replay guard for `timeout` > 0 (SPEC §4.2). In plaintext mode WeChat's signature covers only
 * token/timestamp/nonce, not the body, so a captured query string could carry a forged body. A nonce
 * seen again with a different body is a replay (401). The same nonce with the same body is WeChat's own
 * retry (it resends the identical request): it is let through and answered by dedup, which never
 * forwards a message twice.
 */

export interface ReplayGuard {
  /** true when this (timestamp, nonce) was already used for a different body */
  isReplay(nonceKey: string, bodyFingerprint: string): Promise<boolean> | boolean;
}

import { WindowMap } from "../util/window-map";

export function createMemoryReplayGuard(windowS: number, now?: () => number): ReplayGuard {
  // a timestamp is accepted for ±windowS, so a nonce must be remembered for twice that
  const seen = new WindowMap<string>(windowS * 2000, now);
  return {
    isReplay(nonceKey, fingerprint) {
      const known = seen.get(nonceKey);
      if (known === undefined) {
        seen.set(nonceKey, fingerprint);
        return false;
      }
      return known !== fingerprint;
    },
  };
}

/** A cheap, non-cryptographic fingerprint of a body (the body is already authenticated or not at all). */
export function fingerprint(body: string): string {
  return Bun.hash(body).toString(36);
}
