import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createMemoryLogger } from "../../src/obs/log";
import { createKvStore, createTokenStore } from "../../src/store/index";
import { createMemoryKvStore, createRedisKvStore, type KvStore } from "../../src/store/kv";
import { makeConfig } from "../_helpers/config";
import { fakeTimerClock } from "../_helpers/fake-timers";
import { describeRedis, startRedis, type TestRedis } from "../_helpers/redis";

describe("memory KvStore", () => {
  test("values expire after their TTL", async () => {
    const clock = fakeTimerClock();
    const kv = createMemoryKvStore({ now: clock.unixMs });
    await kv.set("a", "1", 1000);
    expect(await kv.get("a")).toBe("1");
    clock.advance(999);
    expect(await kv.get("a")).toBe("1");
    clock.advance(1);
    expect(await kv.get("a")).toBeNull();
  });

  test("setIfAbsent stores once per TTL", async () => {
    const clock = fakeTimerClock();
    const kv = createMemoryKvStore({ now: clock.unixMs });
    expect(await kv.setIfAbsent("n", "x", 500)).toBe(true);
    expect(await kv.setIfAbsent("n", "y", 500)).toBe(false);
    expect(await kv.get("n")).toBe("x");
    clock.advance(500);
    expect(await kv.setIfAbsent("n", "z", 500)).toBe(true);
    expect(await kv.get("n")).toBe("z");
    await kv.del("n");
    expect(await kv.get("n")).toBeNull();
  });

  test("is bounded: expired entries are swept and the oldest evicted", async () => {
    const clock = fakeTimerClock();
    const kv = createMemoryKvStore({ now: clock.unixMs, maxEntries: 100 });
    for (let i = 0; i < 100; i++) await kv.set(`old${i}`, "v", 10);
    clock.advance(10);
    await kv.set("fresh", "v", 1000);
    expect(kv.size).toBe(1); // the sweep dropped the 100 expired ones
    for (let i = 0; i < 1000; i++) await kv.set(`k${i}`, String(i), 60_000);
    expect(kv.size).toBe(100);
    expect(await kv.get("k999")).toBe("999");
    expect(await kv.get("k0")).toBeNull();
  });
});

describe("createKvStore / createTokenStore follow token-store", () => {
  const { log } = createMemoryLogger();
  test("memory by default, file with token-cache-dir", () => {
    expect(createTokenStore(makeConfig(), log).type).toBe("memory");
    expect(createTokenStore(makeConfig({}, { "token-cache-dir": "/tmp/x" }), log).type).toBe("file");
    expect(createTokenStore(makeConfig({}, { "token-cache-dir": "/tmp/x", "token-store": { type: "memory" } }), log).type).toBe("memory");
  });
  test("redis when configured", async () => {
    const config = makeConfig({}, { "token-store": { type: "redis", url: "redis://127.0.0.1:1/0", prefix: "t:" } });
    const store = createTokenStore(config, log);
    expect(store.type).toBe("redis");
    expect(store.shared).toBe(true);
    await store.close();
    expect(createKvStore(makeConfig(), log)).toHaveProperty("setIfAbsent");
  });
});

describeRedis("redis KvStore", () => {
  let redis: TestRedis;
  let kv: KvStore;
  beforeAll(async () => {
    redis = await startRedis();
    kv = createRedisKvStore({ url: redis.url, prefix: "kvtest:" }, createMemoryLogger().log);
  });
  afterAll(async () => {
    await kv?.close();
    await redis?.stop();
  });

  test("get/set/del under <prefix>kv:<key> with a TTL", async () => {
    await kv.set("dedup:1", "reply", 60_000);
    expect(await kv.get("dedup:1")).toBe("reply");
    const c = await redis.client();
    expect(await c.get("kvtest:kv:dedup:1")).toBe("reply");
    const ttl = await c.send("PTTL", ["kvtest:kv:dedup:1"]);
    expect(ttl).toBeGreaterThan(50_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
    c.close();
    await kv.del("dedup:1");
    expect(await kv.get("dedup:1")).toBeNull();
  });

  test("setIfAbsent is atomic across clients", async () => {
    const other = createRedisKvStore({ url: redis.url, prefix: "kvtest:" }, createMemoryLogger().log);
    const results = await Promise.all([kv.setIfAbsent("nonce:x", "a", 10_000), other.setIfAbsent("nonce:x", "b", 10_000)]);
    expect(results.filter(Boolean).length).toBe(1);
    await other.close();
  });
});
