/**
 * @module store/redis-store
 * Token records shared by several gateway processes: `<prefix>token:<app-id>` and
 * `<prefix>ticket:<app-id>` hold the Go original's JSON records with a TTL that ends when the token
 * does. `<prefix>lock:<kind>:<app-id>` (SET NX PX) makes one process fetch while the others wait,
 * and expires by itself when its holder dies mid-refresh (SPEC §3).
 */
import type { Logger } from "../obs/log";
import { systemClock } from "../util/clock";
import { connectionFor, type RedisTarget } from "./redis-conn";
import { assertSafeAppId, decodeRecord, encodeRecord, recordField, type TokenKind, type TokenStore } from "./token-store";

/** Deletes the key only while its value is still ARGV[1] (our lock id). */
const RELEASE_LOCK = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/**
 * Compare-and-swap invalidation, atomic in Redis: deletes the record only while its field ARGV[2]
 * still equals the failed value ARGV[1]; an unreadable record is deleted too.
 */
const INVALIDATE = `local v = redis.call('GET', KEYS[1])
if not v then return 0 end
local ok, rec = pcall(cjson.decode, v)
if (not ok) or type(rec) ~= 'table' or rec[ARGV[2]] == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

export type RedisTokenStoreOptions = RedisTarget & {
  readonly prefix: string;
  /** unix milliseconds; the record TTL is computed from it */
  readonly now?: () => number;
};

export function createRedisTokenStore(opts: RedisTokenStoreOptions, log: Logger): TokenStore {
  const { conn, release } = connectionFor(opts, log);
  const now = opts.now ?? systemClock.unixMs;
  const key = (kind: TokenKind, appId: string) => {
    assertSafeAppId(appId);
    return `${opts.prefix}${kind}:${appId}`;
  };
  return {
    type: "redis",
    shared: true,
    async get(kind, appId) {
      const text = await conn.run((c) => c.get(key(kind, appId)));
      if (text === null) return null;
      const record = decodeRecord(kind, text);
      if (!record) log.warn({ key: key(kind, appId) }, "ignoring a corrupt token record in redis; it is replaced by the next fetch");
      return record;
    },
    async set(kind, appId, record) {
      const ttlMs = Math.floor(record.expire * 1000 - now());
      // an already expired record is not worth storing (PX must be positive)
      if (ttlMs <= 0) return;
      await conn.run((c) => c.set(key(kind, appId), encodeRecord(kind, record), "PX", ttlMs));
    },
    async invalidate(kind, appId, failedValue) {
      const removed = await conn.run((c) => c.send("EVAL", [INVALIDATE, "1", key(kind, appId), failedValue, recordField(kind)]));
      return Number(removed) > 0;
    },
    async lock(kind, appId, ttlMs) {
      assertSafeAppId(appId);
      const lockKey = `${opts.prefix}lock:${kind}:${appId}`;
      const id = crypto.randomUUID();
      const taken = await conn.run((c) => c.set(lockKey, id, "NX", "PX", String(Math.max(1, Math.floor(ttlMs)))));
      if (taken !== "OK") return null;
      return {
        async release() {
          // a holder that outlived its TTL must not remove the next holder's lock
          await conn.run((c) => c.send("EVAL", [RELEASE_LOCK, "1", lockKey, id])).catch(() => {});
        },
      };
    },
    async close() {
      release();
    },
  };
}
