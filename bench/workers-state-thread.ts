/**
 * @module bench/workers-state-thread
 * The thread side of bench/workers-state, and the primary's side of its `primary` mode. Each message:
 * dedup.run with work that answers at once, a replay check of a fresh nonce, a slot taken and given
 * back. In `primary` mode a message is one request to the main thread (claim, nonce, slot) and one
 * notice back (reply, release), as a worker would send them; the main thread runs the memory versions.
 */
import { createMemoryDedup } from "../src/callback/dedup";
import { encodeStoredReply } from "../src/callback/dedup/reply-codec";
import { createLimiter } from "../src/callback/limiter";
import { createMemoryReplayGuard, fingerprint } from "../src/callback/replay";
import { systemClock } from "../src/util/clock";
import type { WechatReply } from "../src/wechat/reply";
import { createSharedDedup } from "../src/workers/shared-dedup";
import { allocateLimiterMemory, createSharedLimiter } from "../src/workers/shared-limiter";
import { allocateReplayMemory, createSharedReplayGuard, type SharedReplayMemory } from "../src/workers/shared-replay";
import { allocateDedupMemory, type SharedDedupMemory } from "../src/workers/shared-reply-table";

declare const self: Worker;

const reply = (i: number): WechatReply => ({
  kind: "reply",
  reply: { type: "text", msg: "bench-ok" },
  toUser: "oBENCHuser000000000000000001",
  fromUser: "gh_bench",
  createTime: 1_700_000_000 + i,
});
const IN_FLIGHT = 64;

interface SharedMemory {
  readonly dedup: SharedDedupMemory;
  readonly replay: SharedReplayMemory;
  readonly limiter: SharedArrayBuffer;
}

export function allocateSharedState(threads: number): SharedMemory {
  return { dedup: allocateDedupMemory(), replay: allocateReplayMemory(Date.now()), limiter: allocateLimiterMemory(threads) };
}

/** The primary's memory versions and its message handler (`primary` mode). */
export function createPrimaryState() {
  const dedup = new Map<string, string | null>();
  const replay = createMemoryReplayGuard(300);
  const limiter = createLimiter(1 << 20);
  return {
    handle(m: { op: string; id: number; key: string; nonce?: string; fp?: string; text?: string }, port: MessagePort) {
      if (m.op === "begin") {
        const seen = dedup.has(m.key);
        if (!seen) dedup.set(m.key, null);
        const replayed = replay.isReplay(m.nonce!, m.fp!);
        limiter.enter({ run: () => port.postMessage({ id: m.id, seen, replayed }) });
      } else {
        dedup.set(m.key, m.text!);
        limiter.release();
      }
    },
  };
}

async function drive(n: number, one: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  const lane = async () => {
    while (next < n) await one(next++);
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
  return ((performance.now() - started) * 1000) / n;
}

/** One message's state work over the given dedup, replay guard and limiter. */
function viaInterfaces(
  worker: number,
  parts: { dedup: ReturnType<typeof createMemoryDedup>; replay: ReturnType<typeof createMemoryReplayGuard>; limiter: ReturnType<typeof createLimiter> },
) {
  const { dedup, replay, limiter } = parts;
  return (i: number) => {
    const key = `m:${worker}-${i}`;
    replay.isReplay(`1700000000:${worker}-${i}`, fingerprint(key));
    return dedup
      .run(key, () => new Promise<WechatReply>((resolve) => (limiter.admit(), limiter.enter({ run: () => (limiter.release(), resolve(reply(i))) }))))
      .then(() => {});
  };
}

function viaPrimary(worker: number, port: MessagePort) {
  const waiting = new Map<number, () => void>();
  port.onmessage = (e) => {
    const done = waiting.get(e.data.id)!;
    waiting.delete(e.data.id);
    done();
  };
  return (i: number) =>
    new Promise<void>((resolve) => {
      const key = `m:${worker}-${i}`;
      waiting.set(i, () => {
        port.postMessage({ op: "end", id: i, key, text: encodeStoredReply(reply(i)) });
        resolve();
      });
      port.postMessage({ op: "begin", id: i, key, nonce: `1700000000:${worker}-${i}`, fp: fingerprint(key) });
    });
}

if (typeof self !== "undefined" && typeof (self as { postMessage?: unknown }).postMessage === "function" && !Bun.isMainThread) {
  let port: MessagePort | null = null;
  self.onmessage = async (e: MessageEvent) => {
    if (e.data.port) return void (port = e.data.port);
    const { mode, n, worker } = e.data as { mode: string; n: number; worker: number };
    let one: (i: number) => Promise<void>;
    if (mode === "primary") one = viaPrimary(worker, port!);
    else if (mode === "shared") {
      const m = e.data.memory as SharedMemory;
      one = viaInterfaces(worker, {
        dedup: createSharedDedup({ memory: m.dedup, worker, windowS: 300, replyTimeoutMs: 4500, clock: systemClock }),
        replay: createSharedReplayGuard(m.replay, worker, 300, Date.now),
        limiter: createSharedLimiter(m.limiter, worker, 1 << 20),
      });
    } else one = viaInterfaces(worker, { dedup: createMemoryDedup(300), replay: createMemoryReplayGuard(300), limiter: createLimiter(1 << 20) });
    await drive(Math.min(n, 20_000), (i) => one(10_000_000 + i)); // warm-up
    postMessage({ us: await drive(n, one) });
  };
}
