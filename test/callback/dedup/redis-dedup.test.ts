import { heapStats } from "bun:jsc";
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { CLAIM_MARGIN_MS } from "../../../src/callback/dedup/redis-dedup";
import { encodeStoredReply } from "../../../src/callback/dedup/reply-codec";
import { storedReply } from "../../../src/callback/shared-state";
import type { WechatReply } from "../../../src/wechat/reply";
import { drive, instance, slowWork, until } from "../../_helpers/dedup-instances";
import { fakeTimerClock } from "../../_helpers/fake-timers";
import { describeRedis, startRedis, type TestRedis } from "../../_helpers/redis";

const xmlReply = (text: string): WechatReply => ({
  kind: "reply",
  reply: { type: "text", msg: text },
  toUser: "oUser",
  fromUser: "gh_a",
  createTime: 1_700_000_000,
});

let prefixCounter = 0;
const freshPrefix = () => `dd${++prefixCounter}:`;

describe("storedReply", () => {
  test("reads done entries (the stored-reply codec's text) and nothing else", () => {
    expect(storedReply(JSON.stringify({ state: "done", reply: encodeStoredReply({ kind: "success", reason: "r" }) }))).toEqual({
      kind: "success",
      reason: "r",
    });
    expect(storedReply(JSON.stringify({ state: "done", reply: encodeStoredReply(xmlReply("a")) }))).toEqual(xmlReply("a"));
    expect(storedReply(JSON.stringify({ state: "pending", owner: "x" }))).toBeNull();
    expect(storedReply(JSON.stringify({ state: "done", reply: { kind: "reply" } }))).toBeNull();
    expect(storedReply(JSON.stringify({ state: "done", reply: "not a stored reply" }))).toBeNull();
    expect(storedReply("garbage")).toBeNull();
  });
});

