/**
 * @module callback/dedup
 * Absorbs WeChat's retries (SPEC §4.3): a retry of a message still in flight joins the first one's
 * promise; one already answered gets the same reply again. The backend sees each message once.
 * Callers give the message's dedup key (wechat/message `dedupKeyOf`) and the work; how keys are
 * hashed, where replies are kept and how they are encoded is this folder's business.
 */
import { systemClock } from "../util/clock";
import type { WechatReply } from "../wechat/reply";
import { InflightTable } from "./dedup/inflight-table";
import { keyHash } from "./dedup/key-hash";
import { decodeStoredReply, encodeStoredReply } from "./dedup/reply-codec";
import { ReplyTable } from "./dedup/reply-table";

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
  const now = hooks.now ?? systemClock.unixMs;
  // in flight: the promise, which retries join; answered: the stored reply, in a byte table per window
  // generation (an entry lives one to two windows; a generation is dropped whole). Neither is a JS Map:
  // one entry per message made the GC visit them (dedup/inflight-table, dedup/reply-table).
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
      // hashed once for every table below (dedup/key-hash)
      const hash = keyHash(key);
      const pending = inflight.get(key, hash);
      if (pending !== undefined) {
        hooks.onHit?.();
        return pending;
      }
      const stored = current.get(key, hash) ?? previous?.get(key, hash);
      const answered = stored === undefined ? null : decodeStoredReply(stored);
      if (answered !== null) {
        hooks.onHit?.();
        return Promise.resolve(answered);
      }
      const result = work();
      inflight.set(key, result, hash);
      result.then(
        (reply) => {
          inflight.delete(key, hash);
          current.set(key, encodeStoredReply(reply), hash);
        },
        // a failure is not an answer: let a retry try again
        () => inflight.delete(key, hash),
      );
      return result;
    },
  };
}
