/**
 * @module store/file-store
 * The Go original's token cache, file for file: `<dir>/<app-id>` holds `{"token":"…","expire":<unix s>}`
 * and `<dir>/<app-id>.ticket` holds `{"ticket":"…","expire":<unix s>}` (SPEC §3), so a gateway that
 * replaces go-wx-gateway reuses its cache and fetches nothing at start.
 *
 * Writes go to a temp file in the same directory and are renamed over the record: rename(2) is
 * atomic within a file system, so a crash or a concurrent reader never sees half a record. The
 * directory is kept 0700 and the files 0600 because they hold live credentials.
 */
import { chmod, mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Logger } from "../obs/log";
import { NO_LOCK, assertSafeAppId, decodeRecord, encodeRecord, type TokenKind, type TokenRecord, type TokenStore } from "./token-store";

/** The file of one record, exactly as the Go original named it. */
export function recordPath(dir: string, kind: TokenKind, appId: string): string {
  assertSafeAppId(appId);
  return join(dir, kind === "token" ? appId : `${appId}.ticket`);
}

export function createFileTokenStore(dir: string, log: Logger): TokenStore {
  // Records are read from disk once per process and then served from memory; this process is the
  // only writer of its cache, as with the Go original.
  const cache = new Map<string, TokenRecord | null>();
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

  async function load(path: string, kind: TokenKind): Promise<TokenRecord | null> {
    let text: string;
    try {
      text = await readFile(path, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw err;
    }
    const record = decodeRecord(kind, text);
    if (!record) log.warn({ file: path }, "ignoring a corrupt token cache file; it is replaced by the next fetch");
    return record;
  }

  return {
    type: "file",
    shared: false,
    async get(kind, appId) {
      const path = recordPath(dir, kind, appId);
      if (!cache.has(path)) cache.set(path, await load(path, kind));
      return cache.get(path) ?? null;
    },
    async set(kind, appId, record) {
      const path = recordPath(dir, kind, appId);
      await ensureDir();
      const tmp = join(dir, `.${appId}.${kind}.${process.pid}.${crypto.randomUUID()}.tmp`);
      try {
        await writeFile(tmp, encodeRecord(kind, record), { mode: 0o600 });
        await rename(tmp, path);
      } catch (err) {
        await rm(tmp, { force: true });
        throw err;
      }
      cache.set(path, record);
    },
    async invalidate(kind, appId, failedValue) {
      const path = recordPath(dir, kind, appId);
      const current = cache.has(path) ? cache.get(path) : await load(path, kind);
      if (current?.value !== failedValue) return false;
      await rm(path, { force: true });
      cache.set(path, null);
      return true;
    },
    lock: async () => NO_LOCK,
    async close() {},
  };
}
