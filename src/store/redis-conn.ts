/**
 * @module store/redis-conn
 * One Redis connection (Bun's built-in client) that survives Redis restarts without a gateway
 * restart. Bun's client gives up reconnecting after a few tries and a later `connect()` on it can
 * hang, so after any connection failure the client is dropped and the next command opens a fresh
 * one. Commands never wait in an offline queue: while Redis is down they fail at once with a 502
 * that says so, and the outage is logged once (and its end once), not per command.
 */
import { RedisClient } from "bun";
import { GatewayError } from "../http/errors";
import type { Logger } from "../obs/log";

export interface RedisConnection {
  /** Runs commands on a connected client; any failure becomes a 502 GatewayError. */
  run<T>(fn: (client: RedisClient) => Promise<T>): Promise<T>;
  /** host:port/db without credentials, for log lines */
  readonly where: string;
  close(): void;
}

export interface RedisConnectionOptions {
  /** bound for connecting and for each command (default 2000 ms) */
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

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: Timer | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export function createRedisConnection(url: string, log: Logger, opts: RedisConnectionOptions = {}): RedisConnection {
  const timeoutMs = opts.timeoutMs ?? 2000;
  const where = redisWhere(url);
  let client: RedisClient | null = null;
  let connecting: Promise<RedisClient> | null = null;
  let down = false;

  const connect = () =>
    (connecting ??= (async () => {
      const fresh = new RedisClient(url, { enableOfflineQueue: false, autoReconnect: false, connectionTimeout: timeoutMs });
      try {
        await withTimeout(fresh.connect(), timeoutMs + 500, "connecting to redis");
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
    async run(fn) {
      let used: RedisClient | null = null;
      try {
        used = client?.connected ? client : await connect();
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
        const connectionLost = !used || !used.connected || code.startsWith("ERR_REDIS_CONNECTION") || /took longer/.test(message);
        if (connectionLost) {
          drop(used);
          if (!down) {
            down = true;
            log.error({ redis: where, err: message }, "redis is unavailable: token and shared-state calls fail with 502 until it is back");
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
