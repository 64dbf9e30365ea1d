import { describe, expect, test } from "bun:test";
import type { Job } from "../../src/callback/limiter";
import { GatewayError } from "../../src/http/errors";
import { allocateLimiterMemory, createSharedLimiter, releaseWorker } from "../../src/workers/shared-limiter";
import { releaseIfHeldBy, SharedMutex } from "../../src/workers/shared-mutex";
import { allocateReplayMemory, createSharedReplayGuard } from "../../src/workers/shared-replay";

describe("shared replay guard", () => {
  test("a nonce one worker saw is known to the others, through the table's growth", () => {
    let now = 1_700_000_000_000;
    const memory = allocateReplayMemory(now);
    const [a, b] = [1, 2].map((w) => createSharedReplayGuard(memory, w, 30, () => now)) as [
      ReturnType<typeof createSharedReplayGuard>,
      ReturnType<typeof createSharedReplayGuard>,
    ];
    expect(a.isReplay("1:n1", "body")).toBe(false);
    expect(b.isReplay("1:n1", "body")).toBe(false); // WeChat's own retry: same body
    expect(b.isReplay("1:n1", "forged")).toBe(true);
    // 20 000 nonces: the table is rehashed into more slots by both workers in turn
    for (let k = 0; k < 20_000; k++) expect((k % 2 ? a : b).isReplay(`2:${k}`, "x")).toBe(false);
    for (let k = 0; k < 20_000; k += 997) expect((k % 2 ? b : a).isReplay(`2:${k}`, "y")).toBe(true);
    expect(a.isReplay("1:n1", "forged")).toBe(true);
    now += 61_000;
    expect(a.isReplay("1:n1", "forged")).toBe(false); // forgotten after twice the window
  });

  test("full: refused with 503 by every worker", () => {
    const memory = allocateReplayMemory(Date.now(), 4096);
    const [a, b] = [1, 2].map((w) => createSharedReplayGuard(memory, w, 30, Date.now)) as [
      ReturnType<typeof createSharedReplayGuard>,
      ReturnType<typeof createSharedReplayGuard>,
    ];
    for (let k = 0; k < 3072; k++) (k % 2 ? a : b).isReplay(`1:${k}`, "a");
    for (const guard of [a, b]) expect(() => guard.isReplay("1:more", "a")).toThrow(GatewayError);
  });
});

describe("shared limiter (workerNum for the process)", () => {
  const job = (log: string[], name: string): Job => ({ run: () => log.push(name) });

  test("at most N run at once over all workers, in arrival order across them", async () => {
    const memory = allocateLimiterMemory(4);
    const [a, b] = [1, 2].map((w) => createSharedLimiter(memory, w, 2));
    const started: string[] = [];
    a!.enter(job(started, "a1"));
    b!.enter(job(started, "b1"));
    b!.enter(job(started, "b2"));
    a!.enter(job(started, "a2"));
    expect(started).toEqual(["a1", "b1"]);
    a!.release(); // b2 arrived first: it runs (woken through the shared word), a2 waits
    await Bun.sleep(0);
    expect(started).toEqual(["a1", "b1", "b2"]);
    b!.release();
    await Bun.sleep(0);
    expect(started).toEqual(["a1", "b1", "b2", "a2"]);
    expect([a!.active, b!.active]).toEqual([1, 1]);
  });

  test("a dead worker's slots and waiting turns are given back by the primary", async () => {
    const memory = allocateLimiterMemory(4);
    const b = createSharedLimiter(memory, 2, 1);
    const started: string[] = [];
    // worker 1, a real thread: it holds the only slot and waits for a second one, then dies
    const thread = new Worker(new URL("../_helpers/limiter-thread.ts", import.meta.url).href);
    const report = await new Promise<{ running: number }>((resolve) => {
      thread.onmessage = (e) => resolve(e.data);
      thread.postMessage({ memory, worker: 1, max: 1, jobs: 2 });
    });
    expect(report.running).toBe(1);
    b.enter(job(started, "b1"));
    b.enter(job(started, "b2"));
    thread.terminate();
    expect(started).toEqual([]);
    expect(releaseWorker(memory, 1)).toBe(2);
    await Bun.sleep(0);
    // the dead worker's waiting turn took no slot: b1 runs at once, b2 after it
    expect(started).toEqual(["b1"]);
    b.release();
    expect(started).toEqual(["b1", "b2"]);
  });

  test("admitted work is counted per worker; drain refuses more", async () => {
    const memory = allocateLimiterMemory(2);
    const a = createSharedLimiter(memory, 1, 1);
    expect(a.admit()).toBe(true);
    a.enter({ run: () => {} });
    const drained = a.drain();
    expect(a.admit()).toBe(false);
    expect(Bun.peek.status(drained)).toBe("pending");
    a.release();
    await drained;
    expect(a.outstanding).toBe(0);
  });
});

describe("shared mutex", () => {
  test("the primary frees a lock a dead worker held; not one held by another", () => {
    const words = new Int32Array(new SharedArrayBuffer(8));
    const m1 = new SharedMutex(words, 0, 1);
    m1.lock();
    expect(releaseIfHeldBy(words, 0, 2)).toBe(false);
    expect(releaseIfHeldBy(words, 0, 1)).toBe(true);
    const m2 = new SharedMutex(words, 0, 2);
    m2.lock(); // would spin forever if the dead holder's lock were left
    m2.unlock();
    expect(Array.from(words)).toEqual([0, 0]);
  });
});
