/**
 * @module store/file-lock
 * The refresh lock of a token cache directory shared by several processes on one host (SPEC §3: a
 * rolling restart overlaps the old and the new process; several gateways may use one directory).
 * `<record file>.lock` is created with O_EXCL, so exactly one process holds it; it records when it
 * expires, by the holder's clock, so a holder that died mid-refresh blocks the others only until then.
 *
 * The lock only saves fetches: correctness does not depend on it. A stale lock taken over by two
 * processes at once costs one extra fetch, never a lost token, because the store never replaces a
 * record with one that expires earlier.
 */
import { open, readFile, rm, stat } from "node:fs/promises";
import type { StoreLock } from "./token-store";

interface LockFile {
  readonly id: string;
  readonly pid: number;
  /** unix ms (holder's clock) after which the lock is stale */
  readonly expires: number;
}

/** O_EXCL create with the content; false when the file exists already. */
async function createExclusive(path: string, content: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(path, "wx", 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw err;
  }
  try {
    await handle.writeFile(content);
  } finally {
    await handle.close();
  }
  return true;
}

async function readLock(path: string): Promise<LockFile | null | "absent"> {
  try {
    const parsed = JSON.parse(await readFile(path, "utf8")) as Partial<LockFile>;
    return typeof parsed.id === "string" && typeof parsed.expires === "number" ? (parsed as LockFile) : null;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "ENOENT" ? "absent" : null;
  }
}

async function isStale(path: string, ttlMs: number, now: () => number): Promise<boolean> {
  const lock = await readLock(path);
  if (lock === "absent") return true;
  if (lock) return now() >= lock.expires;
  // unreadable: a holder that died between create and write, or one still writing; judge by its age.
  // The kernel stamped mtime with the real wall clock, so it is compared with that, not the injected one.
  const info = await stat(path).catch(() => null);
  return info === null || Date.now() - info.mtimeMs >= ttlMs;
}

/**
 * Takes the lock at `path` for `ttlMs`, or returns null while another process holds it. A stale lock
 * (past its expiry on `now`) is removed and taken.
 */
export async function tryLockFile(path: string, ttlMs: number, now: () => number): Promise<StoreLock | null> {
  const id = crypto.randomUUID();
  const content = JSON.stringify({ id, pid: process.pid, expires: now() + ttlMs } satisfies LockFile);
  let taken = await createExclusive(path, content);
  if (!taken && (await isStale(path, ttlMs, now))) {
    await rm(path, { force: true });
    taken = await createExclusive(path, content);
  }
  if (!taken) return null;
  return {
    async release() {
      // a holder that outlived its expiry must not remove the next holder's lock
      const current = await readLock(path);
      if (current !== null && current !== "absent" && current.id === id) await rm(path, { force: true });
    },
  };
}
