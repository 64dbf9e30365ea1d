/**
 * @module config/mask
 * Masks secrets for config summaries, config errors and logs: a secret shows its first two characters
 * and its length, a URL loses its credentials (user:password@) and secret query values.
 */
import { redactUrl } from "../obs/log";
import type { GatewayConfig } from "./types";

/**
 * "abcdef…" → "***(43)": that a value is set and how long it is, none of its characters (a prefix
 * of a short token is a good part of it).
 */
export function maskSecret(value: string | null): string {
  if (!value) return "";
  return `***(${value.length})`;
}

/**
 * A URL as written in the config, with its credentials masked: `http://u:p@h/x` → `http://***@h/x`.
 * Also for values that are no valid URL (a password holding "/" or "@", no scheme), since those are
 * exactly the ones a config error shows.
 */
export function maskUrl(value: string): string {
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(value)?.[0] ?? "";
  const rest = value.slice(scheme.length);
  // everything up to the last "@" before the query may be userinfo
  const end = rest.search(/[?#]/);
  const at = rest.lastIndexOf("@", end === -1 ? rest.length : end);
  return redactUrl(at === -1 ? value : `${scheme}***${rest.slice(at)}`);
}

export function maskedSummary(config: GatewayConfig): Record<string, unknown> {
  return {
    source: config.source,
    listen: `${config.listenHost || "0.0.0.0"}:${config.listenPort}`,
    workers: config.workers,
    wxApiBase: maskUrl(config.wxApiBase),
    tokenApi: config.tokenApi,
    tokenStore: config.tokenStore.type === "redis" ? { ...config.tokenStore, url: maskUrl(config.tokenStore.url) } : config.tokenStore,
    adminToken: maskSecret(config.adminToken),
    commonEndpoints: config.commonEndpoints,
    services: config.services.map((s) => ({
      ...s,
      token: maskSecret(s.token),
      appSecret: maskSecret(s.appSecret),
      aesKey: maskSecret(s.aesKey),
      msgProxyPass: s.msgProxyPass && maskUrl(s.msgProxyPass),
      redirectUrl: s.redirectUrl && maskUrl(s.redirectUrl),
      mode: s.isChannelsEc ? "channels-ec" : s.aesKey ? (s.allowPlaintext ? "safe+plaintext" : "safe") : "plaintext",
      backend: s.msgProxyPass ? maskUrl(s.msgProxyPass) : "(echo mode)",
    })),
  };
}
