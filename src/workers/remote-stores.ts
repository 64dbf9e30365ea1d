/**
 * @module workers/remote-stores
 * A worker's token store and cache store when the primary owns them (a memory or file `token-store`
 * with `workers` > 1): every call goes to the primary (workers/state-host), so all workers see one
 * access_token and one jsapi_ticket per app-id, one refresh lock (one fetch for all of them), and one
 * userInfo and OAuth-code cache.
 *
 * The token manager reads its record on every WeChat call; those reads are answered from a copy kept
 * here for as long as the primary's token version word (shared memory) is unchanged — the primary
 * bumps it on every write and removal — so a read costs no message unless something changed.
 */
import type { TokenStoreConfig } from "../config/types";
import type { KvStore } from "../store/kv";
import type { StoreLock, TokenKind, TokenRecord, TokenStore } from "../store/token-store";
import type { Rpc } from "./rpc";

export function createRemoteTokenStore(rpc: Rpc, type: TokenStoreConfig["type"], tokenVersion: SharedArrayBuffer): TokenStore {
  const version = new Int32Array(tokenVersion);
  const copies = new Map<string, { readonly version: number; readonly record: TokenRecord | null }>();
  return {
    type,
    // other threads use the same records: the token manager takes the refresh lock and re-reads under it
    shared: true,
    async get(kind, appId) {
      const key = `${kind}:${appId}`;
      const seen = Atomics.load(version, 0);
      const copy = copies.get(key);
      if (copy?.version === seen) return copy.record;
      const record = await rpc.call<TokenRecord | null>("token.get", kind, appId);
      copies.set(key, { version: seen, record });
      return record;
    },
    set: (kind: TokenKind, appId: string, record: TokenRecord) => rpc.call<void>("token.set", kind, appId, record),
    invalidate: (kind, appId, failedValue) => rpc.call<boolean>("token.invalidate", kind, appId, failedValue),
    async lock(kind, appId, ttlMs): Promise<StoreLock | null> {
      const id = await rpc.call<number | null>("token.lock", kind, appId, ttlMs);
      return id === null ? null : { release: () => rpc.call<void>("token.unlock", id) };
    },
    // the primary's store: it is closed there
    async close() {},
  };
}

export function createRemoteKvStore(rpc: Rpc): KvStore {
  return {
    get: (key) => rpc.call<string | null>("kv.get", key),
    set: (key, value, ttlMs) => rpc.call<void>("kv.set", key, value, ttlMs),
    setIfAbsent: (key, value, ttlMs) => rpc.call<boolean>("kv.setIfAbsent", key, value, ttlMs),
    del: (key) => rpc.call<void>("kv.del", key),
    async close() {},
  };
}
