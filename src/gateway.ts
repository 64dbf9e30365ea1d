/**
 * @module gateway
 * createGateway(config): builds every dependency once — token store, shared-state store, WeChat API
 * client, userInfo lookup, async-reply sender, metrics — and the app on top of them. `serve` and the
 * tests both start the gateway through here, so what is tested is what runs. `drain()` is the
 * callback half of shutdown (callback/drain); `serve` calls it on SIGTERM.
 */
import type { GatewayConfig } from "./config/types";
import type { Logger } from "./obs/log";
import { createMetrics, type Metrics } from "./obs/metrics";
import { createApp, type GatewayApp } from "./app";
import { createKvStore, createTokenStore, type KvStore, type TokenStore } from "./store/index";
import { createWxApi, type WxApi } from "./wxapi/client";
import { createUserInfoLookup } from "./wxapi/user";
import { createAsyncReplySender } from "./callback/async-reply";
import { publicRoutes, wechatEndpoints } from "./endpoints/wechat";
import { createSharedState, type SharedState } from "./state/index";
import { createCallbackCore } from "./callback/core";
import { drainCallbacks, type DrainReport } from "./callback/drain";
import { systemClock, type Clock } from "./util/clock";

export interface GatewayOptions {
  readonly log: Logger;
  readonly metrics?: Metrics;
  readonly fetch?: typeof fetch;
  /**
   * The one clock of this gateway (util/clock): the callback path's deadlines, token expiry and
   * renewal, cache and replay windows, metrics. Tests pass a fake one (test/_helpers/fake-timers).
   */
  readonly clock?: Clock;
}

export interface Gateway extends GatewayApp {
  readonly config: GatewayConfig;
  readonly metrics: Metrics;
  readonly api: WxApi;
  readonly tokenStore: TokenStore;
  readonly kv: KvStore;
  /** Redis dedup and replay guard when token-store is Redis (close it on shutdown), else null */
  readonly sharedState: SharedState | null;
  /**
   * Refuses new callbacks (503) and resolves once every accepted message has reached the backend and
   * finished, or the computed bound has passed (callback/drain). Call it before closing the stores.
   */
  drain(): Promise<DrainReport>;
}

export function createGateway(config: GatewayConfig, opts: GatewayOptions): Gateway {
  const log = opts.log;
  const clock = opts.clock ?? systemClock;
  const now = clock.unixMs;
  const doFetch = opts.fetch ?? fetch;
  // process metrics only matter to a scrape: without a metrics endpoint prom-client is never loaded
  const metrics = opts.metrics ?? createMetrics({ processMetrics: Boolean(config.commonEndpoints.metrics), clock });
  const tokenStore = createTokenStore(config, log, { now });
  const kv = createKvStore(config, log, { now });
  const api = createWxApi({ config, store: tokenStore, log, fetch: doFetch, clock, metrics });
  const sharedState = createSharedState(config, { log, metrics, now });
  const endpointContext = { config, api, kv, log, now, fetch: doFetch };
  const app = createApp(config, {
    log,
    metrics,
    fetch: doFetch,
    now,
    userInfo: createUserInfoLookup(api, kv),
    asyncReply: createAsyncReplySender(api),
    endpoints: wechatEndpoints(endpointContext),
    publicEndpoints: publicRoutes(endpointContext),
    createDedup: sharedState?.createDedup,
    createReplayGuard: sharedState?.createReplayGuard,
    core: createCallbackCore(clock),
  });
  let drained: Promise<DrainReport> | undefined;
  const drain = () => (drained ??= drainCallbacks(app.runtimes, log));
  return { ...app, config, metrics, api, tokenStore, kv, sharedState, drain };
}
