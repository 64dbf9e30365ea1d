import { describe, expect, test } from "bun:test";
import type { WechatReply } from "../../src/wechat/reply";
import { createSharedDedup } from "../../src/workers/shared-dedup";
import { allocateDedupMemory, Found, SharedReplyTable } from "../../src/workers/shared-reply-table";
import { numberedReply } from "../_helpers/dedup-instances";
import { fakeTimerClock } from "../_helpers/fake-timers";

const reply = numberedReply;

/** Two workers' dedups over one memory, in this thread: what one stores the other sees. */
function twoWorkers(windowS = 60, replyTimeoutMs = 4500) {
  const clock = fakeTimerClock();
  const memory = allocateDedupMemory();
  let hits = 0;
  const make = (worker: number) => createSharedDedup({ memory, worker, windowS, replyTimeoutMs, clock, onHit: () => hits++ });
  return { clock, memory, a: make(1), b: make(2), hits: () => hits };
}

describe("shared dedup across workers", () => {
  test("a retry on another worker joins the message in flight; later ones get the stored reply", async () => {
    const { a, b, hits } = twoWorkers();
    let calls = 0;
    const held = Promise.withResolvers<WechatReply>();
    const first = a.run("m:1", () => (calls++, held.promise));
    const retry = b.run("m:1", async () => (calls++, reply(9)));
    held.resolve(reply(1));
    expect(await first).toEqual(reply(1));
    expect(await retry).toEqual(reply(1));
    expect(await b.run("m:1", async () => (calls++, reply(9)))).toEqual(reply(1));
    expect(await a.run("m:1", async () => (calls++, reply(9)))).toEqual(reply(1));
    expect([calls, hits()]).toEqual([1, 3]);
  });

  test("a failed message is forgotten: the waiting retry on another worker runs it", async () => {
    const { a, b } = twoWorkers();
    const held = Promise.withResolvers<WechatReply>();
    const first = a.run("m:2", () => held.promise);
    const retry = b.run("m:2", async () => reply(2));
    held.reject(new Error("backend down"));
    expect(first).rejects.toThrow("backend down");
    expect(await retry).toEqual(reply(2));
  });

  test("a retry waits at most reply-timeout-ms for the other worker, then answers success without the backend", async () => {
    const { a, b, clock } = twoWorkers(60, 300);
    const held = Promise.withResolvers<WechatReply>();
    void a.run("m:3", () => held.promise);
    let called = false;
    const retry = b.run("m:3", async () => ((called = true), reply(9)));
    await clock.tick(300);
    expect(await retry).toEqual({ kind: "success", reason: "another worker holds this message and did not answer within 300 ms" });
    expect(called).toBe(false);
    held.resolve(reply(3));
    await Bun.sleep(0);
    // the timed-out answer was not kept: the next retry gets the real reply
    expect(await b.run("m:3", async () => reply(9))).toEqual(reply(3));
  });

  test("the claims of a dead worker are forgotten by the primary: its waiting retry claims the message", async () => {
    const { memory, a, b } = twoWorkers();
    void a.run("m:4", () => new Promise<WechatReply>(() => {})); // worker 1 dies with the message
    const retry = b.run("m:4", async () => reply(4));
    expect(new SharedReplyTable(memory, 99, 60_000, Date.now).forgetClaimsOf(1)).toBe(1);
    expect(await retry).toEqual(reply(4));
  });

  test("windows: remembered one to two windows, across a rotation; many keys grow the index", async () => {
    const { a, b, clock } = twoWorkers(60);
    for (let i = 0; i < 3000; i++) await a.run(`m:k${i}`, async () => reply(i));
    expect(await b.run("m:k2999", async () => reply(0))).toEqual(reply(2999));
    clock.advance(61_000);
    expect(await b.run("m:k5", async () => reply(0))).toEqual(reply(5));
    clock.advance(61_000);
    expect(await b.run("m:k5", async () => reply(0))).toEqual(reply(0));
  });

  test("a claim in flight survives the rotation that clears its generation", () => {
    const memory = allocateDedupMemory();
    let now = 1_000_000;
    const t1 = new SharedReplyTable(memory, 1, 1000, () => now);
    const t2 = new SharedReplyTable(memory, 2, 1000, () => now);
    expect(t1.claim("m:slow")).toBe(Found.Claimed);
    now += 1000;
    expect(t2.claim("m:other")).toBe(Found.Claimed); // rotates
    now += 1000;
    expect(t2.claim("m:other2")).toBe(Found.Claimed); // rotates again: m:slow's generation is cleared
    expect(t2.claim("m:slow")).toBe(Found.Pending);
    t1.finish("m:slow", 0, 0, "sok"); // its claim has moved: found by its key
    expect(t2.lookup("m:slow")).toBe(Found.Done);
    expect(t2.text).toBe("sok");
  });

  test("window 0 runs every call", async () => {
    const { memory, clock } = twoWorkers();
    const d = createSharedDedup({ memory, worker: 1, windowS: 0, replyTimeoutMs: 100, clock });
    let calls = 0;
    await d.run("m:1", async () => (calls++, reply(1)));
    await d.run("m:1", async () => (calls++, reply(1)));
    expect(calls).toBe(2);
  });
});

describe("shared reply table between threads", () => {
  test("two threads racing over the same 50 000 keys: each key is claimed once, and its reply is the claimer's", async () => {
    const memory = allocateDedupMemory();
    const run = (worker: number) => {
      const thread = new Worker(new URL("../_helpers/dedup-thread.ts", import.meta.url).href);
      return new Promise<number>((resolve) => {
        thread.onmessage = (e) => (resolve(e.data.claimed), thread.terminate());
        thread.postMessage({ memory, worker, keys: 50_000 });
      });
    };
    const [a, b] = await Promise.all([run(1), run(2)]);
    expect(a + b).toBe(50_000);
    const table = new SharedReplyTable(memory, 3, 60_000, Date.now);
    const owners = new Set<string>();
    for (let k = 0; k < 50_000; k += 101) {
      expect(table.lookup(`m:${k}`)).toBe(Found.Done);
      owners.add(table.text);
    }
    expect(owners.size).toBeGreaterThanOrEqual(1);
  });
});
