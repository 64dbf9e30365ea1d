/**
 * @module store/token-store
 * The one small interface behind which access_tokens and jsapi_tickets live (memory, file, redis),
 * and the record format the Go original wrote: `{"token":"…","expire":<unix s>}` for an access_token,
 * `{"ticket":"…","expire":<unix s>}` for a jsapi_ticket (SPEC §3). Every store speaks this format,
 * so a cache written by go-wx-gateway is read as is.
 */

/** What is stored per app-id: the access_token or the jsapi_ticket. */
export type TokenKind = "token" | "ticket";

export interface TokenRecord {
  /** the access_token or jsapi_ticket itself (a secret: never log it) */
  readonly value: string;
  /** unix seconds at which WeChat stops accepting it */
  readonly expire: number;
}

/** A held refresh lock; release only removes it if it is still ours. */
export interface StoreLock {
  release(): Promise<void>;
}

export interface TokenStore {
  readonly type: "memory" | "file" | "redis";
  /** true when other processes read and write the same records (the lock then matters) */
  readonly shared: boolean;
  get(kind: TokenKind, appId: string): Promise<TokenRecord | null>;
  set(kind: TokenKind, appId: string, record: TokenRecord): Promise<void>;
  /**
   * Compare-and-swap removal: deletes the record only while it still holds `failedValue`, so an
   * instance holding a stale token can never wipe a fresh one another instance stored meanwhile.
   * Resolves true when something was removed.
   */
  invalidate(kind: TokenKind, appId: string, failedValue: string): Promise<boolean>;
  /**
   * Tries to take the refresh lock for one record. null = another process holds it. Stores that are
   * not shared return a no-op lock at once (in-process single flight is enough for them).
   */
  lock(kind: TokenKind, appId: string, ttlMs: number): Promise<StoreLock | null>;
  close(): Promise<void>;
}

/** The JSON field that holds the value, as the Go original named it. */
export function recordField(kind: TokenKind): "token" | "ticket" {
  return kind;
}

/** `{"token":"…","expire":…}` / `{"ticket":"…","expire":…}` */
export function encodeRecord(kind: TokenKind, record: TokenRecord): string {
  return JSON.stringify({ [recordField(kind)]: record.value, expire: record.expire });
}

/** Parses a stored record; null for anything that is not a well-formed record (a corrupt cache is ignored). */
export function decodeRecord(kind: TokenKind, text: string): TokenRecord | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof parsed !== "object" || parsed === null) return null;
  const value = (parsed as Record<string, unknown>)[recordField(kind)];
  const expire = (parsed as Record<string, unknown>).expire;
  if (typeof value !== "string" || value === "" || typeof expire !== "number" || !Number.isFinite(expire)) return null;
  return { value, expire };
}

/** A lock for stores that are private to this process. */
export const NO_LOCK: StoreLock = Object.freeze({ release: async () => {} });

/**
 * app-ids become file names and Redis keys; one with a path separator would escape the cache dir.
 * WeChat app-ids are `wx` + 16 hex digits, so this never rejects a real one.
 */
export function assertSafeAppId(appId: string): void {
  if (!appId || appId === "." || appId === ".." || /[/\\\0]/.test(appId)) {
    throw new Error(`app-id ${JSON.stringify(appId)} cannot be used as a token cache key`);
  }
}
