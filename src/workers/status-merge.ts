/**
 * @module workers/status-merge
 * The status page for all workers: each worker knows only its own messages (obs/status-stats), so the
 * primary collects every worker's status data and adds them up:
 * - per service: per-minute and per-type counts, dedup hits and the backend calls at the moment
 *   (each worker counts its own slots and queue) are summed; the last errors merged,
 *   newest first; the token expiry is the same store's (the latest one seen);
 * - backend latency: each worker's percentiles weighted by its samples — an approximation (exact
 *   percentiles would need every worker's samples), close when the workers see the same traffic, as
 *   the kernel's spreading of connections makes them;
 * - for the process: ready only when every worker is (else the first reason), Redis down when any
 *   worker finds it down, the earliest start, the answering worker's reload history.
 */
import type { ServiceStatus, StatusData } from "../contract/ops";

const LAST_ERRORS = 20;

function addCounts(into: Record<string, Record<string, number>>, from: Record<string, Record<string, number>>): void {
  for (const [type, outcomes] of Object.entries(from)) {
    const row = (into[type] ??= {});
    for (const [outcome, n] of Object.entries(outcomes)) row[outcome] = (row[outcome] ?? 0) + n;
  }
}

function mergeService(parts: readonly ServiceStatus[]): ServiceStatus {
  const first = parts[0]!;
  const minutes = new Map<number, { at: number; replied: number; fallback: number; rejected: number }>();
  const byType: Record<string, Record<string, number>> = {};
  let samples = 0;
  const weighted = { p50: 0, p90: 0, p99: 0 };
  for (const part of parts) {
    for (const m of part.perMinute) {
      const into = minutes.get(m.at) ?? { at: m.at, replied: 0, fallback: 0, rejected: 0 };
      minutes.set(m.at, { at: m.at, replied: into.replied + m.replied, fallback: into.fallback + m.fallback, rejected: into.rejected + m.rejected });
    }
    addCounts(byType, part.byType);
    if (part.latencyMs) {
      samples += part.latencyMs.samples;
      for (const p of ["p50", "p90", "p99"] as const) weighted[p] += part.latencyMs[p] * part.latencyMs.samples;
    }
  }
  const latest = parts.reduce((a, b) => ((b.token.expiresAt ?? 0) > (a.token.expiresAt ?? 0) ? b : a));
  return {
    ...first,
    perMinute: [...minutes.values()].sort((a, b) => a.at - b.at),
    byType,
    latencyMs: samples === 0 ? null : { p50: weighted.p50 / samples, p90: weighted.p90 / samples, p99: weighted.p99 / samples, samples },
    dedupHits: parts.reduce((n, p) => n + p.dedupHits, 0),
    backendNow: {
      active: parts.reduce((n, p) => n + p.backendNow.active, 0),
      waiting: parts.reduce((n, p) => n + p.backendNow.waiting, 0),
    },
    lastErrors: parts
      .flatMap((p) => p.lastErrors)
      .sort((a, b) => b.at - a.at)
      .slice(0, LAST_ERRORS),
    token: latest.token,
  };
}

/** Every worker's status data as one; `own` (the answering worker's) comes first. */
export function mergeStatus(own: StatusData, others: readonly StatusData[]): StatusData {
  const all = [own, ...others];
  const notReady = all.find((s) => !s.ready.ready);
  const startedAt = Math.min(...all.map((s) => s.startedAt));
  return {
    ...own,
    startedAt,
    uptimeS: Math.max(0, Math.floor((own.now - startedAt) / 1000)),
    ready: notReady?.ready ?? own.ready,
    redis: all.find((s) => s.redis.state === "down")?.redis ?? own.redis,
    services: own.services.map((svc) => mergeService([svc, ...others.flatMap((s) => s.services.filter((o) => o.name === svc.name))])),
  };
}
