import { afterAll, describe, expect, test } from "bun:test";
import { createBackendAborts } from "../../src/callback/backend-abort";

// a backend that answers /fast at once and never answers anything else
const server = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  fetch: (req) => (new URL(req.url).pathname === "/fast" ? new Response("ok") : new Promise<Response>(() => {})),
});
afterAll(() => server.stop(true));
const base = `http://127.0.0.1:${server.port}`;

describe("backend hard timeout on shared signals", () => {
  test("fetches within one granularity share a signal; a later one gets a new signal", () => {
    let now = 0;
    const aborts = createBackendAborts(30_000, 1000, () => now);
    const first = aborts.signal();
    now = 999;
    expect(aborts.signal()).toBe(first);
    now = 1000;
    const second = aborts.signal();
    expect(second).not.toBe(first);
    expect(first.aborted || second.aborted).toBe(false);
  });

  test("a backend that never answers is cut off between timeout and timeout + granularity; finished fetches are untouched", async () => {
    const aborts = createBackendAborts(150, 50);
    const started = performance.now();
    const signal = aborts.signal();
    const fast = await fetch(`${base}/fast`, { signal });
    expect(await fast.text()).toBe("ok");
    const hung = fetch(`${base}/hang`, { signal: aborts.signal() });
    const err = await hung.then(() => null, (e: unknown) => e as Error);
    const elapsed = performance.now() - started;
    expect(err?.name).toBe("TimeoutError");
    expect(elapsed).toBeGreaterThanOrEqual(150);
    expect(signal.aborted).toBe(true);
  });
});
