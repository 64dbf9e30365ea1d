/**
 * @module ops/generation
 * One generation of the gateway: everything built from one config — the stores, the WeChat client,
 * each service's runtime, the apps the listeners call, the API proxy. A reload (ops/reload) builds
 * the next generation beside the running one and the listeners switch to it at once; requests already
 * in the old one finish there, on the config they started with.
 *
 * What does not depend on a changed setting is carried over, so a reload loses no state:
 * - the stores (tokens, caches, the Redis connection) while `token-store` is unchanged — tokens are
 *   kept per app-id in them, so a service that stays keeps its token;
 * - the WeChat client (its single flight) while the stores, `wx-api-base` and `token-api` are;
 * - per service (by name): the limiter while `workerNum` is unchanged (the bound and the drain's
 *   count span both generations), the dedup table while `dedup-window-s` and `reply-timeout-ms` are,
 *   the replay guard while `timeout` is. A new `token-store` starts every service afresh.
 *
 * A retired generation is let go once its requests are done (`release`); only then are stores that
 * no live generation shares closed, after the messages it accepted have finished.
 */

import { type ApiProxy, createApiProxy } from "../api-proxy/index";
import { createApp, type GatewayApp } from "../app";
import { createAsyncReplySender } from "../callback/async-reply";
import type { CallbackCore } from "../callback/core";
import { ASYNC_REPLY_DRAIN_MS } from "../callback/drain";
import { type AsyncReplySender, type CarriedState, createServiceRuntime, type ServiceRuntime, type UserInfoLookup } from "../callback/runtime";
import { createSharedState, type SharedState } from "../callback/shared-state";
import type { GatewayConfig, ServiceConfig } from "../config/types";
import type { GatewayOps } from "../endpoints/context";
import type { Logger } from "../obs/log";
import type { Metrics } from "../obs/metrics";
import { createStores, type KvStore, type Stores } from "../store/index";
import type { Clock } from "../util/clock";
import { Tally } from "../util/tally";
import type { WorkerShared } from "../workers/worker";
import { createWxApi, type WxApi } from "../wxapi/client";
import { createOAuthExchanger, type OAuthExchanger } from "../wxapi/oauth2";
import { createUserInfoLookup } from "../wxapi/user";

/** Built once per gateway and shared by every generation. */
export interface GatewayParts {
  readonly log: Logger;
  /** the gateway's metrics, feeding the status page's counts (obs/status-stats) */
  readonly metrics: Metrics;
  readonly clock: Clock;
  readonly fetch: typeof fetch;
  readonly core: CallbackCore;
  readonly ops: GatewayOps;
  /** in a worker thread of `workers` > 1: the state it shares with the others (workers/worker) */
  readonly workers?: WorkerShared;
}

/** The WeChat side, one per WeChat client. */
interface WechatParts {
  readonly api: WxApi;
  readonly kv: KvStore;
  readonly oauth: OAuthExchanger;
  readonly userInfo: UserInfoLookup;
  readonly asyncReply: AsyncReplySender;
}

