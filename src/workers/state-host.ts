/**
 * @module workers/state-host
 * The primary's side of the shared state (`workers` > 1):
 * - the shared memory of each service (dedup table, nonce table, workerNum semaphore), made once per
 *   service and setting, so a reload that keeps a service's settings keeps its memory;
 * - the token store and the cache store the workers call (workers/remote-stores) when `token-store`
 *   is memory or file — with Redis each worker talks to Redis itself and these are not made;
 * - the token refresh locks, one holder across all workers (and, for a file store, across processes);
 * - after a worker died: its claims forgotten, its slots released, its locks and mutexes freed.
 */
import type { GatewayConfig, ServiceConfig } from "../config/types";
import type { Logger } from "../obs/log";
import { createKvStore, createTokenStore } from "../store/index";
import type { KvStore } from "../store/kv";
import type { StoreLock, TokenKind, TokenRecord, TokenStore } from "../store/token-store";
import { systemClock } from "../util/clock";
import type { ServiceMemory, StoreOp, WorkersMemory } from "./protocol";
import { allocateLimiterMemory, releaseWorker } from "./shared-limiter";
import { releaseIfHeldBy } from "./shared-mutex";
import { allocateReplayMemory, REPLAY_MUTEX_AT } from "./shared-replay";
import { allocateDedupMemory, SharedReplyTable } from "./shared-reply-table";

/** The primary's id in the shared mutexes (workers are 1..N). */
const PRIMARY = 0x7fff;

interface HeldLock {
  readonly worker: number;
  readonly key: string;
  readonly expires: number;
  readonly store: StoreLock;
}

export interface StateHost {
  /** the memory every worker is given; `prepare` replaces it for a new config */
  readonly memory: WorkersMemory;
  prepare(config: GatewayConfig): WorkersMemory;
  /** a worker's call */
  call(worker: number, op: StoreOp, args: readonly unknown[]): Promise<unknown>;
  /** After worker `w` exited: what it held is let go; returns what was freed, for the log. */
  forgetWorker(w: number): { claims: number; slots: number; locks: number };
  close(): Promise<void>;
}

/** The settings a service's shared memory depends on: other settings get other memory. */
export const serviceKey = (svc: ServiceConfig, redis: boolean) => `${svc.dedupWindowS}:${svc.replyTimeoutMs}:${svc.timeoutS}:${svc.workerNum}:${redis}`;

export function createStateHost(config: GatewayConfig, log: Logger, now: () => number = systemClock.unixMs): StateHost {
  const redis = config.tokenStore.type === "redis";
  const tokens: TokenStore | null = redis ? null : createTokenStore(config, log, { now });
  const kv: KvStore | null = redis ? null : createKvStore(config, log, { now });
  const tokenVersion = new SharedArrayBuffer(4);
  const locks = new Map<number, HeldLock>();
  let lockIds = 0;
  let memory: WorkersMemory = { services: {}, tokenVersion };
  // every service memory handed out: one a reload replaced may still be used by a retiring generation
  const handedOut = new Set<ServiceMemory>();

  const bump = () => void (Atomics.add(new Int32Array(tokenVersion), 0, 1), Atomics.notify(new Int32Array(tokenVersion), 0));
  const serviceMemory = (svc: ServiceConfig, old: ServiceMemory | undefined): ServiceMemory => {
    const key = serviceKey(svc, redis);
    if (old?.key === key) return old;
    return {
      key,
      dedup: redis ? null : allocateDedupMemory(),
      replay: redis || svc.timeoutS <= 0 ? null : allocateReplayMemory(now()),
      limiter: allocateLimiterMemory(config.workers),
    };
  };

  async function lock(worker: number, kind: TokenKind, appId: string, ttlMs: number): Promise<number | null> {
    const key = `${kind}:${appId}`;
    for (const [id, held] of locks) {
      if (held.key !== key) continue;
      if (held.expires > now()) return null;
      locks.delete(id); // its holder outlived the lock's TTL
      await held.store.release();
    }
    const store = await tokens!.lock(kind, appId, ttlMs);
    if (store === null) return null;
    locks.set(++lockIds, { worker, key, expires: now() + ttlMs, store });
    return lockIds;
  }

  async function unlock(id: number): Promise<void> {
    const held = locks.get(id);
    if (!held) return;
    locks.delete(id);
    await held.store.release();
  }

  const ops: Record<StoreOp, (worker: number, args: readonly unknown[]) => Promise<unknown>> = {
    "token.get": (_w, [kind, appId]) => tokens!.get(kind as TokenKind, appId as string),
    "token.set": async (_w, [kind, appId, record]) => {
      await tokens!.set(kind as TokenKind, appId as string, record as TokenRecord);
      bump();
    },
    "token.invalidate": async (_w, [kind, appId, failed]) => {
      const removed = await tokens!.invalidate(kind as TokenKind, appId as string, failed as string);
      if (removed) bump();
      return removed;
    },
    "token.lock": (w, [kind, appId, ttlMs]) => lock(w, kind as TokenKind, appId as string, ttlMs as number),
    "token.unlock": (_w, [id]) => unlock(id as number),
    "kv.get": (_w, [key]) => kv!.get(key as string),
    "kv.set": (_w, [key, value, ttlMs]) => kv!.set(key as string, value as string, ttlMs as number),
    "kv.setIfAbsent": (_w, [key, value, ttlMs]) => kv!.setIfAbsent(key as string, value as string, ttlMs as number),
    "kv.del": (_w, [key]) => kv!.del(key as string),
  };

  return {
    get memory() {
      return memory;
    },
    prepare(next) {
      const services: Record<string, ServiceMemory> = {};
      for (const svc of next.services) handedOut.add((services[svc.name] = serviceMemory(svc, memory.services[svc.name])));
      memory = { services, tokenVersion };
      return memory;
    },
    call: (worker, op, args) => ops[op](worker, args),
    forgetWorker(w) {
      let claims = 0;
      let slots = 0;
      for (const mem of handedOut) {
        if (mem.dedup) {
          releaseIfHeldBy(new Int32Array(mem.dedup.control), 0, w);
          claims += new SharedReplyTable(mem.dedup, PRIMARY, 1, now).forgetClaimsOf(w);
        }
        if (mem.replay) releaseIfHeldBy(new Int32Array(mem.replay.header), REPLAY_MUTEX_AT, w);
        slots += releaseWorker(mem.limiter, w);
      }
      let freed = 0;
      for (const [id, held] of locks) {
        if (held.worker !== w) continue;
        freed++;
        void unlock(id);
      }
      return { claims, slots, locks: freed };
    },
    async close() {
      for (const id of [...locks.keys()]) await unlock(id);
      await Promise.all([tokens?.close(), kv?.close()]);
    },
  };
}
