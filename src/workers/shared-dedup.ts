/**
 * @module workers/shared-dedup
 * callback/'s Dedup across the worker threads of one process (`workers` > 1), without Redis. A retry
 * WeChat sends on another connection may land on another worker; it must still join the message in
 * flight or get its stored reply, so the backend sees each message once. Per message:
 * 1. a retry on the same worker joins the local promise (no shared memory touched);
 * 2. otherwise the shared table (workers/shared-reply-table) is asked under its lock: an answered
 *    message's stored reply is rendered again; an unknown one is claimed for this worker and run;
 * 3. a message another worker holds is waited for: the worker sleeps on the table's completions word
 *    (`Atomics.waitAsync`, woken by every stored reply while someone waits) for at most the service's
 *    reply-timeout-ms, then answers `success` without calling the backend, as the Redis dedup does.
 *    A claim that vanishes (its work failed, or its worker died and the primary forgot its claims) is
 *    claimed by the waiter, which runs the message itself.
 */
import type { Dedup, DedupHooks } from "../callback/dedup";
import { InflightTable } from "../callback/dedup/inflight-table";
import { keyHash } from "../callback/dedup/key-hash";
import { decodeStoredReply, encodeStoredReply } from "../callback/dedup/reply-codec";
import type { TimerClock } from "../util/clock";
import type { WechatReply } from "../wechat/reply";
import { COMPLETIONS, Found, type SharedDedupMemory, SharedReplyTable, WAITERS } from "./shared-reply-table";

export interface SharedDedupOptions extends Pick<DedupHooks, "onHit"> {
  readonly memory: SharedDedupMemory;
  /** this worker's id (≥ 1) */
  readonly worker: number;
  /** seconds a reply is remembered; 0 disables dedup */
  readonly windowS: number;
  /** how long a retry waits for the worker that holds its message */
  readonly replyTimeoutMs: number;
  /** unix ms (the window) and the timer that ends a wait */
  readonly clock: Pick<TimerClock, "setTimer" | "clearTimer"> & { readonly unixMs: () => number };
}

export function createSharedDedup(opts: SharedDedupOptions): Dedup {
  if (opts.windowS <= 0) return { run: (_key, work) => work() };
  const { clock, replyTimeoutMs } = opts;
  const now = clock.unixMs;
  const table = new SharedReplyTable(opts.memory, opts.worker, opts.windowS * 1000, now);
  const words = table.words;
  const inflight = new InflightTable<Promise<WechatReply>>();

  /** Runs the work of a message this worker has just claimed; the claim ends with its reply or is forgotten. */
  const runClaimed = (key: string, work: () => Promise<WechatReply>): Promise<WechatReply> => {
    const { claimAt, claimId } = table;
    return work().then(
      (reply) => (table.finish(key, claimAt, claimId, encodeStoredReply(reply)), reply),
      (err: unknown) => {
        table.finish(key, claimAt, claimId, null);
        throw err;
      },
    );
  };

  /** Resolves when a reply is stored or a claim forgotten anywhere, or after `ms` on the gateway's clock. */
  function completionAfter(seq: number, ms: number): Promise<unknown> {
    Atomics.add(words, WAITERS, 1);
    // waitAsync's own timeout (real time) only ends its bookkeeping; the deadline is the clock's
    const wait = Atomics.waitAsync(words, COMPLETIONS, seq, ms);
    const woke: Promise<unknown> = wait.async ? wait.value : Promise.resolve(wait.value);
    let timer: unknown;
    const deadline = new Promise((resolve) => (timer = clock.setTimer(() => resolve("deadline"), ms)));
    return Promise.race([woke, deadline]).finally(() => {
      clock.clearTimer(timer);
      Atomics.sub(words, WAITERS, 1);
    });
  }

  async function join(key: string, work: () => Promise<WechatReply>, seen: number): Promise<WechatReply> {
    const deadline = now() + replyTimeoutMs;
    let seq = seen;
    for (;;) {
      const left = deadline - now();
      if (left <= 0) return { kind: "success", reason: `another worker holds this message and did not answer within ${replyTimeoutMs} ms` };
      await completionAfter(seq, left);
      const found = table.claim(key);
      if (found === Found.Claimed) return runClaimed(key, work);
      if (found === Found.Done) return decodeStoredReply(table.text) ?? work();
      seq = table.seq;
    }
  }

  const local = (key: string, hash: number, reply: Promise<WechatReply>) => {
    inflight.set(key, reply, hash);
    const done = () => inflight.delete(key, hash);
    reply.then(done, done);
    return reply;
  };

  return {
    run(key, work) {
      const hash = keyHash(key);
      const pending = inflight.get(key, hash);
      if (pending !== undefined) {
        opts.onHit?.();
        return pending;
      }
      const found = table.claim(key);
      if (found === Found.Claimed) return local(key, hash, runClaimed(key, work));
      opts.onHit?.();
      if (found === Found.Done) {
        const stored = decodeStoredReply(table.text);
        if (stored !== null) return Promise.resolve(stored);
        return work();
      }
      return local(key, hash, join(key, work, table.seq));
    },
  };
}
