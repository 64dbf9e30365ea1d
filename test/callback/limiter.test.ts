import { describe, expect, test } from "bun:test";
import { createLimiter } from "../../src/service/limiter";

const tick = () => new Promise((r) => setTimeout(r, 1));

describe("limiter (workerNum)", () => {
  test("at most N tasks run at once; the rest start in arrival order", async () => {
    const limiter = createLimiter(2);
    const started: number[] = [];
    const releases: Array<() => void> = [];
    const results = [0, 1, 2, 3, 4].map((i) =>
      limiter.run(() => {
        started.push(i);
        return new Promise<number>((r) => releases.push(() => r(i)));
      }),
    );
    await tick();
    expect(started).toEqual([0, 1]);
    expect([limiter.active, limiter.waiting]).toEqual([2, 3]);
    releases[1]!();
    await tick();
    expect(started).toEqual([0, 1, 2]);
    releases[0]!();
    releases[2]!();
    await tick();
    expect(started).toEqual([0, 1, 2, 3, 4]);
    releases[3]!();
    releases[4]!();
    expect(await Promise.all(results)).toEqual([0, 1, 2, 3, 4]);
    expect([limiter.active, limiter.waiting]).toEqual([0, 0]);
  });

  test("a task that throws, synchronously or by rejecting, gives its slot back", async () => {
    const limiter = createLimiter(1);
    await expect(limiter.run(() => { throw new Error("sync"); })).rejects.toThrow("sync");
    await expect(limiter.run(() => Promise.reject(new Error("async")))).rejects.toThrow("async");
    const queued = limiter.run(() => Promise.reject(new Error("queued")));
    const after = limiter.run(async () => "ran");
    await expect(queued).rejects.toThrow("queued");
    expect(await after).toBe("ran");
    expect([limiter.active, limiter.waiting]).toEqual([0, 0]);
  });
});
