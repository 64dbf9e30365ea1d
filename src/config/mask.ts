/**
 * @module config/mask
 * A printable summary of the resolved config with every secret masked (for check-config and the start log).
 */
import type { GatewayConfig } from "./types";

/** "abcdef…" → "ab***(43)": enough to recognise a value, never enough to use it. */
export function maskSecret(value: string | null): string {
  if (!value) return "";
  return `${value.slice(0, 2)}***(${value.length})`;
}

export function maskedSummary(config: GatewayConfig): Record<string, unknown> {
  return {
    source: config.source,
    listen: `${config.listenHost || "0.0.0.0"}:${config.listenPort}`,
    wxApiBase: config.wxApiBase,
    tokenApi: config.tokenApi,
    tokenStore: config.tokenStore.type === "redis" ? { ...config.tokenStore, url: config.tokenStore.url.replace(/\/\/[^@/]*@/, "//***@") } : config.tokenStore,
    adminToken: maskSecret(config.adminToken),
    commonEndpoints: config.commonEndpoints,
    services: config.services.map((s) => ({
      ...s,
      token: maskSecret(s.token),
      appSecret: maskSecret(s.appSecret),
      aesKey: maskSecret(s.aesKey),
      mode: s.isChannelsEc ? "channels-ec" : s.aesKey ? (s.allowPlaintext ? "safe+plaintext" : "safe") : "plaintext",
      backend: s.msgProxyPass ?? "(echo mode)",
    })),
  };
}
