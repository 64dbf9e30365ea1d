/**
 * @module store/redis-conn
 * The process's one Redis connection (Bun's built-in client), shared by the token store, the caches
 * and the shared callback state; the store layer opens it once and closes it once (store/index).
 * It survives Redis restarts without a gateway restart: Bun's client gives up reconnecting after a
 * few tries and a later `connect()` on it can hang, so after any connection failure the client is
 * dropped and the next command opens a fresh one. Commands never wait in an offline queue: while
 * Redis is down they fail at once with a 502 that says so, and the outage is logged once (and its
 * end once), not per command. Each caller bounds its own commands: the callback path's shared state
 * waits far less than a token fetch may.
 */
import { RedisClient } from "bun";
import { GatewayError } from "../http/errors";
import type { Logger } from "../obs/log";

export interface RedisConnection {
  /**
   * Runs commands on a connected client, bounded by `timeoutMs` (default: the connection's; waiting
   * for the connection itself gets 500 ms more). Any failure becomes a 502 GatewayError.
   */
  run<T>(fn: (client: RedisClient) => Promise<T>, timeoutMs?: number): Promise<T>;
  /** host:port/db without credentials, for log lines */
  readonly where: string;
  close(): void;
}

/**
 * Where a Redis store runs its commands: the process's connection (what the store layer passes), or
 * for standalone use (a tool, a test) a URL, and the store opens a connection of its own.
 */
export type RedisTarget = { readonly connection: RedisConnection; readonly url?: never } | { readonly url: string; readonly connection?: never };

/** The target's connection, and how to let go of it: only a connection opened here is closed. */
export function connectionFor(target: RedisTarget, log: Logger): { readonly conn: RedisConnection; release(): void } {
  if (target.connection) return { conn: target.connection, release() {} };
  const conn = createRedisConnection(target.url, log);
  return { conn, release: () => conn.close() };
}

export interface RedisConnectionOptions {
  /** default bound of each command, and of connecting (plus 500 ms) (default 2000 ms) */
  readonly timeoutMs?: number;
}

/** `redis://user:pass@host:6379/0` → `host:6379/0`: a password never reaches a log line. */
export function redisWhere(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || "6379"}${u.pathname && u.pathname !== "/" ? u.pathname : "/0"}`;
  } catch {
    return "(unparsable redis url)";
  }
}

/** A bound on real socket I/O to Redis, so on the real clock: tests reach it by stopping a real redis-server. */
function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: Timer | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export function createRedisConnection(url: string, log: Logger, opts: RedisConnectionOptions = {}): RedisConnection {
  const defaultTimeoutMs = opts.timeoutMs ?? 2000;
  const where = redisWhere(url);
  let client: RedisClient | null = null;
  let connecting: Promise<RedisClient> | null = null;
  let down = false;

  const connect = () =>
    (connecting ??= (async () => {
      const fresh = new RedisClient(url, { enableOfflineQueue: false, autoReconnect: false, connectionTimeout: defaultTimeoutMs });
      try {
        await withTimeout(fresh.connect(), defaultTimeoutMs + 500, "connecting to redis");
      } catch (err) {
        fresh.close();
        throw err;
      }
      client = fresh;
      return fresh;
    })().finally(() => {
      connecting = null;
    }));

  function drop(failed: RedisClient | null): void {
    if (failed && client === failed) client = null;
    try {
      failed?.close();
    } catch {
      /* already closed */
    }
  }

  return {
    where,
    async run(fn, timeoutMs = defaultTimeoutMs) {
      let used: RedisClient | null = null;
      try {
        // a caller with a shorter bound stops waiting for a connect that goes on for the others
        used = client?.connected
          ? client
          : timeoutMs < defaultTimeoutMs
            ? await withTimeout(connect(), timeoutMs + 500, "connecting to redis")
            : await connect();
        const result = await withTimeout(fn(used), timeoutMs, "redis command");
        if (down) {
          down = false;
          log.info({ redis: where }, "redis is reachable again");
        }
        return result;
      } catch (err) {
        const message = (err as Error).message;
        const code = (err as { code?: string }).code ?? "";
        // a command error (wrong type, script error) leaves the connection usable
        const connectionLost = !used?.connected || code.startsWith("ERR_REDIS_CONNECTION") || /took longer/.test(message);
        if (connectionLost) {
          drop(used);
          if (!down) {
            down = true;
            log.error(
              { redis: where, err: message },
              "redis is unavailable: token and cache calls fail with 502 (shared callback state falls back to memory) until it is back",
            );
          }
        }
        const what = connectionLost ? "redis unavailable" : "redis command failed";
        // the raw error is not kept as cause: nothing that might hold the URL (and its password) travels on
        throw new GatewayError(502, `${what} (${where}): ${message}`, { cause: new Error(message) });
      }
    },
    close() {
      drop(client);
    },
  };
}
