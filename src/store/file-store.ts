/**
 * @module store/file-store
 * The Go original's token cache, file for file: `<dir>/<app-id>` holds `{"token":"…","expire":<unix s>}`
 * and `<dir>/<app-id>.ticket` holds `{"ticket":"…","expire":<unix s>}` (SPEC §3), so a gateway that
 * replaces go-wx-gateway reuses its cache and fetches nothing at start.
 *
 * Several processes may share the directory (a rolling restart overlaps two; several gateways on one
 * host), so the file, not this process's memory, is the stored record:
 * - every read checks the file (a stat; the content is read again only when the file changed), so a
 *   token another process stored is used instead of fetching one more;
 * - invalidation compares against the file, so a 40001 for a token the file no longer holds removes
 *   nothing and the caller simply uses the file's newer token;
 * - a write never replaces a record that expires later (a stale process never overwrites a newer token);
 * - refreshes are serialised by a lock file (store/file-lock).
 *
 * Writes go to a temp file in the same directory and are renamed over the record: rename(2) is
 * atomic within a file system, so a crash or a concurrent reader never sees half a record. The
 * directory is kept 0700 and the files 0600 because they hold live credentials.
 */
import { chmod, mkdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Logger } from "../obs/log";
import { systemClock } from "../util/clock";
import { tryLockFile } from "./file-lock";
import { assertSafeAppId, decodeRecord, encodeRecord, type TokenKind, type TokenRecord, type TokenStore } from "./token-store";

/** The file of one record, exactly as the Go original named it. */
export function recordPath(dir: string, kind: TokenKind, appId: string): string {
  assertSafeAppId(appId);
  return join(dir, kind === "token" ? appId : `${appId}.ticket`);
}

export interface FileTokenStoreOptions {
  /** unix milliseconds (the lock file's expiry) */
  readonly now?: () => number;
}

/** What the last read saw: the record and the identity of the file it came from. */
interface Seen {
  readonly stamp: string;
  readonly record: TokenRecord | null;
}

const stampOf = (s: { ino: number; mtimeMs: number; size: number }) => `${s.ino}:${s.mtimeMs}:${s.size}`;

export function createFileTokenStore(dir: string, log: Logger, opts: FileTokenStoreOptions = {}): TokenStore {
  const now = opts.now ?? systemClock.unixMs;
  const seen = new Map<string, Seen>();
  let dirReady: Promise<void> | null = null;

  const ensureDir = () =>
    (dirReady ??= (async () => {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      // mkdir leaves an existing directory's mode alone (the Go original created it 0755)
      await chmod(dir, 0o700).catch((err: Error) => log.warn({ dir, err: err.message }, "cannot make the token cache directory 0700"));
    })().catch((err) => {
      dirReady = null;
      throw err;
    }));

  /** The record in the file now; its content is parsed again only when the file changed. */
  async function current(path: string, kind: TokenKind): Promise<TokenRecord | null> {
    let stamp: string;
    try {
      stamp = stampOf(await stat(path));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
      seen.delete(path);
      return null;
    }
    const last = seen.get(path);
    if (last?.stamp === stamp) return last.record;
    let text: string;
    try {
      text = await readFile(path, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw err;
    }
    const record = decodeRecord(kind, text);
    if (!record) log.warn({ file: path }, "ignoring a corrupt token cache file; it is replaced by the next fetch");
    seen.set(path, { stamp, record });
    return record;
  }

  return {
    type: "file",
    shared: true,
    get: (kind, appId) => current(recordPath(dir, kind, appId), kind),
    async set(kind, appId, record) {
      const path = recordPath(dir, kind, appId);
      await ensureDir();
      const stored = await current(path, kind);
      if (stored && stored.expire > record.expire) {
        log.info({ appId, kind }, "the token cache already holds a newer record (another process): kept it");
        return;
      }
      const tmp = join(dir, `.${appId}.${kind}.${process.pid}.${crypto.randomUUID()}.tmp`);
      try {
        await writeFile(tmp, encodeRecord(kind, record), { mode: 0o600 });
        await rename(tmp, path);
      } catch (err) {
        await rm(tmp, { force: true });
        throw err;
      }
    },
    async invalidate(kind, appId, failedValue) {
      const path = recordPath(dir, kind, appId);
      if ((await current(path, kind))?.value !== failedValue) return false;
      await rm(path, { force: true });
      seen.delete(path);
      return true;
    },
    async lock(kind, appId, ttlMs) {
      const path = `${recordPath(dir, kind, appId)}.lock`;
      try {
        await ensureDir();
        return await tryLockFile(path, ttlMs, now);
      } catch (err) {
        // an unwritable directory must not stop token fetches: go on without serialising them
        log.warn({ appId, kind, err: (err as Error).message }, "cannot take the token cache lock file; refreshing without it");
        return { release: async () => {} };
      }
    },
    async close() {},
  };
}
