/**
 * @module obs/status-stats
 * What the status page (SPEC §10) shows of each service's recent traffic: messages per minute by
 * outcome, counts by message type and outcome, backend latency percentiles, dedup hits and the last
 * errors with their reasons — over the last STATUS_MINUTES minutes, in a ring of per-minute buckets
 * on the gateway's clock. Prometheus counters only ever grow and have no "last minutes" or "why";
 * this keeps what a person looking at one gateway asks for. It is fed by the same calls as the
 * metrics (`feedStatus` wraps them), so the callback path has one hook, and only while a status page
 * is configured.
 */
import type { CallbackOutcome, Metrics } from "./metrics";

export const STATUS_MINUTES = 30;
export const LAST_ERRORS_KEPT = 20;
/** per service and minute: enough for percentiles, bounded however busy the minute */
const LATENCY_SAMPLES_PER_MINUTE = 256;
const REASON_MAX_CHARS = 200;
const MINUTE_MS = 60_000;

export interface MinuteCounts {
  /** unix ms at which the minute starts */
  readonly at: number;
  readonly replied: number;
  readonly fallback: number;
  readonly rejected: number;
}

export interface LastError {
  /** unix ms */
  readonly at: number;
  readonly reason: string;
}

export interface ServiceTraffic {
  /** oldest first, one entry per minute of the window (zeros included), the current minute last */
  readonly perMinute: MinuteCounts[];
  /** message or event type → outcome → count, over the window */
  readonly byType: Record<string, Record<string, number>>;
  /** backend answer time over the window; null when nothing was forwarded */
  readonly latencyMs: { readonly p50: number; readonly p90: number; readonly p99: number; readonly samples: number } | null;
  readonly dedupHits: number;
  /** newest first */
  readonly lastErrors: LastError[];
}

class Minute {
  index = -1;
  replied = 0;
  fallback = 0;
  rejected = 0;
  dedupHits = 0;
  latencySeen = 0;
  readonly counts = new Map<string, number>();
  readonly latencies: number[] = [];

  reset(index: number): this {
    this.index = index;
    this.replied = this.fallback = this.rejected = this.dedupHits = this.latencySeen = 0;
    this.counts.clear();
    this.latencies.length = 0;
    return this;
  }
}

class ServiceRing {
  readonly minutes = Array.from({ length: STATUS_MINUTES }, () => new Minute());
  readonly errors: LastError[] = [];

  /** the bucket of minute `index` (minutes since the epoch), emptied when it last held an older minute */
  at(index: number): Minute {
    const m = this.slot(index);
    return m.index === index ? m : m.reset(index);
  }

  slot(index: number): Minute {
    return this.minutes[((index % STATUS_MINUTES) + STATUS_MINUTES) % STATUS_MINUTES]!;
  }
}

export interface StatusStats {
  callback(service: string, type: string, outcome: CallbackOutcome, reason?: string): void;
  latency(service: string, seconds: number): void;
  dedupHit(service: string): void;
  error(service: string, reason: string): void;
  view(service: string): ServiceTraffic;
  /** forgets services that are no longer configured */
  retain(services: readonly string[]): void;
}

/** `now`: unix milliseconds (the gateway's clock). */
export function createStatusStats(now: () => number): StatusStats {
  const rings = new Map<string, ServiceRing>();
  const ring = (service: string) => {
    let r = rings.get(service);
    if (r === undefined) rings.set(service, (r = new ServiceRing()));
    return r;
  };
  const minute = (service: string) => ring(service).at(Math.floor(now() / MINUTE_MS));
  const error = (service: string, reason: string) => {
    const errors = ring(service).errors;
    errors.unshift({ at: now(), reason: reason.length > REASON_MAX_CHARS ? `${reason.slice(0, REASON_MAX_CHARS)}…` : reason });
    if (errors.length > LAST_ERRORS_KEPT) errors.length = LAST_ERRORS_KEPT;
  };
  return {
    callback(service, type, outcome, reason) {
      const m = minute(service);
      if (outcome === "replied") m.replied++;
      else if (outcome === "success-fallback") m.fallback++;
      else if (outcome === "rejected") m.rejected++;
      const key = `${type}\n${outcome}`;
      m.counts.set(key, (m.counts.get(key) ?? 0) + 1);
      if (outcome === "rejected" && reason) error(service, `rejected: ${reason}`);
    },
    latency(service, seconds) {
      const m = minute(service);
      // past the cap a sample replaces an older one of the same minute, spread over the bucket
      if (m.latencies.length < LATENCY_SAMPLES_PER_MINUTE) m.latencies.push(seconds * 1000);
      else m.latencies[m.latencySeen % LATENCY_SAMPLES_PER_MINUTE] = seconds * 1000;
      m.latencySeen++;
    },
    dedupHit(service) {
      minute(service).dedupHits++;
    },
    error,
    view(service) {
      const current = Math.floor(now() / MINUTE_MS);
      const r = ring(service);
      const perMinute: MinuteCounts[] = [];
      const byType: Record<string, Record<string, number>> = {};
      const samples: number[] = [];
      let dedupHits = 0;
      for (let index = current - STATUS_MINUTES + 1; index <= current; index++) {
        const m = r.slot(index);
        const live = m.index === index;
        perMinute.push({ at: index * MINUTE_MS, replied: live ? m.replied : 0, fallback: live ? m.fallback : 0, rejected: live ? m.rejected : 0 });
        if (!live) continue;
        dedupHits += m.dedupHits;
        samples.push(...m.latencies);
        for (const [key, n] of m.counts) {
          const [type = "", outcome = ""] = key.split("\n");
          const row = (byType[type] ??= {});
          row[outcome] = (row[outcome] ?? 0) + n;
        }
      }
      return { perMinute, byType, latencyMs: percentiles(samples), dedupHits, lastErrors: [...r.errors] };
    },
    retain(services) {
      const keep = new Set(services);
      for (const name of rings.keys()) if (!keep.has(name)) rings.delete(name);
    },
  };
}

/** Nearest-rank percentiles, in whole milliseconds (at least 1 when anything took time). */
function percentiles(samples: number[]): ServiceTraffic["latencyMs"] {
  if (samples.length === 0) return null;
  samples.sort((a, b) => a - b);
  const at = (p: number) => Math.round(samples[Math.min(samples.length - 1, Math.ceil((p / 100) * samples.length) - 1)]! * 10) / 10;
  return { p50: at(50), p90: at(90), p99: at(99), samples: samples.length };
}

/**
 * The gateway's metrics, also feeding `stats` while `active()` says so (a status page is configured):
 * the callback path keeps calling one object, and pays for the page only where there is one.
 */
export function feedStatus(metrics: Metrics, stats: StatusStats, active: () => boolean): Metrics {
  const fed: Partial<Metrics> = {
    callback(service, type, outcome, reason) {
      metrics.callback(service, type, outcome, reason);
      if (active()) stats.callback(service, type, outcome, reason);
    },
    backendLatency(service, outcome, seconds) {
      metrics.backendLatency(service, outcome, seconds);
      if (active()) stats.latency(service, seconds);
    },
    fallback(service, category, reason) {
      metrics.fallback(service, category, reason);
      if (active()) stats.error(service, reason ?? category);
    },
    dedupHit(service) {
      metrics.dedupHit(service);
      if (active()) stats.dedupHit(service);
    },
  };
  // everything else (the registry getter included) is the metrics object's own, through the prototype
  return Object.assign(Object.create(metrics) as Metrics, fed);
}
