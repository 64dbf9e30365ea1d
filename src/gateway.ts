/**
 * @module gateway
 * createGateway(config): builds every dependency once — the stores (one Redis connection when
 * `token-store` is Redis), the shared callback state on it, WeChat API client, userInfo lookup,
 * async-reply sender, metrics — and the app on top of them. `serve` and the tests both start the
 * gateway through here, so what is tested is what runs. Shutdown is `drain()` (callback/drain),
 * then `close()`; `serve` calls both on SIGTERM.
 */
import type { GatewayConfig } from "./config/types";
import type { Logger } from "./obs/log";
import { createMetrics, type Metrics } from "./obs/metrics";
import { createApp, type GatewayApp } from "./app";
import { createStores, type Stores } from "./store/index";
import { createWxApi, type WxApi } from "./wxapi/client";
import { createUserInfoLookup } from "./wxapi/user";
import { createAsyncReplySender } from "./callback/async-reply";
import { createOAuthExchanger } from "./wxapi/oauth2";
import { createSharedState, type SharedState } from "./state/index";
import { createCallbackCore } from "./callback/core";
import { drainCallbacks, type DrainReport } from "./callback/drain";
import { systemClock, type Clock } from "./util/clock";
import { createApiProxy, type ApiProxy } from "./api-proxy/index";

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
  /** token store, caches and, with `token-store` Redis, the process's one Redis connection */
  readonly stores: Stores;
  /** Redis dedup and replay guard on `stores.redis` when token-store is Redis, else null */
  readonly sharedState: SharedState | null;
  /** the WeChat API proxy on the token center (SPEC §9) when `api-proxy` is configured; `serve` gives it its listener */
  readonly apiProxy: ApiProxy | null;
  /**
   * Refuses new callbacks (503) and resolves once every accepted message has reached the backend and
   * finished, or the computed bound has passed (callback/drain). Call it before closing the stores.
   */
  drain(): Promise<DrainReport>;
  /** Closes the shared state and the stores, and with them the Redis connection (once, however often it is called). */
  close(): Promise<void>;
}

export function createGateway(config: GatewayConfig, opts: GatewayOptions): Gateway {
  const log = opts.log;
  const clock = opts.clock ?? systemClock;
  const now = clock.unixMs;
  const doFetch = opts.fetch ?? fetch;
  // process metrics only matter to a scrape: without a metrics endpoint prom-client is never loaded
  const metrics = opts.metrics ?? createMetrics({ processMetrics: Boolean(config.commonEndpoints.metrics), clock });
  const stores = createStores(config, log, { now });
  const { kv } = stores;
  const api = createWxApi({ config, store: stores.tokens, log, fetch: doFetch, clock, metrics });
  const sharedState = createSharedState(config, { connection: stores.redis, log, metrics, now, sleep: clock.sleep });
  const app = createApp(config, {
    log,
    metrics,
    fetch: doFetch,
    now,
    userInfo: createUserInfoLookup(api, kv),
    asyncReply: createAsyncReplySender(api),
    // one OAuth2 exchanger for the redirects and sns-auth2, so that a code seen by both is exchanged once
    wechat: { api, kv, oauth: createOAuthExchanger({ api, kv, log, sleep: clock.sleep }) },
    createDedup: sharedState?.createDedup,
    createReplayGuard: sharedState?.createReplayGuard,
    core: createCallbackCore(clock),
  });
  const apiProxy = config.apiProxy ? createApiProxy({ config, tokens: api.tokens, store: stores.tokens, clock, log, metrics, fetch: doFetch }) : null;
  let drained: Promise<DrainReport> | undefined;
  const drain = () => (drained ??= drainCallbacks(app.runtimes, log));
  const close = () => {
    sharedState?.close();
    return stores.close();
  };
  return { ...app, config, metrics, api, stores, sharedState, apiProxy, drain, close };
}
