/**
 * @module test/_helpers/token-worker
 * One "gateway instance" for multi-process tests: builds the token store (Redis, or the file store
 * on TOKEN_CACHE_DIR) and the WeChat client from the real modules, waits until START_AT (unix ms, so
 * several workers race), asks for the access_token once and prints `{"token":…}` or
 * `{"error":…,"status":…}` on stdout. With THEN_CALL set it then waits for its stdin to close and
 * calls cgi-bin/user/info once, printing `{"openid":…}` or an error: a process that has been running
 * for a while, whose view of the shared cache may be stale. Its log lines go to stderr so the test can
 * check them for secrets.
 *
 * env: REDIS_URL + REDIS_PREFIX or TOKEN_CACHE_DIR, WX_API_BASE, APP_ID, APP_SECRET, LOCK_TTL_MS, START_AT, THEN_CALL
 */

import type { ServiceConfig } from "../../src/config/types";
import { createLogger } from "../../src/obs/log";
import { createFileTokenStore } from "../../src/store/file-store";
import { createRedisTokenStore } from "../../src/store/redis-store";
import { createWxApi } from "../../src/wxapi/client";

const env = (name: string): string => {
  const v = process.env[name];
  if (!v) throw new Error(`token-worker: ${name} is not set`);
  return v;
};

const log = createLogger({ level: "debug", destination: { write: (s: string) => void process.stderr.write(s) } });
const cacheDir = process.env.TOKEN_CACHE_DIR;
const store = cacheDir ? createFileTokenStore(cacheDir, log) : createRedisTokenStore({ url: env("REDIS_URL"), prefix: env("REDIS_PREFIX") }, log);
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
async function report(step: () => Promise<Record<string, unknown>>): Promise<void> {
  try {
    process.stdout.write(`${JSON.stringify(await step())}\n`);
  } catch (err) {
    const e = err as { message: string; status?: number };
    process.stdout.write(`${JSON.stringify({ error: e.message, status: e.status })}\n`);
  }
}
await report(async () => ({ token: await api.tokens.accessToken(svc) }));
if (process.env.THEN_CALL) {
  await Bun.stdin.text();
  await report(async () => ({ openid: (await api.call(svc, { path: "/cgi-bin/user/info", query: { openid: "o-worker" } })).openid }));
}
await store.close();
process.exit(0);
