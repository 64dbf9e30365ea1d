/**
 * @module config/resolve
 * Raw file values → frozen camelCase GatewayConfig with every default of SPEC §2 filled in.
 */
import { resolveApiProxy } from "./api-proxy";
import { resolveAdminListen } from "./ops";
import { COMMON_ENDPOINT_KEYS, type EndpointKey, type RawConfig, type RawService } from "./schema";
import type { CommonEndpointsConfig, GatewayConfig, ServiceConfig, TokenStoreConfig } from "./types";
import { resolveWorkers } from "./workers";

export const DEFAULTS = {
  listenPort: 7080,
  workerNum: 5,
  replyTimeoutMs: 4500,
  dedupWindowS: 60,
  channelsDedupWindowS: 14400,
  maxBodyBytes: 262144,
  wxApiBase: "https://api.weixin.qq.com",
  wecomApiBase: "https://qyapi.weixin.qq.com",
  redisPrefix: "wxgw:",
} as const;

const stripSlash = (s: string) => s.replace(/\/+$/, "");
const orNull = (s: string | null | undefined) => (s ? s : null);

function resolveService(raw: RawService, top: RawConfig): ServiceConfig {
  const kind = raw.kind ?? (raw["is-channels-ec"] ? "channels-ec" : "official-account");
  const isChannelsEc = kind === "channels-ec";
  // Mini Program users and WeCom members are not followers: cgi-bin/user/info knows none of them. A WeCom
  // app may look its members up with user/get, but only when the service asks for it (SPEC §8)
  const noUserInfo = kind === "wecom" ? raw["dont-append-userinfo"] !== false : kind !== "official-account";
  const proxy = orNull(raw["msg-proxy-pass"]);
  return Object.freeze({
    name: raw.name,
    kind,
    workerNum: raw.workerNum ?? DEFAULTS.workerNum,
    timeoutS: raw.timeout ?? 0,
    isChannelsEc,
    token: raw["wx-params"].token,
    appId: raw["wx-params"]["app-id"] ?? "",
    appSecret: raw["wx-params"]["app-secret"] ?? "",
    aesKey: orNull(raw["wx-params"]["aes-key"]),
    corpId: raw["wx-params"]["corp-id"] ?? "",
    agentId: String(raw["wx-params"]["agent-id"] ?? ""),
    allowPlaintext: raw["allow-plaintext"] ?? false,
    servicePath: raw["listen-endpoints"]["service-path"],
    redirectPath: orNull(raw["listen-endpoints"]["redirect-path"]),
    msgProxyPass: proxy ? stripSlash(proxy) : null,
    redirectUrl: orNull(raw["redirect-url"]),
    redirectUserinfoFlag: raw["redirect-userinfo-flag"] ?? "",
    replyTimeoutMs: raw["reply-timeout-ms"] ?? top["reply-timeout-ms"] ?? DEFAULTS.replyTimeoutMs,
    // a Channels buyer is not a follower: no customer-service messages, no user/info lookups (as the Go original)
    asyncReply: !isChannelsEc && (raw["async-reply"] ?? top["async-reply"] ?? false),
    dedupWindowS: raw["dedup-window-s"] ?? top["dedup-window-s"] ?? (isChannelsEc ? DEFAULTS.channelsDedupWindowS : DEFAULTS.dedupWindowS),
    maxBodyBytes: raw["max-body-bytes"] ?? top["max-body-bytes"] ?? DEFAULTS.maxBodyBytes,
    dontAppendUserinfo: noUserInfo || (raw["dont-append-userinfo"] ?? top["dont-append-userinfo"] ?? false),
  });
}

function resolveTokenStore(raw: RawConfig, cacheDir: string | null): TokenStoreConfig {
  const ts = raw["token-store"];
  if (ts?.type === "redis") return { type: "redis", url: ts.url, prefix: ts.prefix ?? DEFAULTS.redisPrefix };
  if (ts?.type === "memory") return { type: "memory" };
  const dir = ts?.type === "file" ? (ts.dir ?? cacheDir) : cacheDir;
  return dir ? { type: "file", dir } : { type: "memory" };
}

/** The configured paths only: a key left out, "" or null mounts nothing. wx-api's value is a prefix. */
function resolveEndpoints(raw: RawConfig): CommonEndpointsConfig {
  const endpoints: Partial<Record<EndpointKey, string>> = {};
  for (const key of COMMON_ENDPOINT_KEYS) {
    const path = raw["common-endpoints"]?.[key];
    if (path) endpoints[key] = key === "wx-api" ? stripSlash(path) : path;
  }
  return Object.freeze(endpoints);
}

export function resolveConfig(raw: RawConfig, source: string, env: Record<string, string | undefined> = process.env): GatewayConfig {
  const cacheDir = orNull(raw["token-cache-dir"]);
  return Object.freeze({
    listenHost: raw["listen-host"] ?? "",
    listenPort: raw["listen-port"] ?? DEFAULTS.listenPort,
    services: Object.freeze(raw.services.map((s) => resolveService(s, raw))),
    tokenCacheDir: cacheDir,
    tokenStore: Object.freeze(resolveTokenStore(raw, cacheDir)),
    tokenApi: raw["token-api"] ?? "stable",
    wxApiBase: stripSlash(env.WX_API_BASE || raw["wx-api-base"] || DEFAULTS.wxApiBase),
    wecomApiBase: stripSlash(env.WECOM_API_BASE || raw["wecom-api-base"] || DEFAULTS.wecomApiBase),
    adminToken: orNull(raw["admin-token"]),
    commonEndpoints: resolveEndpoints(raw),
    apiProxy: resolveApiProxy(raw),
    workers: resolveWorkers(raw),
    adminListen: resolveAdminListen(raw),
    source,
  });
}
