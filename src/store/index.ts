/**
 * @module store
 * Picks the stores named by `token-store` (SPEC §2): file when `token-cache-dir` is set, memory
 * otherwise, Redis when configured. Shared state (KvStore) follows the token store: Redis when the
 * tokens are in Redis (so every instance shares it), memory otherwise.
 */
import type { GatewayConfig } from "../config/types";
import type { Logger } from "../obs/log";
import { createFileTokenStore } from "./file-store";
import { createMemoryKvStore, createRedisKvStore, type KvStore } from "./kv";
import { createMemoryTokenStore } from "./memory-store";
import { createRedisTokenStore } from "./redis-store";
import type { TokenStore } from "./token-store";

export type { KvStore } from "./kv";
export type { StoreLock, TokenKind, TokenRecord, TokenStore } from "./token-store";

export interface StoreOptions {
  /** unix milliseconds (Redis TTLs, memory expiry) */
  readonly now?: () => number;
}

export function createTokenStore(config: GatewayConfig, log: Logger, opts: StoreOptions = {}): TokenStore {
  const ts = config.tokenStore;
  switch (ts.type) {
    case "file":
      return createFileTokenStore(ts.dir, log.child({ component: "token-store" }), { now: opts.now });
    case "redis":
      return createRedisTokenStore({ url: ts.url, prefix: ts.prefix, now: opts.now }, log.child({ component: "token-store" }));
    default:
      return createMemoryTokenStore();
  }
}

export function createKvStore(config: GatewayConfig, log: Logger, opts: StoreOptions = {}): KvStore {
  const ts = config.tokenStore;
  if (ts.type === "redis") return createRedisKvStore({ url: ts.url, prefix: ts.prefix }, log.child({ component: "kv-store" }));
  return createMemoryKvStore({ now: opts.now });
}
