/**
 * @module ops/reload
 * Config reload (SPEC §10), on SIGHUP or `POST <common-endpoints.reload>`: read the config from where
 * it came from, validate it with the loader `serve` started with, and apply it whole — or refuse it
 * whole, keeping the running config, when it is invalid or changes what only a restart can change
 * (the listeners' addresses, and a body limit above the one the main listener was started with).
 * Every attempt is logged, counted in `wxgw_config_reloads_total{result}` and kept in a short history
 * for the status page. Applying is ops/generation's: the listeners switch to a generation built from
 * the new config.
 */
import { ConfigError } from "../config/config-error";
import type { LoadedConfig } from "../config/load";
import type { GatewayConfig } from "../config/types";
import type { ReloadChanges, ReloadRecord } from "../contract/ops";
import type { ReloadOutcome } from "../endpoints/context";
import type { Logger } from "../obs/log";
import type { Metrics } from "../obs/metrics";

export const RELOAD_HISTORY_KEPT = 20;

type Show = (config: GatewayConfig) => string;
const address = (a: { host: string; port: number } | null) => (a ? `${a.host.includes(":") ? `[${a.host}]` : a.host}:${a.port}` : "none");

/** What a running process cannot change: the listeners it bound at start. */
export const RESTART_SETTINGS: ReadonlyArray<readonly [string, Show]> = [
  ["listen-host", (c) => c.listenHost || "(every address)"],
  ["listen-port", (c) => String(c.listenPort)],
  ["admin-listen", (c) => address(c.adminListen)],
  ["api-proxy.listen", (c) => address(c.apiProxy)],
  ["workers", (c) => String(c.workers)],
];

/** The main and admin listeners' `maxRequestBodySize`: the largest `max-body-bytes`, at least 1 MiB. */
export function listenerBodyLimit(config: GatewayConfig): number {
  return Math.max(...config.services.map((s) => s.maxBodyBytes), 1 << 20);
}

/** Why `next` cannot be applied to a process started with `started`, or null. */
export function restartProblem(started: GatewayConfig, next: GatewayConfig): string | null {
  for (const [key, show] of RESTART_SETTINGS) {
    if (show(started) !== show(next)) return `${key} changed (${show(started)} → ${show(next)}): that needs a restart`;
  }
  const limit = listenerBodyLimit(started);
  if (listenerBodyLimit(next) > limit) return `max-body-bytes above ${limit}, the listener's body limit since start: that needs a restart`;
  return null;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Which services `next` adds, changes (any setting or secret) and removes, and whether the endpoints changed. */
export function configChanges(prev: GatewayConfig, next: GatewayConfig): ReloadChanges {
  const before = new Map(prev.services.map((s) => [s.name, s]));
  const after = new Set(next.services.map((s) => s.name));
  return {
    added: next.services.filter((s) => !before.has(s.name)).map((s) => s.name),
    changed: next.services.filter((s) => before.has(s.name) && !same(before.get(s.name), s)).map((s) => s.name),
    removed: prev.services.filter((s) => !after.has(s.name)).map((s) => s.name),
    endpoints: !same(prev.commonEndpoints, next.commonEndpoints) || prev.adminToken !== next.adminToken,
  };
}

export interface ReloaderDeps {
  /** reads and validates the config (the loader `serve` started with); null: nothing to reload from */
  readonly source: (() => LoadedConfig) | null;
  /** the config the process was started with: its listeners */
  readonly started: GatewayConfig;
  readonly running: () => GatewayConfig;
  /** what is wrong with the config beyond its validation (an unwritable token cache), or null */
  readonly prepare: (config: GatewayConfig) => string | null;
  /** builds the config's generation and switches the listeners to it */
  readonly apply: (config: GatewayConfig) => void;
  readonly log: Logger;
  readonly metrics: Pick<Metrics, "configReload">;
  /** unix milliseconds */
  readonly now: () => number;
}

export interface Reloader {
  reload(trigger: string): ReloadOutcome;
  /** newest first */
  readonly history: readonly ReloadRecord[];
}

export function createReloader(deps: ReloaderDeps): Reloader {
  const history: ReloadRecord[] = [];
  const record = (trigger: string, result: ReloadRecord["result"], reason: string) => {
    deps.metrics.configReload(result);
    history.unshift({ at: deps.now(), trigger, result, reason });
    if (history.length > RELOAD_HISTORY_KEPT) history.length = RELOAD_HISTORY_KEPT;
  };
  const refuse = (trigger: string, result: "invalid" | "needs-restart" | "failed", status: 409 | 422 | 500, reason: string): ReloadOutcome => {
    record(trigger, result, reason);
    deps.log.warn({ trigger, result, reason }, "config reload refused: the running config stays");
    return { applied: false, status, reason };
  };

  function reload(trigger: string): ReloadOutcome {
    if (!deps.source) return refuse(trigger, "failed", 409, "this gateway has no config file to read again");
    let loaded: LoadedConfig;
    try {
      loaded = deps.source();
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      // the message exit 3 prints: "config <JSON path>: <what was expected>"
      return refuse(trigger, "invalid", 422, err.message);
    }
    const next = loaded.config;
    const restart = restartProblem(deps.started, next);
    if (restart) return refuse(trigger, "needs-restart", 409, restart);
    const unusable = deps.prepare(next);
    if (unusable) return refuse(trigger, "invalid", 422, unusable);
    for (const w of loaded.warnings) deps.log.warn(w);
    const changes = configChanges(deps.running(), next);
    try {
      deps.apply(next);
    } catch (err) {
      return refuse(trigger, "failed", 500, `could not apply the config: ${(err as Error).message}`);
    }
    const parts = (["added", "changed", "removed"] as const).filter((k) => changes[k].length > 0).map((k) => `${k} ${changes[k].join(", ")}`);
    if (changes.endpoints) parts.push("endpoints changed");
    record(trigger, "applied", parts.join("; ") || "no changes");
    deps.log.info({ trigger, ...changes }, "config reloaded");
    return { applied: true, services: next.services.map((s) => s.name), changes };
  }

  return { reload, history };
}
