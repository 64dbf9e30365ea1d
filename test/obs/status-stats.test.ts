/**
 * obs/status-stats on a fake clock: per-minute buckets that roll over and drop out of the window,
 * counts by type and outcome, latency percentiles, dedup hits, a bounded list of last errors, and
 * feedStatus, which feeds them from the metrics' own calls only while a status page is configured.
 */
import { describe, expect, test } from "bun:test";
import { createMetrics } from "../../src/obs/metrics";
import { createStatusStats, feedStatus, LAST_ERRORS_KEPT, STATUS_MINUTES } from "../../src/obs/status-stats";
import { fakeTimerClock } from "../_helpers/fake-timers";

const MINUTE = 60_000;

describe("status stats", () => {
  test("messages per minute, oldest first; a minute older than the window is gone", () => {
    const clock = fakeTimerClock(100 * MINUTE);
    const stats = createStatusStats(clock.unixMs);
    stats.callback("svc", "text", "replied");
    stats.callback("svc", "text", "replied");
    clock.advance(MINUTE);
    stats.callback("svc", "event", "success-fallback");
    stats.callback("svc", "-", "rejected", "401 signature mismatch");
    stats.callback("svc", "verify", "verified");
    const view = stats.view("svc");
    expect(view.perMinute.length).toBe(STATUS_MINUTES);
    expect(view.perMinute.slice(-2)).toEqual([
      { at: 100 * MINUTE, replied: 2, fallback: 0, rejected: 0 },
      { at: 101 * MINUTE, replied: 0, fallback: 1, rejected: 1 },
    ]);
    expect(view.byType).toEqual({ text: { replied: 2 }, event: { "success-fallback": 1 }, "-": { rejected: 1 }, verify: { verified: 1 } });
    clock.advance((STATUS_MINUTES - 1) * MINUTE);
    // the first minute left the window, the second is the oldest
    const later = stats.view("svc");
    expect(later.perMinute[0]).toEqual({ at: 101 * MINUTE, replied: 0, fallback: 1, rejected: 1 });
    expect(later.byType.text).toBeUndefined();
    // a bucket reused for a new minute starts from zero
    stats.callback("svc", "text", "replied");
    expect(stats.view("svc").perMinute.at(-1)).toEqual({ at: 130 * MINUTE, replied: 1, fallback: 0, rejected: 0 });
  });

  test("latency percentiles (nearest rank) and dedup hits over the window", () => {
    const clock = fakeTimerClock(0);
    const stats = createStatusStats(clock.unixMs);
    expect(stats.view("svc").latencyMs).toBeNull();
    for (let ms = 1; ms <= 100; ms++) stats.latency("svc", ms / 1000);
    stats.dedupHit("svc");
    clock.advance(MINUTE);
    stats.dedupHit("svc");
    expect(stats.view("svc")).toMatchObject({ latencyMs: { p50: 50, p90: 90, p99: 99, samples: 100 }, dedupHits: 2 });
  });

  test("the last errors: newest first, at most LAST_ERRORS_KEPT, long reasons cut", () => {
    const clock = fakeTimerClock(0);
    const stats = createStatusStats(clock.unixMs);
    for (let i = 0; i < LAST_ERRORS_KEPT + 5; i++) {
      clock.advance(1000);
      stats.error("svc", `reason ${i}`);
    }
    stats.error("svc", "x".repeat(500));
    const errors = stats.view("svc").lastErrors;
    expect(errors.length).toBe(LAST_ERRORS_KEPT);
    expect(errors[0]!.reason).toBe(`${"x".repeat(200)}…`);
    expect(errors[1]).toEqual({ at: (LAST_ERRORS_KEPT + 5) * 1000, reason: `reason ${LAST_ERRORS_KEPT + 4}` });
  });

  test("retain forgets services no longer configured", () => {
    const stats = createStatusStats(() => 0);
    stats.error("gone", "e");
    stats.error("kept", "e");
    stats.retain(["kept"]);
    expect([stats.view("gone").lastErrors.length, stats.view("kept").lastErrors.length]).toEqual([0, 1]);
  });
});

describe("feedStatus", () => {
  test("the metrics get every call; the stats only while the page is on; the rest is the metrics' own", async () => {
    const metrics = createMetrics({ processMetrics: false });
    const stats = createStatusStats(() => 0);
    let on = false;
    const fed = feedStatus(metrics, stats, () => on);
    fed.callback("svc", "text", "replied");
    fed.fallback("svc", "backend-error", "backend answered HTTP 502");
    on = true;
    fed.callback("svc", "text", "replied");
    fed.fallback("svc", "timeout", "backend did not answer within 4500 ms");
    fed.backendLatency("svc", "ok", 0.25);
    fed.dedupHit("svc");
    fed.tokenFetch("wxapp", "token");
    expect(stats.view("svc")).toMatchObject({
      byType: { text: { replied: 1 } },
      latencyMs: { p50: 250 },
      dedupHits: 1,
      lastErrors: [{ reason: "backend did not answer within 4500 ms" }],
    });
    const text = await fed.registry.metrics();
    expect(text).toContain('wxgw_callbacks_total{service="svc",type="text",outcome="replied"} 2');
    expect(text).toContain('wxgw_success_fallbacks_total{service="svc",reason="backend-error"} 1');
    expect(text).toContain('wxgw_token_fetches_total{app_id="wxapp",kind="token"} 1');
  });
});
