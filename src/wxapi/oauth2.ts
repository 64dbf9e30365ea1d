/**
 * @module wxapi/oauth2
 * Web authorization (网页授权): `GET /sns/oauth2/access_token` turns the `code` WeChat appended to the
 * redirect_uri into the user's openId (and, with scope snsapi_userinfo, a token for `sns/userinfo`).
 * https://developers.weixin.qq.com/doc/offiaccount/OA_Web_Apps/Wechat_webpage_authorization.html
 *
 * A code is single-use at WeChat (a second exchange answers 40163) and valid for 5 minutes, yet
 * browsers reload and users double-tap. Each exchange result is therefore remembered for 5 minutes in
 * the shared KvStore (Redis when configured, so every instance sees it), under a hash of the code, and
 * a repeated code reuses it. Exchanges of one code in one process are joined (single flight); a 40163
 * because another instance is exchanging the same code right now waits briefly for its result.
 * Neither the code nor the OAuth token ever reaches a log line.
 */
import { createHash } from "node:crypto";
import type { ServiceConfig } from "../config/types";
import { GatewayError } from "../http/errors";
import type { Logger } from "../obs/log";
import type { KvStore } from "../store/kv";
import { systemClock } from "../util/clock";
import { type WxApi, WxApiError } from "./client";
import { getSnsUserInfo, getUserInfo, type UserInfo } from "./user";

export const CODE_REUSE_TTL_MS = 5 * 60 * 1000;
/** WeChat's errcode for a code that was already exchanged */
export const CODE_USED = 40163;

/** What an exchanged code yields (and what is remembered for its reuse). */
export interface OAuthIdentity {
  readonly openId: string;
  /** WeChat's scope: snsapi_base or snsapi_userinfo */
  readonly scope: string;
  readonly unionId?: string;
  /** the OAuth access_token, kept only when its scope allows sns/userinfo; a secret */
  readonly snsToken?: string;
}

export interface OAuthExchangerDeps {
  readonly api: WxApi;
  readonly kv: KvStore;
  readonly log: Logger;
  /** how long to wait for another instance's result after a 40163 (default 1000 ms) */
  readonly usedCodeWaitMs?: number;
  /** how that wait passes (the gateway's clock) */
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface OAuthExchanger {
  /** code → identity; a code seen in the last 5 minutes reuses its first result */
  exchange(svc: ServiceConfig, code: string): Promise<OAuthIdentity>;
}

const cacheKey = (svc: ServiceConfig, code: string) => `oauth2:${svc.appId}:${createHash("sha256").update(code).digest("base64url")}`;

export function createOAuthExchanger(deps: OAuthExchangerDeps): OAuthExchanger {
  const log = deps.log.child({ component: "oauth2" });
  const inFlight = new Map<string, Promise<OAuthIdentity>>();
  const sleep = deps.sleep ?? systemClock.sleep;
  const waitMs = deps.usedCodeWaitMs ?? 1000;

  async function remembered(key: string): Promise<OAuthIdentity | null> {
    // a cache that is down costs the reuse, never the exchange
    const text = await deps.kv.get(key).catch(() => null);
    if (!text) return null;
    try {
      const value = JSON.parse(text) as OAuthIdentity;
      return typeof value.openId === "string" ? value : null;
    } catch {
      return null;
    }
  }

  async function fresh(svc: ServiceConfig, code: string, key: string): Promise<OAuthIdentity> {
    let identity: OAuthIdentity;
    try {
      identity = await requestIdentity(deps.api, svc, code);
    } catch (err) {
      if (!(err instanceof WxApiError) || err.errcode !== CODE_USED) throw err;
      // another instance may be exchanging this very code (a reload that hit another instance)
      for (let waited = 0; waited < waitMs; waited += 200) {
        await sleep(200);
        const other = await remembered(key);
        if (other) return other;
      }
      throw err;
    }
    await deps.kv
      .set(key, JSON.stringify(identity), CODE_REUSE_TTL_MS)
      .catch((e: Error) => log.warn({ err: e.message }, "cannot remember an OAuth code's result"));
    return identity;
  }

  return {
    async exchange(svc, code) {
      const key = cacheKey(svc, code);
      const known = await remembered(key);
      if (known) {
        log.debug({ appId: svc.appId }, "OAuth code seen before: reusing its exchange result");
        return known;
      }
      const joined = inFlight.get(key);
      if (joined) return joined;
      const run = fresh(svc, code, key).finally(() => inFlight.delete(key));
      inFlight.set(key, run);
      return run;
    },
  };
}

/** `GET /sns/oauth2/access_token?appid&secret&code&grant_type=authorization_code` (no access_token). */
export async function requestIdentity(api: WxApi, svc: ServiceConfig, code: string): Promise<OAuthIdentity> {
  const path = "/sns/oauth2/access_token";
  const body = await api.callPlain<Record<string, unknown>>({
    path,
    query: { appid: svc.appId, secret: svc.appSecret, code, grant_type: "authorization_code" },
  });
  if (typeof body.openid !== "string" || !body.openid) throw new GatewayError(502, `WeChat API ${path} answered without openid`);
  const scope = typeof body.scope === "string" ? body.scope : "";
  const token = typeof body.access_token === "string" && scope.includes("snsapi_userinfo") ? body.access_token : undefined;
  return {
    openId: body.openid,
    scope,
    ...(typeof body.unionid === "string" ? { unionId: body.unionid } : {}),
    ...(token ? { snsToken: token } : {}),
  };
}

export interface UserInfoResult {
  readonly userInfo: UserInfo | null;
  /** "" when the lookup succeeded */
  readonly error: string;
}

/**
 * The user's info for an exchanged code, never throwing: `sns/userinfo` with the OAuth token when
 * `viaSns` (snsapi_userinfo), else `cgi-bin/user/info` with the access_token (cached 10 minutes).
 */
export async function oauthUserInfo(api: WxApi, svc: ServiceConfig, identity: OAuthIdentity, viaSns: boolean, cache?: KvStore): Promise<UserInfoResult> {
  try {
    if (!viaSns) return { userInfo: await getUserInfo(api, svc, identity.openId, { cache }), error: "" };
    if (!identity.snsToken) return { userInfo: null, error: `the code was authorized with scope "${identity.scope}", sns/userinfo needs snsapi_userinfo` };
    return { userInfo: await getSnsUserInfo(api, identity.snsToken, identity.openId), error: "" };
  } catch (err) {
    return { userInfo: null, error: (err as Error).message };
  }
}
