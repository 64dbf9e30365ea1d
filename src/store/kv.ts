/**
 * @module store/kv
 * A small key-value store with TTLs for the caches several instances may share: OAuth code reuse
 * and the userInfo cache. In memory by default (bounded, expired entries swept); in Redis when the
 * token store is Redis, so every instance sees the same state.
 */
import type { Logger } from "../obs/log";
import { systemClock } from "../util/clock";
import { connectionFor, type RedisTarget } from "./redis-conn";

export interface KvStore {
  get(key: string): Promise<string | null>;
  /** stores `value` for `ttlMs` milliseconds, replacing any previous value */
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /** stores only when the key is absent (or expired); true when this call stored it */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  del(key: string): Promise<void>;
  close(): Promise<void>;
}

export interface MemoryKvOptions {
  /** most entries kept; beyond it the oldest are evicted (default 100 000) */
  readonly maxEntries?: number;
  /** unix milliseconds */
  readonly now?: () => number;
}

interface Entry {
  readonly value: string;
  readonly expiresAt: number;
}

export function createMemoryKvStore(opts: MemoryKvOptions = {}): KvStore & { readonly size: number } {
  const maxEntries = Math.max(1, opts.maxEntries ?? 100_000);
  const now = opts.now ?? systemClock.unixMs;
  // Map keeps insertion order and `set` re-inserts, so the first entries are the oldest writes
  const entries = new Map<string, Entry>();
  let writesSinceSweep = 0;

  function live(key: string): Entry | undefined {
    const entry = entries.get(key);
    if (entry && entry.expiresAt <= now()) {
      entries.delete(key);
      return undefined;
    }
    return entry;
  }

  function sweep(): void {
    const t = now();
    for (const [key, entry] of entries) if (entry.expiresAt <= t) entries.delete(key);
    writesSinceSweep = 0;
  }

  function put(key: string, value: string, ttlMs: number): void {
    entries.delete(key);
    entries.set(key, { value, expiresAt: now() + ttlMs });
    // an occasional full sweep frees entries nobody reads again; eviction bounds the rest
    if (++writesSinceSweep >= 1000 || entries.size > maxEntries) sweep();
    for (const oldest of entries.keys()) {
      if (entries.size <= maxEntries) break;
      entries.delete(oldest);
    }
  }

  return {
    get size() {
      return entries.size;
    },
    get: async (key) => live(key)?.value ?? null,
    async set(key, value, ttlMs) {
      put(key, value, ttlMs);
    },
    async setIfAbsent(key, value, ttlMs) {
      if (live(key)) return false;
      put(key, value, ttlMs);
      return true;
    },
    async del(key) {
      entries.delete(key);
    },
    async close() {
      entries.clear();
    },
  };
}

export type RedisKvOptions = RedisTarget & {
  /** every key is stored as `<prefix>kv:<key>` */
  readonly prefix: string;
};

/** Redis-backed KvStore; errors (Redis down) reject with a 502 GatewayError, callers decide how to degrade. */
export function createRedisKvStore(opts: RedisKvOptions, log: Logger): KvStore {
  const { conn, release } = connectionFor(opts, log);
  const full = (key: string) => `${opts.prefix}kv:${key}`;
  const px = (ttlMs: number) => String(Math.max(1, Math.floor(ttlMs)));
  return {
    get: (key) => conn.run((c) => c.get(full(key))),
    async set(key, value, ttlMs) {
      await conn.run((c) => c.set(full(key), value, "PX", px(ttlMs)));
    },
    async setIfAbsent(key, value, ttlMs) {
      return (await conn.run((c) => c.set(full(key), value, "NX", "PX", px(ttlMs)))) === "OK";
    },
    async del(key) {
      await conn.run((c) => c.del(full(key)));
    },
    async close() {
      release();
    },
  };
}
