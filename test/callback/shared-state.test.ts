import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createRedisReplayGuard, createSharedState, createStateLink, StateUnavailable } from "../../src/callback/shared-state";
import { createMemoryLogger } from "../../src/obs/log";
import { createMetrics } from "../../src/obs/metrics";
import { makeConfig } from "../_helpers/config";
import { fakeTimerClock } from "../_helpers/fake-timers";
import { describeRedis, startRedis, type TestRedis } from "../_helpers/redis";

const redisConfig = (url: string, prefix: string, service: Record<string, unknown> = {}) =>
  makeConfig({ timeout: 30, ...service }, { "token-store": { type: "redis", url, prefix } });

async function degradedCount(metrics: ReturnType<typeof createMetrics>, component: string): Promise<number> {
  const metric = (await metrics.registry.getMetricsAsJSON()).find((m) => m.name === "wxgw_state_store_degraded_total");
  return Number(metric?.values.find((v) => v.labels.component === component)?.value ?? 0);
}

describe("createSharedState follows token-store", () => {
  const { log } = createMemoryLogger();
  test("null (memory defaults) for memory and file token stores", () => {
    const metrics = createMetrics({ processMetrics: false });
    expect(createSharedState(makeConfig(), { log, metrics })).toBeNull();
    expect(createSharedState(makeConfig({}, { "token-cache-dir": "/tmp/wxgw-x" }), { log, metrics })).toBeNull();
  });
});

/** A TCP server that accepts connections and never answers: a hanging Redis. */
function startSilentServer(): { url: string; stop: () => void } {
  const server = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  return { url: `redis://127.0.0.1:${server.port}`, stop: () => server.stop(true) };
}

describe("a Redis that never answers", () => {
  test("the breaker answers from memory without waiting on it again; one log line", async () => {
    const silent = startSilentServer();
    const { log, lines } = createMemoryLogger();
    const metrics = createMetrics({ processMetrics: false });
    const shared = createSharedState(redisConfig(silent.url, "h:"), { log, metrics })!;
    const svc = makeConfig({ timeout: 30 }).services[0]!;
    const dedup = shared.createDedup(svc);
    const replay = shared.createReplayGuard(svc);
    let runs = 0;
    const reply = await dedup.run("m:1", async () => (runs++, { kind: "success", reason: "echo" }));
    expect(reply).toEqual({ kind: "success", reason: "echo" });
    expect(await replay.isReplay("1:n", "body-a")).toBe(false);
    expect(await replay.isReplay("1:n", "body-b")).toBe(true); // the memory guard still protects this instance
    expect(runs).toBe(1);
    // the first call waited for the bound; the next ones were refused by the breaker at once
    await expect(shared.link.run((c) => c.get("x"))).rejects.toBeInstanceOf(StateUnavailable);
    expect(await degradedCount(metrics, "dedup")).toBe(1);
    expect(await degradedCount(metrics, "replay")).toBe(2);
    expect(lines().filter((l) => l.includes("shared state store failed")).length).toBe(1);
    shared.close();
    silent.stop();
  });
});

describeRedis("shared nonce replay guard", () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  test("a nonce replayed with another body on another instance is a replay; WeChat's identical retry is not", async () => {
    const { log } = createMemoryLogger();
    const metrics = createMetrics({ processMetrics: false });
    const config = redisConfig(redis.url, "rp1:");
    const svc = config.services[0]!;
    const [a, b] = [createSharedState(config, { log, metrics })!, createSharedState(config, { log, metrics })!];
    const [ga, gb] = [a.createReplayGuard(svc), b.createReplayGuard(svc)];
    expect(await ga.isReplay("1700000000:n1", "fp-original")).toBe(false);
    expect(await gb.isReplay("1700000000:n1", "fp-original")).toBe(false);
    expect(await gb.isReplay("1700000000:n1", "fp-forged")).toBe(true);
    expect(await ga.isReplay("1700000000:n2", "fp-forged")).toBe(false);

    const client = await redis.client();
    const key = `rp1:nonce:${svc.name}:1700000000:n1`;
    expect(await client.get(key)).toBe("fp-original");
    const ttl = Number(await client.send("PTTL", [key]));
    expect(ttl).toBeGreaterThan(30_000);
    expect(ttl).toBeLessThanOrEqual(60_000); // twice the 30 s timestamp window
    client.close();
    a.close();
    b.close();
  });

  test("two instances racing on one nonce with different bodies: exactly one is accepted", async () => {
    const { log } = createMemoryLogger();
    const metrics = createMetrics({ processMetrics: false });
    const config = redisConfig(redis.url, "rp2:");
    const instances = [0, 1, 2, 3].map(() => createSharedState(config, { log, metrics })!);
    const guards = instances.map((s) => createRedisReplayGuard({ link: s.link, service: "svc", windowS: 30 }));
    const verdicts = await Promise.all(guards.map((g, i) => g.isReplay("1:race", `body-${i}`)));
    expect(verdicts.filter((replay) => !replay).length).toBe(1);
    for (const s of instances) s.close();
  });

  test("Redis down: the memory guard decides and it is counted; Redis back: shared again", async () => {
    const { log, lines } = createMemoryLogger();
    const metrics = createMetrics({ processMetrics: false });
    const prefix = "rp3:";
    const clock = fakeTimerClock();
    const linkA = createStateLink({ url: redis.url, prefix, log, metrics, retryAfterMs: 50, now: clock.unixMs });
    const linkB = createStateLink({ url: redis.url, prefix, log, metrics, retryAfterMs: 50, now: clock.unixMs });
    const [ga, gb] = [linkA, linkB].map((link) => createRedisReplayGuard({ link, service: "svc", windowS: 30, now: clock.unixMs }));
    expect(await ga!.isReplay("1:warm", "x")).toBe(false);
    await redis.stop();
    expect(await ga!.isReplay("2:n", "x")).toBe(false);
    expect(await ga!.isReplay("2:n", "y")).toBe(true);
    expect(await gb!.isReplay("2:n", "y")).toBe(false); // per instance only while Redis is down
    expect(await degradedCount(metrics, "replay")).toBe(3);
    await redis.start();
    clock.advance(80); // past the breaker's retryAfterMs: the next call asks Redis again
    expect(await ga!.isReplay("3:n", "x")).toBe(false);
    expect(await gb!.isReplay("3:n", "y")).toBe(true);
    expect(await degradedCount(metrics, "replay")).toBe(3);
    expect(lines().filter((l) => l.includes("shared state is in redis again")).length).toBeGreaterThanOrEqual(1);
    linkA.close();
    linkB.close();
  });
});
