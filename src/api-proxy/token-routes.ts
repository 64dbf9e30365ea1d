/**
 * @module api-proxy/token-routes
 * The token requests an SDK makes, answered by the gateway's token center and never forwarded:
 * - `GET /cgi-bin/token?grant_type=client_credential&appid&secret` (classic),
 * - `POST /cgi-bin/stable_token {grant_type, appid, secret, force_refresh}` — `force_refresh` is
 *   never passed on: WeChat allows it 20 times a day and it invalidates every other holder's token,
 * - `GET /cgi-bin/gettoken?corpid&corpsecret` for WeCom apps,
 * - `GET /cgi-bin/ticket/getticket?type=jsapi` with a proxy token, from the ticket cache.
 * The id and secret are checked against the config in constant time (api-proxy/accounts); failures
 * get WeChat's own error JSON. The real token is fetched (or found in the cache) before the answer,
 * so an SDK learns at once when WeChat refuses the gateway (e.g. 40164, IP not on the allowlist).
 * What the SDK receives is a proxy token (api-proxy/proxy-token), never the real one.
 */
import type { ServiceConfig } from "../config/types";
import type { Logger } from "../obs/log";
import type { Clock } from "../util/clock";
import { WxApiError } from "../wxapi/client";
import type { TokenManager } from "../wxapi/token-manager";
import { type AccountKind, checkCredentials, type ProxyAccount } from "./accounts";
import { answerError, ERRORS, type ErrorName, wechatJson } from "./answers";
import type { ProxyMetrics } from "./metrics";
import type { ProxyTokens } from "./proxy-token";

/** stable_token's body is a few short fields: more is not a token request */
const MAX_TOKEN_BODY_BYTES = 4096;

export interface TokenRouteDeps {
  readonly accounts: readonly ProxyAccount[];
  readonly proxyTokens: ProxyTokens;
  readonly tokens: Pick<TokenManager, "accessToken" | "jsapiTicket">;
  /** unix seconds at which the cached jsapi_ticket of the service expires, null when unknown */
  readonly ticketExpiry: (svc: ServiceConfig) => Promise<number | null>;
  readonly clock: Pick<Clock, "unixMs">;
  readonly log: Logger;
  readonly metrics: ProxyMetrics;
}

export type TokenRoute = (req: Request, url: URL) => Promise<Response>;

interface Credentials {
  readonly grantType: unknown;
  readonly id: unknown;
  readonly secret: unknown;
}

/** The request body as text, or null when it is larger than `max` bytes. */
async function smallBody(req: Request, max: number): Promise<string | null> {
  if (Number(req.headers.get("content-length") ?? 0) > max) return null;
  const bytes = new Uint8Array(await req.arrayBuffer());
  return bytes.byteLength > max ? null : new TextDecoder().decode(bytes);
}

