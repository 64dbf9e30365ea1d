/**
 * The store layer of one process: with `token-store` Redis, the token store, the caches and the
 * shared callback state run on one Redis connection, made by createGateway and closed once by its
 * `close`; each caller keeps its own bound on that connection.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { RedisClient } from "bun";
import { createSharedState } from "../../src/callback/shared-state";
import { createGateway } from "../../src/gateway";
import { createMemoryLogger } from "../../src/obs/log";
import { createMetrics } from "../../src/obs/metrics";
import { createStores } from "../../src/store/index";
import { makeConfig } from "../_helpers/config";
import { describeRedis, startRedis, type TestRedis } from "../_helpers/redis";

const redisConfig = (url: string, prefix: string) => makeConfig({ timeout: 30 }, { "token-store": { type: "redis", url, prefix } });
const future = () => Math.floor(Date.now() / 1000) + 3600;

/** How many connections Redis has besides `checker`'s own. */
async function otherConnections(checker: RedisClient): Promise<number> {
  const own = String(await checker.send("CLIENT", ["ID"]));
  const list = String(await checker.send("CLIENT", ["LIST"]));
  return list.split("\n").filter((line) => line.startsWith("id=") && !line.startsWith(`id=${own} `)).length;
}

/** Polls until Redis has seen the connections go (a close reaches the server a moment later). */
async function connectionsSettleAt(checker: RedisClient, expected: number): Promise<number> {
  let count = await otherConnections(checker);
  for (let i = 0; i < 100 && count !== expected; i++) {
    await Bun.sleep(20);
    count = await otherConnections(checker);
  }
  return count;
}

describe("createStores without Redis", () => {
  test("memory or file stores and no connection", async () => {
    const { log } = createMemoryLogger();
    const memory = createStores(makeConfig(), log);
    expect([memory.tokens.type, memory.redis]).toEqual(["memory", null]);
    const file = createStores(makeConfig({}, { "token-cache-dir": "/tmp/wxgw-stores" }), log);
    expect([file.tokens.type, file.redis]).toEqual(["file", null]);
    await memory.close();
    await file.close();
  });
});

describeRedis("createStores with token-store redis", () => {
  let redis: TestRedis;
  let checker: RedisClient;
  beforeAll(async () => {
    redis = await startRedis();
    checker = await redis.client();
  });
  afterAll(async () => {
    checker?.close();
    await redis?.stop();
  });

  test("the gateway's tokens, caches, dedup and replay guard share one connection; close closes it once", async () => {
    const { log } = createMemoryLogger();
    const metrics = createMetrics({ processMetrics: false });
    const config = redisConfig(redis.url, "one:");
    const { stores, sharedState, close } = createGateway(config, { log, metrics });
    const shared = sharedState!;
    const svc = config.services[0]!;
    await stores.tokens.set("token", "wxOne", { value: "T", expire: future() });
    expect((await stores.tokens.get("token", "wxOne"))?.value).toBe("T");
    await stores.kv.set("userinfo:x", "{}", 60_000);
    expect(await shared.createReplayGuard(svc).isReplay("1:n", "fp")).toBe(false);
    expect(await shared.createDedup(svc).run("m:1", async () => ({ kind: "success", reason: "echo" }))).toEqual({ kind: "success", reason: "echo" });
    // every kind of key was written, through one connection
    expect(await checker.get("one:token:wxOne")).toContain('"token":"T"');
    expect(await checker.get("one:kv:userinfo:x")).toBe("{}");
    expect(await checker.exists(`one:nonce:${svc.name}:1:n`)).toBe(true);
    expect(await otherConnections(checker)).toBe(1);

    shared.close(); // the link does not own the connection
    expect(await stores.tokens.get("token", "wxOne")).not.toBeNull();
    expect(await otherConnections(checker)).toBe(1);
    await Promise.all([close(), close()]);
    expect(await connectionsSettleAt(checker, 0)).toBe(0);
  });

  test("a Redis that never answers: the callback state gives up at its own bound, tokens at theirs, on the same connection", async () => {
    const silent = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
    const { log } = createMemoryLogger();
    const metrics = createMetrics({ processMetrics: false });
    const config = redisConfig(`redis://127.0.0.1:${silent.port}`, "h:");
    const stores = createStores(config, log);
    const shared = createSharedState(config, { connection: stores.redis, log, metrics })!;
    const started = performance.now();
    const token = stores.tokens.get("token", "wxSilent").then(
      () => null,
      (err: Error) => ({ err, ms: performance.now() - started }),
    );
    const verdict = await shared.createReplayGuard(config.services[0]!).isReplay("1:n", "fp");
    const stateMs = performance.now() - started;
    expect(verdict).toBe(false); // decided by this instance's memory
    expect(stateMs).toBeLessThan(1500); // 300 ms + 500 ms for the connect, not the token store's 2.5 s
    const failed = await token;
    expect(failed?.err.message).toContain("redis unavailable");
    expect(failed!.ms).toBeGreaterThan(stateMs);
    await stores.close();
    silent.stop(true);
  });
});
