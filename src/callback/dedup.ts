/**
 * @module callback/dedup
 * Absorbs WeChat's retries (SPEC §4.3): a retry of a message still in flight joins the first one's
 * promise; one already answered gets the same reply again. The backend sees each message once.
 */
import type { WechatReply } from "../wechat/reply";
import { InflightTable } from "./inflight-table";
import { ReplyTable, hashKey } from "./reply-table";

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
  const windowMs = windowS * 1000;
  const now = hooks.now ?? Date.now;
  // in flight: the promise, which retries join; answered: the reply, in a byte table per window
  // generation (an entry lives one to two windows; a generation is dropped whole). Neither is a JS Map:
  // one entry per message made the GC visit them (callback/inflight-table, callback/reply-table).
  const inflight = new InflightTable<Promise<WechatReply>>();
  let current = new ReplyTable();
  let previous: ReplyTable | null = null;
  let rotatedAt = now();
  const rotate = () => {
    const elapsed = now() - rotatedAt;
    if (elapsed < windowMs) return;
    previous = elapsed >= 2 * windowMs ? null : current;
    current = new ReplyTable();
    rotatedAt = now();
  };
  return {
    run(key, work) {
      rotate();
      const hash = hashKey(key);
      const pending = inflight.get(key, hash);
      if (pending !== undefined) {
        hooks.onHit?.();
        return pending;
      }
      const answered = current.get(key, hash) ?? previous?.get(key, hash);
      if (answered !== undefined) {
        hooks.onHit?.();
        return Promise.resolve(answered);
      }
      const result = work();
      inflight.set(key, hash, result);
      result.then(
        (reply) => {
          inflight.delete(key, hash);
          current.set(key, hash, reply);
        },
        // a failure is not an answer: let a retry try again
        () => inflight.delete(key, hash),
      );
      return result;
    },
  };
}