export function tokenRoutes(deps: TokenRouteDeps): ReadonlyMap<string, TokenRoute> {
  const { log, metrics } = deps;

  const fail = (path: string, name: ErrorName, status = 200) => {
    metrics.call(path, ERRORS[name][0]);
    return answerError(name, undefined, status);
  };

  /** The real token first (so WeChat's refusal reaches the SDK), then a proxy token for it. */
  async function issue(path: string, account: ProxyAccount, wecomShape: boolean): Promise<Response> {
    try {
      await deps.tokens.accessToken(account.svc);
    } catch (err) {
      if (err instanceof WxApiError && err.errcode !== undefined) {
        metrics.call(path, err.errcode);
        return wechatJson({ errcode: err.errcode, errmsg: err.errmsg });
      }
      log.warn({ path, appId: account.id, err: (err as Error).message }, "API proxy: no access_token from WeChat");
      return fail(path, "systemError", 502);
    }
    const { token, expiresIn } = deps.proxyTokens.issue(account);
    log.info({ appId: account.id, service: account.svc.name, expiresIn }, "API proxy: issued a proxy token");
    metrics.call(path, 0);
    return wechatJson(wecomShape ? { errcode: 0, errmsg: "ok", access_token: token, expires_in: expiresIn } : { access_token: token, expires_in: expiresIn });
  }

  /** WeChat's (or WeCom's) checks, in WeChat's order: grant_type, presence, id, secret. */
  function authorise(path: string, kind: AccountKind, c: Credentials): ProxyAccount | Response {
    const wecom = kind === "wecom";
    if (!wecom && c.grantType !== "client_credential") return fail(path, "invalidGrantType");
    if (typeof c.id !== "string" || !c.id) return fail(path, wecom ? "wecomCorpIdMissing" : "appIdMissing");
    if (typeof c.secret !== "string" || !c.secret) return fail(path, wecom ? "wecomSecretMissing" : "appSecretMissing");
    const check = checkCredentials(deps.accounts, kind, c.id, c.secret);
    if (check.ok) return check.account;
    log.info({ path, reason: check.reason }, "API proxy: token request refused");
    if (check.reason === "unknown-id") return fail(path, wecom ? "wecomInvalidCorpId" : "invalidAppId");
    return fail(path, wecom ? "wecomInvalidSecret" : "invalidAppSecret");
  }

  const classic: TokenRoute = async (_req, url) => {
    const q = url.searchParams;
    const account = authorise(url.pathname, "wechat", { grantType: q.get("grant_type"), id: q.get("appid"), secret: q.get("secret") });
    return account instanceof Response ? account : issue(url.pathname, account, false);
  };

  const stable: TokenRoute = async (req, url) => {
    if (req.method !== "POST") return fail(url.pathname, "requirePost");
    const text = await smallBody(req, MAX_TOKEN_BODY_BYTES);
    let body: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(text ?? "");
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new Error("not an object");
      body = parsed as Record<string, unknown>;
    } catch {
      return fail(url.pathname, "dataFormat");
    }
    const account = authorise(url.pathname, "wechat", { grantType: body.grant_type, id: body.appid, secret: body.secret });
    if (account instanceof Response) return account;
    // the token center renews by itself; a forced renewal would only cost quota and other holders' tokens
    if (body.force_refresh === true) log.info({ appId: account.id }, "API proxy: stable_token force_refresh ignored");
    return issue(url.pathname, account, false);
  };

  const wecom: TokenRoute = async (_req, url) => {
    const q = url.searchParams;
    const account = authorise(url.pathname, "wecom", { grantType: null, id: q.get("corpid"), secret: q.get("corpsecret") });
    return account instanceof Response ? account : issue(url.pathname, account, true);
  };

  return new Map([
    ["/cgi-bin/token", classic],
    ["/cgi-bin/stable_token", stable],
    ["/cgi-bin/gettoken", wecom],
  ]);
}

/** `getticket?type=jsapi` for an Official Account's proxy token, from the ticket cache; other types are forwarded. */
export async function answerTicket(deps: TokenRouteDeps, account: ProxyAccount, path: string): Promise<Response> {
  try {
    const ticket = await deps.tokens.jsapiTicket(account.svc);
    const expire = await deps.ticketExpiry(account.svc);
    const left = expire === null ? null : Math.floor(expire - deps.clock.unixMs() / 1000);
    deps.metrics.call(path, 0);
    return wechatJson({ errcode: 0, errmsg: "ok", ticket, expires_in: left !== null && left > 0 ? left : 7200 });
  } catch (err) {
    if (err instanceof WxApiError && err.errcode !== undefined) {
      deps.metrics.call(path, err.errcode);
      return wechatJson({ errcode: err.errcode, errmsg: err.errmsg });
    }
    deps.log.warn({ path, appId: account.id, err: (err as Error).message }, "API proxy: no jsapi_ticket from WeChat");
    deps.metrics.call(path, ERRORS.systemError[0]);
    return answerError("systemError", undefined, 502);
  }
}
