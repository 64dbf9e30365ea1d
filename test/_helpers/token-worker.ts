/**
 * @module test/_helpers/token-worker
 * One "gateway instance" for multi-process tests: builds the Redis token store and the WeChat client
 * from the real modules, waits until START_AT (unix ms, so several workers race), asks for the
 * access_token once and prints `{"token":…}` or `{"error":…,"status":…}` on stdout. Its log lines go
 * to stderr so the test can check them for secrets.
 *
 * env: REDIS_URL, REDIS_PREFIX, WX_API_BASE, APP_ID, APP_SECRET, LOCK_TTL_MS, START_AT
 */
import { createLogger } from "../../src/obs/log";
import { createRedisTokenStore } from "../../src/store/redis-store";
import { createWxApi } from "../../src/wxapi/client";
import type { ServiceConfig } from "../../src/config/types";

const env = (name: string): string => {
  const v = process.env[name];
  if (!v) throw new Error(`token-worker: ${name} is not set`);
  return v;
};

const log = createLogger({ level: "debug", destination: { write: (s: string) => void process.stderr.write(s) } });
const store = createRedisTokenStore({ url: env("REDIS_URL"), prefix: env("REDIS_PREFIX") }, log);
const lockTtlMs = Number(env("LOCK_TTL_MS"));
const api = createWxApi({
  config: { wxApiBase: env("WX_API_BASE"), tokenApi: "stable" },
  store,
  log,
  tokenOptions: { lockTtlMs, lockWaitMs: lockTtlMs * 5 },
});
const svc = { name: "worker", appId: env("APP_ID"), appSecret: env("APP_SECRET") } as ServiceConfig;

const startAt = Number(process.env.START_AT ?? 0);
if (startAt > Date.now()) await Bun.sleep(startAt - Date.now());
try {
  const token = await api.tokens.accessToken(svc);
  process.stdout.write(`${JSON.stringify({ token })}\n`);
} catch (err) {
  const e = err as { message: string; status?: number };
  process.stdout.write(`${JSON.stringify({ error: e.message, status: e.status })}\n`);
}
await store.close();
process.exit(0);
