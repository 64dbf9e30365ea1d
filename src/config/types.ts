/**
 * @module config/types
 * The resolved, frozen configuration every module receives. The raw file keeps the Go original's
 * key names (see `schema.ts`); this shape is camelCase and has every default filled in.
 */

export type TokenStoreConfig =
  | { readonly type: "memory" }
  | { readonly type: "file"; readonly dir: string }
  | { readonly type: "redis"; readonly url: string; readonly prefix: string };

export interface ServiceConfig {
  readonly name: string;
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

export interface CommonEndpointsConfig {
  readonly healthCheck?: string;
  readonly wxQr?: string;
  readonly wxUser?: string;
  readonly snsAuth2?: string;
  readonly shortUrl?: string;
  readonly tmplMsg?: string;
  readonly signJsapi?: string;
  readonly channelsEcOrderDetail?: string;
  readonly channelsEcRefundDetail?: string;
  readonly wxApi?: string;
  readonly metrics?: string;
  readonly openapi?: string;
}

export interface GatewayConfig {
  readonly listenHost: string;
  readonly listenPort: number;
  readonly services: readonly ServiceConfig[];
  readonly tokenCacheDir: string | null;
  readonly tokenStore: TokenStoreConfig;
  readonly tokenApi: "stable" | "classic";
  /** origin of every WeChat API call, no trailing slash */
  readonly wxApiBase: string;
  readonly adminToken: string | null;
  readonly commonEndpoints: CommonEndpointsConfig;
  /** where the config came from: a path, or "embedded" */
  readonly source: string;
}
