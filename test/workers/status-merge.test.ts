import { describe, expect, test } from "bun:test";
import type { ServiceStatus, StatusData } from "../../src/contract/ops";
import { mergeStatus } from "../../src/workers/status-merge";

const service = (over: Partial<ServiceStatus>): ServiceStatus => ({
  name: "svc",
  kind: "official-account",
  mode: "plaintext",
  path: "/wx",
  backend: "(echo mode)",
  workerNum: 5,
  backendNow: { active: 0, waiting: 0 },
  perMinute: [],
  byType: {},
  latencyMs: null,
  dedupHits: 0,
  lastErrors: [],
  token: { state: "none", expiresAt: null },
  ...over,
});

const status = (over: Partial<StatusData>, svc: Partial<ServiceStatus>): StatusData => ({
  code: 200,
  msg: "OK",
  version: "1",
  bun: "1.4.5",
  startedAt: 1000,
  uptimeS: 0,
  now: 61_000,
  windowMinutes: 15,
  ready: { ready: true, reason: "serving" },
  redis: { state: "not configured", where: "" },
  config: "conf.json",
  reloads: [],
  services: [service(svc)],
  ...over,
});

describe("the status page over every worker", () => {
  test("counts add up, latency is weighted by samples, errors merge newest first, the latest token shows", () => {
    const a = status(
      {},
      {
        perMinute: [{ at: 0, replied: 3, fallback: 1, rejected: 0 }],
        byType: { text: { replied: 3, "success-fallback": 1 } },
        latencyMs: { p50: 10, p90: 20, p99: 40, samples: 30 },
        dedupHits: 2,
        backendNow: { active: 1, waiting: 3 },
        lastErrors: [{ at: 5, reason: "a" }],
        token: { state: "valid", expiresAt: 7000 },
      },
    );
    const b = status(
      { startedAt: 500, ready: { ready: false, reason: "draining" } },
      {
        perMinute: [
          { at: 0, replied: 1, fallback: 0, rejected: 2 },
          { at: 60_000, replied: 4, fallback: 0, rejected: 0 },
        ],
        byType: { text: { replied: 5 }, event: { replied: 1 } },
        latencyMs: { p50: 20, p90: 40, p99: 100, samples: 10 },
        dedupHits: 1,
        backendNow: { active: 2, waiting: 0 },
        lastErrors: [{ at: 9, reason: "b" }],
        token: { state: "valid", expiresAt: 9000 },
      },
    );
    const merged = mergeStatus(a, [b]);
    const svc = merged.services[0]!;
    expect(svc.perMinute).toEqual([
      { at: 0, replied: 4, fallback: 1, rejected: 2 },
      { at: 60_000, replied: 4, fallback: 0, rejected: 0 },
    ]);
    expect(svc.byType).toEqual({ text: { replied: 8, "success-fallback": 1 }, event: { replied: 1 } });
    expect(svc.latencyMs).toEqual({ p50: 12.5, p90: 25, p99: 55, samples: 40 });
    expect(svc.dedupHits).toBe(3);
    expect(svc.backendNow).toEqual({ active: 3, waiting: 3 });
    expect(svc.lastErrors.map((e) => e.reason)).toEqual(["b", "a"]);
    expect(svc.token.expiresAt).toBe(9000);
    expect(merged.ready).toEqual({ ready: false, reason: "draining" });
    expect([merged.startedAt, merged.uptimeS]).toEqual([500, 60]);
  });

  test("one worker alone is its own status", () => {
    const only = status({}, { dedupHits: 4 });
    expect(mergeStatus(only, []).services[0]!.dedupHits).toBe(4);
  });
});
