/**
 * @module cli/healthcheck
 * `wx-gateway healthcheck [-c FILE]`: GET the configured `health-check` path on the configured listen
 * address — the admin listener's when `admin-listen` is set, since every common endpoint is served
 * there only — and exit 0 on HTTP 200, 1 otherwise — so a container image needs no shell or curl for its
 * HEALTHCHECK. Every failure, a bad config included, is exit 1: Docker treats any other non-zero code
 * as reserved, not as "unhealthy".
 */
import { loadConfig, locateConfig } from "../config/load";
import type { GatewayConfig } from "../config/types";

export interface HealthcheckResult {
  readonly code: 0 | 1;
  /** one line for the container runtime's health log (no secrets: the URL has none) */
  readonly line: string;
}

/** The origin a process on the same host reaches the gateway at: a wildcard listen address means loopback. */
export function localOrigin(config: Pick<GatewayConfig, "listenHost" | "listenPort">): string {
  const host = config.listenHost;
  if (!host || host === "0.0.0.0") return `http://127.0.0.1:${config.listenPort}`;
  if (host === "::" || host === "[::]") return `http://[::1]:${config.listenPort}`;
  return `http://${host.includes(":") && !host.startsWith("[") ? `[${host}]` : host}:${config.listenPort}`;
}

export async function healthcheck(
  cliPath: string | undefined,
  opts: { timeoutMs?: number; env?: Record<string, string | undefined> } = {},
): Promise<HealthcheckResult> {
  const env = opts.env ?? process.env;
  let config: GatewayConfig;
  try {
    config = loadConfig(locateConfig(cliPath, env), env).config;
  } catch (err) {
    return { code: 1, line: `unhealthy: ${(err as Error).message}` };
  }
  const path = config.commonEndpoints["health-check"];
  if (!path) return { code: 1, line: `unhealthy: ${config.source} sets no common-endpoints.health-check path` };
  const address = config.adminListen ? { listenHost: config.adminListen.host, listenPort: config.adminListen.port } : config;
  const url = `${localOrigin(address)}${path}`;
  try {
    // a command of its own (a container's HEALTHCHECK), not the gateway: its bound is real time
    const res = await fetch(url, { signal: AbortSignal.timeout(opts.timeoutMs ?? 3000), redirect: "manual" });
    await res.body?.cancel();
    return res.status === 200 ? { code: 0, line: `healthy: GET ${url} → 200` } : { code: 1, line: `unhealthy: GET ${url} → ${res.status}` };
  } catch (err) {
    return { code: 1, line: `unhealthy: GET ${url} failed: ${(err as Error).message}` };
  }
}
