import { describe, expect, test } from "bun:test";
import { createLimiter, type Job } from "../../src/callback/limiter";

describe("limiter (workerNum)", () => {
  test("at most N jobs run at once; the rest start in arrival order, each on a released slot", () => {
    const limiter = createLimiter(2);
    const started: number[] = [];
    const job = (i: number): Job => ({ run: () => started.push(i) });
    for (let i = 0; i < 5; i++) limiter.enter(job(i));
    expect(started).toEqual([0, 1]);
    expect([limiter.active, limiter.waiting]).toEqual([2, 3]);
    limiter.release();
    expect(started).toEqual([0, 1, 2]);
    expect([limiter.active, limiter.waiting]).toEqual([2, 2]);
    limiter.release();
    limiter.release();
    expect(started).toEqual([0, 1, 2, 3, 4]);
    expect([limiter.active, limiter.waiting]).toEqual([2, 0]);
    limiter.release();
    limiter.release();
    expect([limiter.active, limiter.waiting]).toEqual([0, 0]);
    limiter.release(); // one release too many never goes below zero
    expect(limiter.active).toBe(0);
    limiter.enter(job(5));
    expect(started.at(-1)).toBe(5);
    expect(limiter.active).toBe(1);
  });

  test("a job that enters from inside a release runs after the ones already waiting", () => {
    const limiter = createLimiter(1);
    const started: string[] = [];
    limiter.enter({ run: () => started.push("a") });
    limiter.enter({
      run: () => {
        started.push("b");
        limiter.enter({ run: () => started.push("d") });
      },
    });
    limiter.enter({ run: () => started.push("c") });
    limiter.release(); // a done: b runs and queues d behind c
    limiter.release(); // b done: c
    limiter.release(); // c done: d
    expect(started).toEqual(["a", "b", "c", "d"]);
  });

  test("counts admitted jobs until they release, preparing ones included; drain refuses more and resolves when none is left", async () => {
    const limiter = createLimiter(1);
    const job: Job = { run: () => {} };
    expect([limiter.admit(), limiter.admit(), limiter.admit()]).toEqual([true, true, true]);
    limiter.enter(job); // runs
    limiter.enter(job); // waits; the third is still preparing (no slot, no queue place)
    expect([limiter.outstanding, limiter.active, limiter.waiting]).toEqual([3, 1, 1]);
    const drained = limiter.drain();
    expect(limiter.draining).toBe(true);
    expect(limiter.admit()).toBe(false);
    limiter.release();
    limiter.enter(job);
    limiter.release();
    expect(Bun.peek.status(drained)).toBe("pending");
    expect(limiter.outstanding).toBe(1);
    limiter.release();
    await drained;
    expect([limiter.outstanding, limiter.active, limiter.waiting]).toEqual([0, 0, 0]);
    expect(limiter.drain()).toBe(drained);
  });

  test("draining an idle limiter resolves at once", async () => {
    const limiter = createLimiter(3);
    await limiter.drain();
    expect(limiter.admit()).toBe(false);
  });
});
