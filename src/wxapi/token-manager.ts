/**
 * @module wxapi/token-manager
 * One access_token and one jsapi_ticket per app-id (SPEC §3) — per corp-id and agent for a WeCom app
 * (SPEC §8) — kept in a TokenStore:
 * - single flight: concurrent callers in this process share one store read and at most one fetch;
 * - renewed ahead of expiry (5 min by default), and a failed renewal keeps serving the still-valid
 *   token instead of failing calls;
 * - with a shared store (Redis) one process fetches under the store's lock while the others poll the
 *   record with a bounded backoff; a holder that died is replaced once its lock's TTL runs out;
 * - invalidation is compare-and-swap, so a stale instance never wipes a fresh shared token.
 * How a token is fetched (stable vs classic API) is injected by the client.
 */

import type { ServiceConfig } from "../config/types";
import { GatewayError } from "../http/errors";
import type { Logger } from "../obs/log";
import type { Metrics } from "../obs/metrics";
import type { TokenKind, TokenRecord, TokenStore } from "../store/token-store";
import { type Clock, systemClock } from "../util/clock";

/** A freshly fetched token or ticket: WeChat's value and `expires_in` seconds. */
export interface FetchedToken {
  readonly value: string;
  readonly expiresIn: number;
}

export type TokenFetcher = (svc: ServiceConfig) => Promise<FetchedToken>;

export interface TokenManager {
  /** a valid access_token for the service's app-id (a WeCom app's: tokenIdOf; a secret: never log it) */
  accessToken(svc: ServiceConfig): Promise<string>;
  /** a valid jsapi_ticket for the service's app-id */
  jsapiTicket(svc: ServiceConfig): Promise<string>;
  /** forgets the access_token WeChat rejected, unless the store already holds a different one */
  invalidateToken(svc: ServiceConfig, failedToken: string): Promise<void>;
  invalidateTicket(svc: ServiceConfig, failedTicket: string): Promise<void>;
}

export interface TokenManagerOptions {
  readonly store: TokenStore;
  readonly log: Logger;
  readonly fetchToken: TokenFetcher;
  readonly fetchTicket: TokenFetcher;
  /** expiry is judged on its wall time; waiting for another instance's fetch sleeps on it */
  readonly clock?: Pick<Clock, "unixMs" | "sleep">;
  readonly metrics?: Pick<Metrics, "tokenFetch">;
  /** renew this many seconds before expiry (default 300: WeChat keeps an old token valid 5 min after a renewal) */
  readonly refreshAheadS?: number;
  /** TTL of the shared refresh lock; longer than a fetch can take (default 20 000 ms) */
  readonly lockTtlMs?: number;
  /** how long a process waits for another one's fetch before failing (default lockTtlMs + 5000) */
  readonly lockWaitMs?: number;
}

const KIND_NAME: Record<TokenKind, string> = { token: "access_token", ticket: "jsapi_ticket" };

/**
 * What a service's token is stored under: its app-id, or `wecom-<corp-id>-<agent-id>` for a WeCom app
 * (each app of a corp has its own Secret and token). App-ids start with `wx`, so a WeCom app's file
 * or Redis key never names an Official Account's or a Mini Program's.
 */
export function tokenIdOf(svc: Pick<ServiceConfig, "kind" | "appId" | "corpId" | "agentId">): string {
  return svc.kind === "wecom" ? `wecom-${svc.corpId}-${svc.agentId}` : svc.appId;
}

