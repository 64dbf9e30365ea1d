import { afterAll, describe, expect, test } from "bun:test";
import { createBackendAborts } from "../../src/callback/backend-abort";
import { DeadlineQueue } from "../../src/util/deadlines";

// a backend that answers /fast at once and never answers anything else
const server = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  fetch: (req) => (new URL(req.url).pathname === "/fast" ? new Response("ok") : new Promise<Response>(() => {})),
});
afterAll(() => server.stop(true));
const base = `http://127.0.0.1:${server.port}`;

describe("backend hard timeout on shared abort controllers", () => {
  test("fetches within one granularity share a lease; a later one gets a new lease", () => {
    let now = 0;
    const queue = new DeadlineQueue(() => now);
    const aborts = createBackendAborts({ timeoutMs: 30_000, granularityMs: 1000, queue, now: () => now });
    const first = aborts.acquire();
    now = 999;
    expect(aborts.acquire()).toBe(first);
    now = 1000;
    const second = aborts.acquire();
    expect(second).not.toBe(first);
    expect(second.signal).not.toBe(first.signal);
    expect(first.signal.aborted || second.signal.aborted).toBe(false);
  });

  test("a lease leaves the queue once its last fetch is done and a newer one took over, not 30 s later", () => {
    let now = 0;
    const queue = new DeadlineQueue(() => now);
    const aborts = createBackendAborts({ timeoutMs: 30_000, granularityMs: 1000, queue, now: () => now });
    const a = aborts.acquire();
    const b = aborts.acquire();
    expect(b).toBe(a);
    aborts.release(a);
    expect(queue.size).toBe(1); // still current: the next fetch may share it
    now = 1500;
    const c = aborts.acquire(); // a new second: a still has one fetch
    expect(queue.size).toBe(2);
    aborts.release(b);
    expect(queue.size).toBe(1); // a is let go
    expect(a.queued).toBe(false);
    now = 3000;
    aborts.release(c);
    const d = aborts.acquire(); // c had no holders left when d replaced it
    expect(d).not.toBe(c);
    expect(queue.size).toBe(1);
    expect(c.queued).toBe(false);
  });

  test("a backend that never answers is cut off between timeout and timeout + granularity; finished fetches are untouched", async () => {
    const queue = new DeadlineQueue();
    const aborts = createBackendAborts({ timeoutMs: 150, granularityMs: 50, queue });
    const started = performance.now();
    const fastLease = aborts.acquire();
    const fast = await fetch(`${base}/fast`, { signal: fastLease.signal });
    expect(await fast.text()).toBe("ok");
    aborts.release(fastLease);
    const lease = aborts.acquire();
    const hung = fetch(`${base}/hang`, { signal: lease.signal });
    const err = await hung.then(
      () => null,
      (e: unknown) => e as Error,
    );
    aborts.release(lease);
    const elapsed = performance.now() - started;
    expect(err?.name).toBe("TimeoutError");
    expect(elapsed).toBeGreaterThanOrEqual(150);
    expect(elapsed).toBeLessThan(2000);
    expect(lease.signal.aborted).toBe(true);
    expect(queue.size).toBe(0);
  });
});
