/**
 * @module config/types
 * The resolved, frozen configuration every module receives. The raw file keeps the Go original's
 * key names (see `schema.ts`); this shape is camelCase and has every default filled in, except the
 * `common-endpoints` paths, which keep the file's keys.
 */
import type { ApiProxyConfig } from "./api-proxy";
import type { ListenAddress } from "./ops";
import type { EndpointKey, ServiceKind } from "./schema";

export type TokenStoreConfig =
  | { readonly type: "memory" }
  | { readonly type: "file"; readonly dir: string }
  | { readonly type: "redis"; readonly url: string; readonly prefix: string };

export interface ServiceConfig {
  readonly name: string;
  /** the push surface: its protocol profile (profiles/) */
  readonly kind: ServiceKind;
  /** at most this many callbacks of this service are processed at once; excess ones wait */
  readonly workerNum: number;
  /** seconds; > 0 enables the timestamp window and nonce replay check */
  readonly timeoutS: number;
  readonly isChannelsEc: boolean;
  readonly token: string;
  readonly appId: string;
  readonly appSecret: string;
  /** 43-character EncodingAESKey, or null for plaintext only */
  readonly aesKey: string | null;
  /** WeCom: the corp-id (receive id); "" for other kinds */
  readonly corpId: string;
  /** WeCom: the app's AgentId; "" when not given */
  readonly agentId: string;
  readonly allowPlaintext: boolean;
  readonly servicePath: string;
  readonly redirectPath: string | null;
  /** backend URL prefix without trailing slash; null = echo mode */
  readonly msgProxyPass: string | null;
  readonly redirectUrl: string | null;
  readonly redirectUserinfoFlag: string;
  readonly replyTimeoutMs: number;
  readonly asyncReply: boolean;
  /** seconds a message id is remembered; 0 disables dedup */
  readonly dedupWindowS: number;
  readonly maxBodyBytes: number;
  readonly dontAppendUserinfo: boolean;
}

/** The configured path of each common endpoint, under its key in the file; absent when not configured. */
export type CommonEndpointsConfig = Readonly<Partial<Record<EndpointKey, string>>>;

export interface GatewayConfig {
  readonly listenHost: string;
  readonly listenPort: number;
  readonly services: readonly ServiceConfig[];
  readonly tokenCacheDir: string | null;
  readonly tokenStore: TokenStoreConfig;
  readonly tokenApi: "stable" | "classic";
  /** origin of every WeChat API call, no trailing slash */
  readonly wxApiBase: string;
  /** origin of every WeCom API call (gettoken, message/send, user/get), no trailing slash */
  readonly wecomApiBase: string;
  readonly adminToken: string | null;
  readonly commonEndpoints: CommonEndpointsConfig;
  /** the WeChat API proxy's listener (SPEC §9); null when `api-proxy` is not configured */
  readonly apiProxy: ApiProxyConfig | null;
  /** the admin listener (SPEC §10), where every common endpoint is served instead of the main one; null when not configured */
  readonly adminListen: ListenAddress | null;
  /** event loops (worker threads) serving the listeners (SPEC §12); 1: the gateway is one thread */
  readonly workers: number;
  /** where the config came from: a path, or "embedded" */
  readonly source: string;
}
