/**
 * Several gateway processes sharing one Redis: one token fetch in total, a dead lock holder does not
 * block the others past the lock TTL, and a Redis outage is a clear 502 that heals by itself.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { createMemoryLogger } from "../../src/obs/log";
import { createRedisTokenStore } from "../../src/store/redis-store";
import { type FakeWechat, startFakeWechat } from "../_helpers/fake-wechat";
import { describeRedis, startRedis, type TestRedis } from "../_helpers/redis";
import { spawnTokenWorker, type WorkerProcess, type WorkerResult, workerOutput } from "../_helpers/token-workers";
import { makeWxApi, SECRET } from "../_helpers/wxapi";

const LOCK_TTL_MS = 1500;

describeRedis("tokens shared through redis", () => {
  let redis: TestRedis;
  let fake: FakeWechat;
  beforeAll(async () => {
    redis = await startRedis();
    fake = startFakeWechat();
  });
  afterAll(async () => {
    fake?.stop();
    await redis?.stop();
  });

  const spawnWorker = (appId: string, prefix: string, startAt = 0) =>
    spawnTokenWorker({
      REDIS_URL: redis.url,
      REDIS_PREFIX: prefix,
      WX_API_BASE: fake.url,
      APP_ID: appId,
      APP_SECRET: SECRET,
      LOCK_TTL_MS: String(LOCK_TTL_MS),
      START_AT: String(startAt),
    });

  async function resultOf(proc: WorkerProcess): Promise<{ result: WorkerResult; logs: string }> {
    const { results, logs } = await workerOutput(proc);
    return { result: results.at(-1)!, logs };
  }

  const fetchesFor = (appId: string) => fake.callsTo("/cgi-bin/stable_token").filter((c) => (c.body as { appid?: string }).appid === appId).length;

  test("3 processes asking at the same moment → 1 token fetch in total", async () => {
    const appId = "wxmulti000000001";
    fake.delayNext("/cgi-bin/stable_token", 300); // the fetch is slow, so the others really wait on the lock
    const startAt = Date.now() + 1500;
    const procs = [0, 1, 2].map(() => spawnWorker(appId, "multi:", startAt));
    const results = await Promise.all(procs.map(resultOf));
    const tokens = results.map((r) => r.result.token);
    expect(results.map((r) => r.result.error)).toEqual([undefined, undefined, undefined]);
    expect(new Set(tokens).size).toBe(1);
    expect(fake.validTokens(appId)).toContain(tokens[0]!);
    expect(fetchesFor(appId)).toBe(1);
    for (const { logs } of results) expect(logs).not.toContain(tokens[0]!);
  });

  test("a lock holder killed mid-refresh: the others succeed once the lock TTL is over", async () => {
    const appId = "wxmulti000000002";
    fake.delayNext("/cgi-bin/stable_token", 8000); // the holder's fetch hangs…
    const holder = spawnWorker(appId, "kill:");
    await fake.whenCalled("/cgi-bin/stable_token", fake.callsTo("/cgi-bin/stable_token").length + 1);
    expect(fetchesFor(appId)).toBe(1);
    holder.kill("SIGKILL"); // …and it dies holding the lock
    await holder.exited;
    const lockKey = `kill:lock:token:${appId}`;
    const c = await redis.client();
    expect(await c.exists(lockKey)).toBe(true);
    c.close();
    const results = await Promise.all([spawnWorker(appId, "kill:"), spawnWorker(appId, "kill:")].map(resultOf));
    expect(results.map((r) => r.result.error)).toEqual([undefined, undefined]);
    expect(results[0]!.result.token).toBe(results[1]!.result.token!);
    expect(fetchesFor(appId)).toBe(2); // the dead holder's and one more
  });

  test("redis stopped → a clear 502 and a log line; restarted → works again with the same client", async () => {
    const mem = createMemoryLogger();
    const store = createRedisTokenStore({ url: redis.url, prefix: "outage:" }, mem.log);
    const { api, svc } = makeWxApi(fake, { store });
    expect((await api.call(svc, { path: "/cgi-bin/user/info", query: { openid: "o1" } })).openid).toBe("o1");
    await redis.stop();
    const err = await api.call(svc, { path: "/cgi-bin/user/info", query: { openid: "o1" } }).catch((e) => e);
    expect(err.status).toBe(502);
    expect(err.message).toContain("redis unavailable");
    expect(err.toJSON().code).toBe(502);
    expect(mem.lines().filter((l) => l.includes("redis is unavailable")).length).toBe(1);
    await redis.start();
    expect((await api.call(svc, { path: "/cgi-bin/user/info", query: { openid: "o2" } })).openid).toBe("o2");
    await store.close();
  });
});