export function createTokenManager(opts: TokenManagerOptions): TokenManager {
  const { store, log } = opts;
  const clock = opts.clock ?? systemClock;
  const now = clock.unixMs;
  const refreshAheadS = opts.refreshAheadS ?? 300;
  const lockTtlMs = opts.lockTtlMs ?? 20_000;
  const lockWaitMs = opts.lockWaitMs ?? lockTtlMs + 5000;
  const inflight = new Map<string, Promise<string>>();

  const nowS = () => now() / 1000;
  const valid = (r: TokenRecord | null): r is TokenRecord => r !== null && r.expire > nowS();
  // a plain boolean, not a type guard: "not fresh" must not narrow a record away
  const fresh = (r: TokenRecord | null): boolean => r !== null && r.expire - refreshAheadS > nowS();

  async function fetchAndStore(kind: TokenKind, svc: ServiceConfig): Promise<TokenRecord> {
    const id = tokenIdOf(svc);
    const fetched = await (kind === "token" ? opts.fetchToken : opts.fetchTicket)(svc);
    opts.metrics?.tokenFetch(id, kind);
    const record = { value: fetched.value, expire: Math.floor(nowS()) + fetched.expiresIn };
    log.info({ appId: id, kind: KIND_NAME[kind], expiresIn: fetched.expiresIn }, `fetched a new ${KIND_NAME[kind]}`);
    try {
      await store.set(kind, id, record);
    } catch (err) {
      // the token is good even if it could not be kept; the next call fetches again
      log.error({ appId: id, kind: KIND_NAME[kind], err: (err as Error).message }, "cannot store the new token");
    }
    return record;
  }

  /** Fetch under the store's lock, or wait for the process that holds it. */
  async function refresh(kind: TokenKind, svc: ServiceConfig, current: TokenRecord | null): Promise<TokenRecord> {
    const id = tokenIdOf(svc);
    const deadline = now() + lockWaitMs;
    let backoffMs = 50;
    for (;;) {
      const lock = await store.lock(kind, id, lockTtlMs);
      if (lock) {
        try {
          // another process may have renewed it between our read and our lock
          if (store.shared) {
            const again = await store.get(kind, id);
            if (again && fresh(again)) return again;
          }
          return await fetchAndStore(kind, svc);
        } finally {
          await lock.release();
        }
      }
      // another process is renewing: a still-valid token keeps working meanwhile
      if (valid(current)) return current;
      if (now() >= deadline) {
        throw new GatewayError(502, `waited ${lockWaitMs} ms for another instance to fetch the ${KIND_NAME[kind]} of ${id}`);
      }
      await clock.sleep(backoffMs);
      backoffMs = Math.min(backoffMs * 2, 1000);
      const written = await store.get(kind, id);
      if (valid(written)) return written;
    }
  }

  async function load(kind: TokenKind, svc: ServiceConfig): Promise<string> {
    const id = tokenIdOf(svc);
    const current = await store.get(kind, id);
    if (current && fresh(current)) return current.value;
    try {
      return (await refresh(kind, svc, current)).value;
    } catch (err) {
      if (!valid(current)) throw err;
      log.warn({ appId: id, kind: KIND_NAME[kind], err: (err as Error).message }, "early renewal failed; the current one is still valid");
      return current.value;
    }
  }

  function get(kind: TokenKind, svc: ServiceConfig): Promise<string> {
    const key = `${kind}:${tokenIdOf(svc)}`;
    const running = inflight.get(key);
    if (running) return running;
    const started = load(kind, svc).finally(() => inflight.delete(key));
    inflight.set(key, started);
    return started;
  }

  async function invalidate(kind: TokenKind, svc: ServiceConfig, failed: string): Promise<void> {
    const id = tokenIdOf(svc);
    const removed = await store.invalidate(kind, id, failed);
    log.info(
      { appId: id, kind: KIND_NAME[kind], removed },
      removed
        ? `WeChat rejected the stored ${KIND_NAME[kind]}: removed it`
        : `WeChat rejected an older ${KIND_NAME[kind]}; the store already holds another one`,
    );
  }

  return {
    accessToken: (svc) => get("token", svc),
    jsapiTicket: (svc) => get("ticket", svc),
    invalidateToken: (svc, failed) => invalidate("token", svc, failed),
    invalidateTicket: (svc, failed) => invalidate("ticket", svc, failed),
  };
}
