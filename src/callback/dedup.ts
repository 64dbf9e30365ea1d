/**
 * @module callback/dedup
 * Absorbs WeChat's retries (SPEC §4.3): a retry of a message still in flight joins the first one's
 * promise; one already answered gets the same reply again. The backend sees each message once.
 */
import type { WechatReply } from "../wechat/reply";
import { WindowMap } from "../util/window-map";

export interface Dedup {
  /** Runs `work` once per key within the window; concurrent and later callers get the same reply. */
  run(key: string, work: () => Promise<WechatReply>): Promise<WechatReply>;
}

export interface DedupHooks {
  /** called for every absorbed retry */
  readonly onHit?: () => void;
  readonly now?: () => number;
}

export function createMemoryDedup(windowS: number, hooks: DedupHooks = {}): Dedup {
  if (windowS <= 0) return { run: (_key, work) => work() };
  const seen = new WindowMap<Promise<WechatReply>>(windowS * 1000, hooks.now);
  return {
    run(key, work) {
      const known = seen.get(key);
      if (known) {
        hooks.onHit?.();
        return known;
      }
      const result = work();
      seen.set(key, result);
      // a failure is not an answer: let a retry try again
      result.catch(() => seen.get(key) === result && seen.delete(key));
      return result;
    },
  };
}
