/**
 * @module api-proxy/metrics
 * What the proxy counts, by API path and errcode (`wxgw_api_proxy_calls_total`), with 45009 — the
 * daily quota of an API is used up — counted apart as well (`wxgw_api_proxy_quota_exceeded_total`),
 * because it stops that API for the rest of the day and wants an alert of its own. Paths are
 * labels, so ids are taken out of them (`/x/123456` → `/x/:id`) and the number of distinct paths
 * is bounded: a caller cannot grow the scrape without limit by inventing paths.
 */
import type { Metrics } from "../obs/metrics";

export type ProxyMetricsSink = Pick<Metrics, "apiProxyCall" | "apiProxyQuotaExceeded">;

/** errcode labels beside WeChat's numbers */
export type OutcomeLabel = number | "unread" | "unreachable";

export const QUOTA_EXCEEDED = 45009;
/** distinct path labels before new ones are counted as "other" */
const MAX_PATHS = 500;

/** A segment that is an id rather than part of an API's name: digits, an app-id, a long token-like string. */
function isId(segment: string): boolean {
  if (/^\d+$/.test(segment) || /^wx[0-9a-f]{16}$/i.test(segment)) return true;
  let digits = 0;
  for (const c of segment) if (c >= "0" && c <= "9") digits++;
  // API names carry at most a digit or two ("jscode2session", "oauth2", "v2"); ids carry many
  return segment.length >= 8 && digits >= 3;
}

/** The path with its ids replaced by `:id`. */
export function pathLabel(path: string): string {
  return path
    .split("/")
    .map((seg) => (seg && isId(seg) ? ":id" : seg))
    .join("/");
}

export interface ProxyMetrics {
  call(path: string, outcome: OutcomeLabel): void;
}

export function createProxyMetrics(sink: ProxyMetricsSink | undefined): ProxyMetrics {
  const seen = new Set<string>();
  return {
    call(path, outcome) {
      if (!sink) return;
      let label = pathLabel(path);
      if (!seen.has(label)) {
        if (seen.size >= MAX_PATHS) label = "other";
        else seen.add(label);
      }
      sink.apiProxyCall(label, String(outcome));
      if (outcome === QUOTA_EXCEEDED) sink.apiProxyQuotaExceeded(label);
    },
  };
}
