/**
 * @module store/memory-store
 * The default token store: records live in this process only and are fetched again after a restart.
 */
import { NO_LOCK, type TokenKind, type TokenRecord, type TokenStore } from "./token-store";

export function createMemoryTokenStore(): TokenStore {
  const records = new Map<string, TokenRecord>();
  const key = (kind: TokenKind, appId: string) => `${kind}:${appId}`;
  return {
    type: "memory",
    shared: false,
    get: async (kind, appId) => records.get(key(kind, appId)) ?? null,
    async set(kind, appId, record) {
      records.set(key(kind, appId), record);
    },
    async invalidate(kind, appId, failedValue) {
      if (records.get(key(kind, appId))?.value !== failedValue) return false;
      return records.delete(key(kind, appId));
    },
    lock: async () => NO_LOCK,
    async close() {},
  };
}
