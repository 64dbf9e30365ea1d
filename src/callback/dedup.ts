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
  // in flight: the promise (retries join it); answered: the reply itself. A window holds every
  // message of the last 60 s or more, so a settled entry keeps no promise alive (less to GC and to keep)
  const seen = new WindowMap<Promise<WechatReply> | WechatReply>(windowS * 1000, hooks.now);
  return {
    run(key, work) {
      const known = seen.get(key);
      if (known !== undefined) {
        hooks.onHit?.();
        return known instanceof Promise ? known : Promise.resolve(known);
      }
      const result = work();
      seen.set(key, result);
      result.then(
        (reply) => seen.get(key) === result && seen.set(key, reply),
        // a failure is not an answer: let a retry try again
        () => seen.get(key) === result && seen.delete(key),
      );
      return result;
    },
  };
}
