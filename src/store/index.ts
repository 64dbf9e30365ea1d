/**
 * @module store
 * The store layer: picks the stores named by `token-store` (SPEC §2) — file when `token-cache-dir`
 * is set, memory otherwise, Redis when configured — and the caches (KvStore), which follow the token
 * store: Redis when the tokens are in Redis (so every instance shares them), memory otherwise.
 * With Redis, one connection per process carries the tokens, the caches and the shared callback
 * state (state/: dedup, replay guard); `createStores` opens it and `Stores.close` closes it, once.
 */
import type { GatewayConfig } from "../config/types";
import type { Logger } from "../obs/log";
import { createFileTokenStore } from "./file-store";
import { createMemoryKvStore, createRedisKvStore, type KvStore } from "./kv";
import { createMemoryTokenStore } from "./memory-store";
import { createRedisConnection, type RedisConnection } from "./redis-conn";
import { createRedisTokenStore } from "./redis-store";
import type { TokenStore } from "./token-store";

export type { KvStore } from "./kv";
export type { RedisConnection } from "./redis-conn";
export type { StoreLock, TokenKind, TokenRecord, TokenStore } from "./token-store";

export interface StoreOptions {
  /** unix milliseconds (Redis TTLs, memory expiry) */
  readonly now?: () => number;
  /** the process's Redis connection; without it a Redis store opens one of its own (tests) */
  readonly connection?: RedisConnection | null;
}

export function createTokenStore(config: GatewayConfig, log: Logger, opts: StoreOptions = {}): TokenStore {
  const ts = config.tokenStore;
  switch (ts.type) {
    case "file":
      return createFileTokenStore(ts.dir, log.child({ component: "token-store" }), { now: opts.now });
    case "redis": {
      const target = opts.connection ? { connection: opts.connection } : { url: ts.url };
      return createRedisTokenStore({ ...target, prefix: ts.prefix, now: opts.now }, log.child({ component: "token-store" }));
    }
    default:
      return createMemoryTokenStore();
  }
}

export function createKvStore(config: GatewayConfig, log: Logger, opts: StoreOptions = {}): KvStore {
  const ts = config.tokenStore;
  if (ts.type !== "redis") return createMemoryKvStore({ now: opts.now });
  const target = opts.connection ? { connection: opts.connection } : { url: ts.url };
  return createRedisKvStore({ ...target, prefix: ts.prefix }, log.child({ component: "kv-store" }));
}

/** Every store of one process. */
export interface Stores {
  readonly tokens: TokenStore;
  readonly kv: KvStore;
  /** the one Redis connection when `token-store` is Redis (the shared callback state runs on it too), else null */
  readonly redis: RedisConnection | null;
  /** Closes the stores and the Redis connection. Call it once, after the callbacks have drained. */
  close(): Promise<void>;
}

export interface CreateStoresOptions extends Pick<StoreOptions, "now"> {
  /** stores kept elsewhere (a worker thread's, on the primary: workers/remote-stores), used instead of memory or file ones */
  readonly tokens?: TokenStore | null;
  readonly kv?: KvStore | null;
}

export function createStores(config: GatewayConfig, log: Logger, opts: CreateStoresOptions = {}): Stores {
  const ts = config.tokenStore;
  const redis = ts.type === "redis" ? createRedisConnection(ts.url, log.child({ component: "redis" })) : null;
  const tokens = opts.tokens ?? createTokenStore(config, log, { now: opts.now, connection: redis });
  const kv = opts.kv ?? createKvStore(config, log, { now: opts.now, connection: redis });
  let closed: Promise<void> | undefined;
  const close = async () => {
    await Promise.all([tokens.close(), kv.close()]);
    redis?.close();
  };
  return { tokens, kv, redis, close: () => (closed ??= close()) };
}
