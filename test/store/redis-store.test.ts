import { afterAll, beforeAll, expect, test } from "bun:test";
import { GatewayError } from "../../src/http/errors";
import { createMemoryLogger } from "../../src/obs/log";
import { redisWhere } from "../../src/store/redis-conn";
import { createRedisTokenStore } from "../../src/store/redis-store";
import type { TokenStore } from "../../src/store/token-store";
import { describeRedis, startRedis, type TestRedis } from "../_helpers/redis";

test("log lines name redis by host, port and db, never with its password", () => {
  expect(redisWhere("redis://:s3cret@redis.internal:6380/2")).toBe("redis.internal:6380/2");
  expect(redisWhere("rediss://user:s3cret@r.example")).toBe("r.example:6379/0");
});

describeRedis("redis token store", () => {
  let redis: TestRedis;
  let store: TokenStore;
  const mem = createMemoryLogger();
  const future = () => Math.floor(Date.now() / 1000) + 3600;

  beforeAll(async () => {
    redis = await startRedis();
    store = createRedisTokenStore({ url: redis.url, prefix: "gw1:" }, mem.log);
  });
  afterAll(async () => {
    await store?.close();
    await redis?.stop();
  });

  test("records are the Go JSON under <prefix>token:<app-id> / <prefix>ticket:<app-id>, with a TTL to their expiry", async () => {
    const expire = future();
    await store.set("token", "wxR", { value: "T", expire });
    await store.set("ticket", "wxR", { value: "K", expire });
    const c = await redis.client();
    expect(await c.get("gw1:token:wxR")).toBe(`{"token":"T","expire":${expire}}`);
    expect(await c.get("gw1:ticket:wxR")).toBe(`{"ticket":"K","expire":${expire}}`);
    const ttl = await c.ttl("gw1:token:wxR");
    expect(ttl).toBeGreaterThan(3500);
    expect(ttl).toBeLessThanOrEqual(3600);
    c.close();
    expect(await store.get("token", "wxR")).toEqual({ value: "T", expire });
  });

  test("invalidate is compare-and-swap, atomically in redis", async () => {
    await store.set("token", "wxS", { value: "NEW", expire: future() });
    expect(await store.invalidate("token", "wxS", "OLD")).toBe(false);
    expect((await store.get("token", "wxS"))?.value).toBe("NEW");
    expect(await store.invalidate("token", "wxS", "NEW")).toBe(true);
    expect(await store.get("token", "wxS")).toBeNull();
  });

  test("a corrupt record reads as absent", async () => {
    const c = await redis.client();
    await c.set("gw1:token:wxBad", "garbage");
    c.close();
    expect(await store.get("token", "wxBad")).toBeNull();
    expect(mem.lines().some((l) => l.includes("corrupt token record"))).toBe(true);
  });

  test("the lock is exclusive, released only by its holder, and expires with its TTL", async () => {
    const other = createRedisTokenStore({ url: redis.url, prefix: "gw1:" }, mem.log);
    const held = await store.lock("token", "wxL", 300);
    expect(held).not.toBeNull();
    expect(await other.lock("token", "wxL", 300)).toBeNull();
    await held!.release();
    const second = await other.lock("token", "wxL", 200);
    expect(second).not.toBeNull();
    // the first holder's late release must not free the second holder's lock
    await held!.release();
    expect(await store.lock("token", "wxL", 200)).toBeNull();
    // the TTL is Redis's to run out, on its own clock: check it was set, then wait for the key to go
    const c = await redis.client();
    const ttl = Number(await c.send("PTTL", ["gw1:lock:token:wxL"]));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(200);
    for (let i = 0; (await c.exists("gw1:lock:token:wxL")) && i < 100; i++) await Bun.sleep(10);
    c.close();
    expect(await store.lock("token", "wxL", 200)).not.toBeNull();
    await other.close();
  });

  test("redis down → 502 with one clear log line; back → the same store works again", async () => {
    await store.set("token", "wxD", { value: "T", expire: future() });
    await redis.stop();
    const errors = await Promise.all([store.get("token", "wxD").catch((e) => e), store.get("token", "wxD").catch((e) => e)]);
    for (const err of errors) {
      expect(err).toBeInstanceOf(GatewayError);
      expect(err.status).toBe(502);
      expect(err.message).toContain("redis unavailable");
    }
    const down = mem.lines().filter((l) => l.includes("redis is unavailable"));
    expect(down.length).toBe(1);
    expect(down[0]).toContain(`127.0.0.1:${redis.port}`);
    await redis.start(); // empty again: no persistence
    expect(await store.get("token", "wxD")).toBeNull();
    await store.set("token", "wxD", { value: "T2", expire: future() });
    expect((await store.get("token", "wxD"))?.value).toBe("T2");
    expect(mem.lines().some((l) => l.includes("redis is reachable again"))).toBe(true);
  });
});