export interface Generation extends GatewayApp {
  readonly config: GatewayConfig;
  readonly stores: Stores;
  readonly sharedState: SharedState | null;
  readonly wechat: WechatParts;
  readonly apiProxy: ApiProxy | null;
  /** requests this generation's apps are handling */
  readonly requests: Tally;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export function buildGeneration(config: GatewayConfig, parts: GatewayParts, prev: Generation | null): Generation {
  const { log, metrics, clock } = parts;
  const now = clock.unixMs;
  const keepStores = prev !== null && same(prev.config.tokenStore, config.tokenStore);
  const shared = parts.workers;
  const stores = keepStores ? prev.stores : createStores(config, log, { now, tokens: shared?.tokens, kv: shared?.kv });
  const sharedState = keepStores ? prev.sharedState : createSharedState(config, { connection: stores.redis, log, metrics, now, sleep: clock.sleep });
  const keepApi = keepStores && prev.config.wxApiBase === config.wxApiBase && prev.config.tokenApi === config.tokenApi;
  const wechat = keepApi ? prev.wechat : wechatParts(config, stores, parts);
  const previous = new Map((keepStores ? prev.runtimes : []).map((rt) => [rt.config.name, rt]));
  // every route of this generation's apps, and its API proxy, counts its requests here
  const requests = new Tally();
  const deps = {
    log,
    metrics,
    fetch: parts.fetch,
    now,
    userInfo: wechat.userInfo,
    asyncReply: wechat.asyncReply,
    // Redis when configured (across machines); else, in a worker, the memory the workers share
    createDedup: sharedState?.createDedup ?? (shared && ((svc: ServiceConfig) => shared.createDedup(svc, { onHit: () => metrics.dedupHit(svc.name), clock }))),
    createReplayGuard: sharedState?.createReplayGuard ?? (shared && ((svc: ServiceConfig) => shared.createReplayGuard(svc, now))),
    createLimiter: shared?.createLimiter,
    core: parts.core,
    requests,
    journal: shared?.journal,
  };
  const app = createApp(config, {
    ...deps,
    // one OAuth2 exchanger for the redirects and sns-auth2, so that a code seen by both is exchanged once
    wechat: { api: wechat.api, kv: wechat.kv, oauth: wechat.oauth },
    runtimeFor: (svc) => createServiceRuntime(svc, deps, carriedState(previous.get(svc.name), svc)),
    ops: parts.ops,
  });
  const apiProxy = config.apiProxy
    ? createApiProxy({ config, tokens: wechat.api.tokens, store: stores.tokens, clock, log, metrics, fetch: parts.fetch, requests })
    : null;
  return { ...app, config, stores, sharedState, wechat, apiProxy, requests };
}

function wechatParts(config: GatewayConfig, stores: Stores, parts: GatewayParts): WechatParts {
  const { log, clock, metrics } = parts;
  const api = createWxApi({ config, store: stores.tokens, log, fetch: parts.fetch, clock, metrics });
  const kv = stores.kv;
  return {
    api,
    kv,
    oauth: createOAuthExchanger({ api, kv, log, sleep: clock.sleep }),
    userInfo: createUserInfoLookup(api, kv),
    asyncReply: createAsyncReplySender(api),
  };
}

/** What a service's new runtime keeps of its previous one: what the changed settings do not touch. */
export function carriedState(old: ServiceRuntime | undefined, svc: ServiceConfig): CarriedState {
  if (old === undefined) return {};
  const was = old.config;
  return {
    ...(was.workerNum === svc.workerNum ? { limiter: old.limiter } : {}),
    ...(was.dedupWindowS === svc.dedupWindowS && was.replyTimeoutMs === svc.replyTimeoutMs ? { dedup: old.dedup } : {}),
    ...(was.timeoutS === svc.timeoutS && old.replay !== null ? { replay: old.replay } : {}),
  };
}

/**
 * Lets a retired generation go once its requests are done. Its stores are closed only when no live
 * generation uses them, and only after the messages it accepted have finished: a generation on other
 * stores carries nothing from it, so its limiters are its own to drain.
 */
export async function release(old: Generation, live: () => { readonly current: Generation; readonly retiring: Set<Generation> }): Promise<void> {
  await old.requests.whenIdle();
  if (live().current.stores === old.stores) return void live().retiring.delete(old);
  await Promise.all(old.runtimes.map((rt) => rt.limiter.drain()));
  // late replies on their way out through the old WeChat client (bounded: the shutdown's own bound)
  const core = old.runtimes[0]?.core;
  if (core) {
    await new Promise<void>((resolve) => {
      const bound = core.deadlines.add(ASYNC_REPLY_DRAIN_MS, resolve);
      void core.asyncSends.whenIdle().then(() => (bound.cancel(), resolve()));
    });
  }
  const { current, retiring } = live();
  retiring.delete(old);
  if (current.stores === old.stores || [...retiring].some((g) => g.stores === old.stores)) return;
  old.sharedState?.close();
  await old.stores.close();
}
