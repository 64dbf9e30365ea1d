import { describe, expect, test } from "bun:test";
import { createMemoryReplayGuard, fingerprint } from "../../src/callback/replay";
import { GatewayError } from "../../src/http/errors";

function fakeClock(start = 1_700_000_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

describe("memory replay guard", () => {
  test("the same nonce with the same body is a retry; with another body a replay", () => {
    const guard = createMemoryReplayGuard(300);
    const [a, b] = [fingerprint("<xml>a</xml>"), fingerprint("<xml>b</xml>")];
    expect(guard.isReplay("1700000000:n1", a)).toBe(false);
    expect(guard.isReplay("1700000000:n1", a)).toBe(false);
    expect(guard.isReplay("1700000000:n1", b)).toBe(true);
    expect(guard.isReplay("1700000000:n2", b)).toBe(false);
    expect(guard.isReplay("1700000001:n1", b)).toBe(false); // another timestamp, another key
  });

  test("a nonce is remembered for twice the window, then forgotten", () => {
    const clock = fakeClock();
    const guard = createMemoryReplayGuard(30, clock.now);
    expect(guard.isReplay("1:n", "a")).toBe(false);
    clock.advance(60_000);
    expect(guard.isReplay("1:n", "b")).toBe(true);
    clock.advance(1_000); // whole seconds: up to one more
    expect(guard.isReplay("1:n", "b")).toBe(false);
    expect(guard.isReplay("1:n", "a")).toBe(true); // b is the body remembered now
  });

  test("full of unexpired nonces: a new callback is refused with 503, known ones still judged; room again once they expire", () => {
    const clock = fakeClock();
    const guard = createMemoryReplayGuard(30, clock.now, { maxSlots: 4096 });
    for (let k = 0; k < 3072; k++) expect(guard.isReplay(`1:${k}`, "a")).toBe(false);
    let refused: unknown;
    try {
      guard.isReplay("1:one-more", "a");
    } catch (err) {
      refused = err;
    }
    expect(refused).toBeInstanceOf(GatewayError);
    expect((refused as GatewayError).status).toBe(503);
    expect((refused as GatewayError).message).toContain("replay guard full");
    expect(guard.isReplay("1:7", "a")).toBe(false);
    expect(guard.isReplay("1:7", "b")).toBe(true);
    clock.advance(61_000);
    expect(guard.isReplay("1:one-more", "a")).toBe(false);
  });

  test("guards with different seeds agree on verdicts", () => {
    for (const seed of [0, 1, 0xffffffff]) {
      const guard = createMemoryReplayGuard(300, Date.now, { seed });
      for (let k = 0; k < 1000; k++) expect(guard.isReplay(`1700000000:${k}`, `fp${k}`)).toBe(false);
      for (let k = 0; k < 1000; k++) expect(guard.isReplay(`1700000000:${k}`, `fp${k % 2 === 0 ? k : "x"}`)).toBe(k % 2 !== 0);
    }
  });
});