describeRedis("redis dedup across instances", () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  test("a retry on another instance waits for the first one's reply; the work runs once", async () => {
    const prefix = freshPrefix();
    const clock = fakeTimerClock();
    const [a, b, c] = [instance(redis, prefix, clock), instance(redis, prefix, clock), instance(redis, prefix, clock)];
    const slow = slowWork();
    const first = a.dedup.run("m:1", slow.work);
    await slow.started; // a holds the claim
    const retryB = b.dedup.run("m:1", slow.work);
    const retryC = c.dedup.run("m:1", slow.work);
    await until(() => clock.pending === 2); // both found the claim and wait to look again
    await clock.tick(25);
    await until(() => clock.pending === 2); // they looked: still pending
    slow.open(xmlReply("hello"));
    expect(await first).toEqual(xmlReply("hello"));
    expect(await drive(clock, retryB)).toEqual(xmlReply("hello"));
    expect(await drive(clock, retryC)).toEqual(xmlReply("hello"));
    // answered already: a late retry elsewhere gets the stored reply at its first look
    expect(await drive(clock, instance(redis, prefix, clock).dedup.run("m:1", slow.work))).toEqual(xmlReply("hello"));
    expect(slow.runs()).toBe(1);
    expect(b.hits() + c.hits()).toBe(2);
    for (const i of [a, b, c]) i.link.close();
  });

  test("same-instance retries join locally without asking Redis again", async () => {
    const a = instance(redis, freshPrefix(), fakeTimerClock());
    const slow = slowWork();
    const first = a.dedup.run("m:2", slow.work);
    const retry = a.dedup.run("m:2", slow.work);
    slow.open(xmlReply("once"));
    expect(await first).toEqual(xmlReply("once"));
    expect(await retry).toEqual(xmlReply("once"));
    expect(await a.dedup.run("m:2", slow.work)).toEqual(xmlReply("once"));
    expect(slow.runs()).toBe(1);
    expect(a.redisCalls()).toBe(2); // the claim and the stored reply
    expect(a.hits()).toBe(2);
    a.link.close();
  });

  test("keys carry the prefix and a TTL: the claim's, then the window's", async () => {
    const prefix = freshPrefix();
    const a = instance(redis, prefix, fakeTimerClock(), { replyTimeoutMs: 1000, windowS: 30 });
    const client = await redis.client();
    const slow = slowWork();
    const running = a.dedup.run("m:3", slow.work);
    await slow.started;
    const key = `${prefix}dedup:svc:m:3`;
    const claimTtl = Number(await client.send("PTTL", [key]));
    expect(claimTtl).toBeGreaterThan(0);
    expect(claimTtl).toBeLessThanOrEqual(1000 + CLAIM_MARGIN_MS);
    expect(JSON.parse((await client.get(key))!).state).toBe("pending");
    slow.open({ kind: "success", reason: "backend said success" });
    await running;
    const doneTtl = Number(await client.send("PTTL", [key]));
    expect(doneTtl).toBeGreaterThan(1000 + CLAIM_MARGIN_MS);
    expect(doneTtl).toBeLessThanOrEqual(30_000);
    expect(storedReply((await client.get(key))!)).toEqual({ kind: "success", reason: "backend said success" });
    client.close();
    a.link.close();
  });

  test("a waiter whose deadline passes answers success without running the work, and looks again next time", async () => {
    const prefix = freshPrefix();
    const clock = fakeTimerClock();
    const a = instance(redis, prefix, clock, { replyTimeoutMs: 5000 });
    const b = instance(redis, prefix, clock, { replyTimeoutMs: 300 });
    const slow = slowWork();
    const first = a.dedup.run("m:4", slow.work);
    await slow.started;
    const mustNotRun = async () => (slow.work(), xmlReply("B must not run"));
    const waited = await drive(clock, b.dedup.run("m:4", mustNotRun));
    expect(waited.kind).toBe("success");
    expect(slow.runs()).toBe(1);
    slow.open(xmlReply("late but stored"));
    await first;
    // the timed-out answer was not kept: WeChat's next retry gets the real reply
    expect(await drive(clock, b.dedup.run("m:4", mustNotRun))).toEqual(xmlReply("late but stored"));
    expect(slow.runs()).toBe(1);
    a.link.close();
    b.link.close();
  });

  test("a claim whose holder died goes (its TTL), and a waiting retry takes the message over", async () => {
    const prefix = freshPrefix();
    const clock = fakeTimerClock();
    const client = await redis.client();
    const key = `${prefix}dedup:svc:m:5`;
    await client.set(key, JSON.stringify({ state: "pending", owner: "dead" }), "PX", "60000");
    const b = instance(redis, prefix, clock, { replyTimeoutMs: 2000 });
    let runs = 0;
    const takenOver = b.dedup.run("m:5", async () => (runs++, xmlReply("taken over")));
    await until(() => clock.pending === 1);
    await clock.tick(25);
    await until(() => clock.pending === 1); // looked once: the claim is still there, the work has not run
    expect(runs).toBe(0);
    await client.del(key); // what the claim's TTL does when its holder dies
    expect(await drive(clock, takenOver)).toEqual(xmlReply("taken over"));
    expect(runs).toBe(1);
    client.close();
    b.link.close();
  });

  test("failed work frees its claim, so a retry elsewhere runs it again", async () => {
    const prefix = freshPrefix();
    const clock = fakeTimerClock();
    const [a, b] = [instance(redis, prefix, clock), instance(redis, prefix, clock)];
    await expect(a.dedup.run("m:6", async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(await b.dedup.run("m:6", async () => xmlReply("second try"))).toEqual(xmlReply("second try"));
    a.link.close();
    b.link.close();
  });

  test("answered messages are kept locally as bytes, not as a promise each; their retries are still answered locally", async () => {
    const a = instance(redis, freshPrefix(), fakeTimerClock());
    const promises = () => (Bun.gc(true), heapStats().objectTypeCounts.Promise ?? 0);
    const before = promises();
    for (let batch = 0; batch < 20; batch++) {
      await Promise.all(Array.from({ length: 100 }, (_, i) => a.dedup.run(`m:b${batch}:${i}`, async () => xmlReply(`r${batch}:${i}`))));
    }
    expect(promises() - before).toBeLessThan(200);
    const calls = a.redisCalls();
    expect(await a.dedup.run("m:b7:42", async () => xmlReply("must not run"))).toEqual(xmlReply("r7:42"));
    expect(a.redisCalls()).toBe(calls);
    a.link.close();
  });

  test("window 0 disables dedup", async () => {
    const a = instance(redis, freshPrefix(), fakeTimerClock(), { windowS: 0 });
    let runs = 0;
    await a.dedup.run("m:7", async () => (runs++, xmlReply("x")));
    await a.dedup.run("m:7", async () => (runs++, xmlReply("x")));
    expect(runs).toBe(2);
    expect(a.redisCalls()).toBe(0);
    a.link.close();
  });

  test("Redis down: answered from per-instance memory, logged once, counted; back to shared when Redis returns", async () => {
    const prefix = freshPrefix();
    const clock = fakeTimerClock();
    const [a, b] = [instance(redis, prefix, clock), instance(redis, prefix, clock)];
    await a.dedup.run("warm", async () => xmlReply("w")); // connected before the outage
    await b.dedup.run("warm-b", async () => xmlReply("w"));
    await redis.stop();
    let runs = 0;
    const work = async () => (runs++, xmlReply("local"));
    for (let i = 0; i < 5; i++) expect(await a.dedup.run(`down:${i}`, work)).toEqual(xmlReply("local"));
    // per-instance dedup still absorbs retries on the same instance
    expect(await a.dedup.run("down:0", work)).toEqual(xmlReply("local"));
    expect(runs).toBe(5);
    expect(a.degraded.filter((c) => c === "dedup").length).toBe(5);
    expect(a.lines().filter((l) => l.includes("fall back to per-instance memory")).length).toBe(1);

    await redis.start();
    // past the breaker's retryAfterMs (100 ms) on the fake clock, until both links have reconnected (real I/O)
    const answers = (i: ReturnType<typeof instance>) =>
      i.link
        .run((c) => c.send("PING", []))
        .then(
          () => true,
          () => false,
        );
    for (let attempt = 0; attempt < 200 && !((await answers(a)) && (await answers(b))); attempt++) {
      clock.advance(150);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const slow = slowWork();
    const first = a.dedup.run("up:1", slow.work);
    await slow.started;
    const retry = b.dedup.run("up:1", slow.work);
    await until(() => clock.pending === 1);
    slow.open(xmlReply("shared again"));
    expect(await first).toEqual(xmlReply("shared again"));
    expect(await drive(clock, retry)).toEqual(xmlReply("shared again"));
    expect(slow.runs()).toBe(1);
    expect(a.lines().some((l) => l.includes("shared state is in redis again"))).toBe(true);
    a.link.close();
    b.link.close();
  });
});
