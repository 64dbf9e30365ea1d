/**
 * @module test/_helpers/dedup-instances
 * Redis dedup "instances" for tests, each with its own link and table, all on one fake clock: the polls
 * while another instance holds a message and the breaker's pause wait for the clock, which `drive`
 * moves whenever a waiter sleeps on it. Slow backends are work that answers when the test says.
 * `numberedReply(i)`: a distinct text reply per i (non-ASCII included), for every dedup's tests.
 */
import { expect } from "bun:test";
import { createRedisDedup, createStateLink, type StateLink } from "../../src/callback/shared-state";
import { createMemoryLogger } from "../../src/obs/log";
import type { WechatReply } from "../../src/wechat/reply";
import type { FakeTimerClock } from "./fake-timers";
import type { TestRedis } from "./redis";

/** The i-th of a set of distinct text replies, each addressed to its own user. */
export const numberedReply = (i: number): WechatReply => ({
  kind: "reply",
  reply: { type: "text", msg: `回复 ${i} 😀` },
  toUser: `oUser${i}`,
  fromUser: "gh_a",
  createTime: 1_700_000_000 + i,
});

/** A promise the test resolves by hand: stands for a slow backend. */
function gate<T>(): { promise: Promise<T>; open: (v: T) => void } {
  let open!: (v: T) => void;
  const promise = new Promise<T>((r) => (open = r));
  return { promise, open };
}

/**
 * One "instance": its own link (connection, breaker) and its own dedup table, on the test's fake clock:
 * the polls while another instance holds a message and the breaker's pause wait for `clock`, not for time.
 */
export function instance(redis: TestRedis, prefix: string, clock: FakeTimerClock, opts: { replyTimeoutMs?: number; windowS?: number } = {}) {
  const { log, lines } = createMemoryLogger("debug");
  const degraded: string[] = [];
  const metrics = { stateStoreDegraded: (c: string) => void degraded.push(c) };
  const link = createStateLink({ url: redis.url, prefix, log, metrics, retryAfterMs: 100, now: clock.unixMs });
  let redisCalls = 0;
  const counted: StateLink = { ...link, prefix, degraded: link.degraded, run: (fn) => (redisCalls++, link.run(fn)) };
  let hits = 0;
  const dedup = createRedisDedup({
    link: counted,
    service: "svc",
    windowS: opts.windowS ?? 60,
    replyTimeoutMs: opts.replyTimeoutMs ?? 2000,
    onHit: () => hits++,
    now: clock.unixMs,
    sleep: clock.sleep,
  });
  return { dedup, link, lines, degraded, redisCalls: () => redisCalls, hits: () => hits };
}

/** Waits (polling) for what Redis round trips bring about — never for time to pass. */
export async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 2000 && !cond(); i++) await new Promise((resolve) => setTimeout(resolve, 1));
  expect(cond()).toBe(true);
}

/** Moves the fake clock `stepMs` at a time whenever a waiter sleeps on it, until `work` settles. */
export async function drive<T>(clock: FakeTimerClock, work: Promise<T>, stepMs = 25): Promise<T> {
  let settled = false;
  work.then(
    () => (settled = true),
    () => (settled = true),
  );
  while (!settled) {
    await until(() => settled || clock.pending > 0);
    if (!settled) await clock.tick(stepMs);
  }
  return work;
}

/** The work of a slow backend: `started` once it runs (its instance holds the claim), answered by `answer.open`. */
export function slowWork() {
  const started = gate<void>();
  const answer = gate<WechatReply>();
  let runs = 0;
  return { started: started.promise, open: answer.open, runs: () => runs, work: () => (runs++, started.open(), answer.promise) };
}
