/**
 * @module ops/status
 * The status page's data (SPEC §10), from the running generation and the gateway's recent counts
 * (obs/status-stats): per service its kind, encryption mode, backend (credentials masked), traffic
 * over the last minutes and when its access_token expires — read from the token store, never the
 * token itself; per process its version, uptime, readiness, Redis state and reload history. Nothing
 * here holds a secret: only names, paths, masked URLs, counts, times and reasons.
 */
import pkg from "../../package.json";
import { maskUrl } from "../config/mask";
import type { ServiceConfig } from "../config/types";
import type { ReadyState, ReloadRecord, ServiceStatus, StatusData } from "../contract/ops";
import { STATUS_MINUTES, type StatusStats } from "../obs/status-stats";
import type { TokenStore } from "../store/token-store";
import { tokenIdOf } from "../wxapi/token-manager";
import type { Generation } from "./generation";

export interface StatusDeps {
  readonly generation: () => Generation;
  readonly stats: StatusStats;
  readonly reloads: readonly ReloadRecord[];
  readonly readiness: () => Promise<ReadyState>;
  /** unix milliseconds */
  readonly now: () => number;
  readonly startedAt: number;
}

/** WeChat's names for the encryption modes (明文, 兼容, 安全). */
export function modeOf(svc: ServiceConfig): ServiceStatus["mode"] {
  if (!svc.aesKey) return "plaintext";
  return svc.allowPlaintext ? "compatible" : "safe";
}

async function tokenOf(svc: ServiceConfig, tokens: TokenStore, now: number): Promise<ServiceStatus["token"]> {
  if (!svc.appId && !svc.corpId) return { state: "none", expiresAt: null };
  try {
    // where the token manager keeps it: the app-id, or a WeCom app's wecom-<corp-id>-<agent-id>
    const record = await tokens.get("token", tokenIdOf(svc));
    if (record === null) return { state: "none", expiresAt: null };
    const expiresAt = record.expire * 1000;
    return { state: expiresAt > now ? "valid" : "expired", expiresAt };
  } catch {
    return { state: "unknown", expiresAt: null };
  }
}

/** The service's limiter now: in a worker, this worker's share (workers/status-merge adds them up). */
function backendNow(g: Generation, name: string): ServiceStatus["backendNow"] {
  const limiter = g.runtimes.find((rt) => rt.config.name === name)?.limiter;
  return { active: limiter?.active ?? 0, waiting: limiter?.waiting ?? 0 };
}

export async function statusData(deps: StatusDeps): Promise<StatusData> {
  const g = deps.generation();
  // readiness first: its probe is what tells whether Redis answers now
  const ready = await deps.readiness();
  const now = deps.now();
  const link = g.sharedState?.link;
  const redis: StatusData["redis"] = g.stores.redis
    ? { state: link?.down ? "down" : "up", where: g.stores.redis.where }
    : { state: "not configured", where: "" };
  const services = await Promise.all(
    g.config.services.map(
      async (svc): Promise<ServiceStatus> => ({
        name: svc.name,
        kind: svc.kind,
        mode: modeOf(svc),
        path: svc.servicePath,
        backend: svc.msgProxyPass ? maskUrl(svc.msgProxyPass) : "(echo mode)",
        workerNum: svc.workerNum,
        backendNow: backendNow(g, svc.name),
        ...deps.stats.view(svc.name),
        token: await tokenOf(svc, g.stores.tokens, now),
      }),
    ),
  );
  return {
    code: 200,
    msg: "OK",
    version: pkg.version,
    bun: Bun.version,
    startedAt: deps.startedAt,
    uptimeS: Math.max(0, Math.floor((now - deps.startedAt) / 1000)),
    now,
    windowMinutes: STATUS_MINUTES,
    ready,
    redis,
    config: g.config.source,
    reloads: [...deps.reloads],
    services,
  };
}
