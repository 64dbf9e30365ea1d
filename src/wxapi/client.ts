/**
 * @module wxapi/client
 * The one WeChat API client every call goes through: base origin from `wx-api-base` (`wecom-api-base`
 * for a WeCom app's calls, its token from WeCom's `gettoken`), JSON in and
 * out, a timeout per call, WeChat's `errcode`/`errmsg` turned into a typed 502 (`WxApiError`), and
 * the access_token added and retried once when WeChat says it is invalid or expired
 * (40001/40014/42001, https://developers.weixin.qq.com/doc/offiaccount/Basic_Information/Interface_field_description.html).
 * Only paths reach the log, never a URL with its query, a token or a secret.
 */
import { DEFAULTS } from "../config/resolve";
import type { GatewayConfig, ServiceConfig } from "../config/types";
import { GatewayError } from "../http/errors";
import { type Logger, redactUrl } from "../obs/log";
import type { Metrics } from "../obs/metrics";
import type { TokenStore } from "../store/token-store";
import { type Clock, systemClock, timeoutSignal } from "../util/clock";
import { createTokenManager, type FetchedToken, type TokenManager, type TokenManagerOptions, tokenIdOf } from "./token-manager";

/** errcodes that mean "this access_token is not (or no longer) valid" */
export const TOKEN_ERRCODES: ReadonlySet<number> = new Set([40001, 40014, 42001]);

/** WeChat answered with a non-zero errcode: 502 carrying WeChat's errcode/errmsg (SPEC §7). */
export class WxApiError extends GatewayError {
  readonly path: string;
  constructor(path: string, errcode: number, errmsg: string) {
    super(502, `WeChat API ${path} failed: ${errcode} ${errmsg}`, { errcode, errmsg });
    this.name = "WxApiError";
    this.path = path;
  }
}

export interface WxRequest {
  /** default GET, or POST when a body is given */
  readonly method?: string;
  /** e.g. "/cgi-bin/user/info" */
  readonly path: string;
  readonly query?: Record<string, string>;
  /** sent as JSON */
  readonly json?: unknown;
  /** sent as is (pass-through); `contentType` names it */
  readonly body?: string | Uint8Array;
  readonly contentType?: string;
  /** default 10 000 ms */
  readonly timeoutMs?: number;
}

export interface WxApi {
  /** WeChat call with the service's access_token added; retried once after a token error */
  call<T = Record<string, unknown>>(svc: ServiceConfig, req: WxRequest): Promise<T>;
  /** WeChat call without access_token (sns/oauth2/access_token, sns/userinfo with an OAuth token) */
  callPlain<T = Record<string, unknown>>(req: WxRequest): Promise<T>;
  /** like `call`, but WeChat's answer comes back as is (status, content-type, bytes), for pass-through */
  callRaw(svc: ServiceConfig, req: WxRequest): Promise<Response>;
  readonly tokens: TokenManager;
}

export interface WxApiDeps {
  readonly config: Pick<GatewayConfig, "wxApiBase" | "tokenApi"> & Partial<Pick<GatewayConfig, "wecomApiBase">>;
  readonly store: TokenStore;
  readonly log: Logger;
  readonly fetch?: typeof fetch;
  /** the timeout of every call; the token manager's expiry and its wait for another instance's fetch */
  readonly clock?: Clock;
  readonly metrics?: Pick<Metrics, "tokenFetch" | "wxApiError">;
  readonly timeoutMs?: number;
  readonly tokenOptions?: Pick<TokenManagerOptions, "refreshAheadS" | "lockTtlMs" | "lockWaitMs">;
}

interface RawAnswer {
  readonly status: number;
  readonly contentType: string;
  /** media downloads name their file here (`attachment; filename="…"`) */
  readonly disposition: string;
  readonly bytes: Uint8Array;
}

export function createWxApi(deps: WxApiDeps): WxApi {
  const doFetch = deps.fetch ?? fetch;
  const log = deps.log.child({ component: "wxapi" });
  const defaultTimeout = deps.timeoutMs ?? 10_000;
  const clock = deps.clock ?? systemClock;
  const wecomApiBase = deps.config.wecomApiBase ?? DEFAULTS.wecomApiBase;
  /** a WeCom app's calls go to WeCom's API, every other service's to WeChat's */
  const originOf = (svc: ServiceConfig) => (svc.kind === "wecom" ? wecomApiBase : deps.config.wxApiBase);

  async function exchange(req: WxRequest, token: string | null, origin = deps.config.wxApiBase): Promise<RawAnswer> {
    const url = new URL(origin + (req.path.startsWith("/") ? req.path : `/${req.path}`));
    for (const [k, v] of Object.entries(req.query ?? {})) url.searchParams.set(k, v);
    if (token !== null) url.searchParams.set("access_token", token);
    const body = req.json !== undefined ? JSON.stringify(req.json) : req.body;
    const contentType = req.json !== undefined ? "application/json" : req.contentType;
    const timeoutMs = req.timeoutMs ?? defaultTimeout;
    const timeout = timeoutSignal(clock, timeoutMs);
    try {
      const res = await doFetch(url, {
        method: req.method ?? (body === undefined ? "GET" : "POST"),
        headers: contentType ? { "content-type": contentType } : undefined,
        body,
        signal: timeout.signal,
        redirect: "manual",
      });
      const bytes = new Uint8Array(await res.arrayBuffer());
      return { status: res.status, contentType: res.headers.get("content-type") ?? "", disposition: res.headers.get("content-disposition") ?? "", bytes };
    } catch (err) {
      deps.metrics?.wxApiError(req.path, -1);
      const e = err as Error & { code?: string };
      const msg = e.name === "TimeoutError" ? `WeChat API ${req.path} timed out after ${timeoutMs} ms` : `WeChat API ${req.path} unreachable`;
      // Bun's fetch errors carry the full URL (access_token included) in `path`: keep only a redacted summary
      const detail = redactUrl(`${e.code ?? e.name}: ${e.message}`);
      log.warn({ path: req.path, err: detail }, msg);
      throw new GatewayError(502, msg, { cause: new Error(detail) });
    } finally {
      timeout.clear();
    }
  }

  /** WeChat's JSON answer, or a typed error. Answers without errcode (or errcode 0) are successes. */
  function parse<T>(path: string, raw: RawAnswer): T {
    let body: unknown;
    try {
      body = JSON.parse(new TextDecoder().decode(raw.bytes));
    } catch {
      body = undefined;
    }
    const errcode = (body as { errcode?: unknown } | undefined)?.errcode;
    if (typeof errcode === "number" && errcode !== 0) {
      const errmsg = String((body as { errmsg?: unknown }).errmsg ?? "");
      deps.metrics?.wxApiError(path, errcode);
      log.warn({ path, errcode, errmsg }, "WeChat API answered with an error");
      throw new WxApiError(path, errcode, errmsg);
    }
    if (raw.status < 200 || raw.status > 299 || typeof body !== "object" || body === null) {
      deps.metrics?.wxApiError(path, -1);
      const why = raw.status < 200 || raw.status > 299 ? `HTTP ${raw.status}` : "a body that is not a JSON object";
      log.warn({ path, status: raw.status }, `WeChat API answered with ${why}`);
      throw new GatewayError(502, `WeChat API ${path} answered with ${why}`);
    }
    return body as T;
  }

  /** Runs `attempt` with the access_token; on a token error invalidates it (CAS), renews and retries once. */
  async function withToken<T>(svc: ServiceConfig, path: string, attempt: (token: string, last: boolean) => Promise<T>): Promise<T> {
    const token = await tokens.accessToken(svc);
    try {
      return await attempt(token, false);
    } catch (err) {
      if (!(err instanceof WxApiError) || err.errcode === undefined || !TOKEN_ERRCODES.has(err.errcode)) throw err;
      log.warn({ path, appId: tokenIdOf(svc), errcode: err.errcode }, "access_token rejected: renewing it and retrying once");
      await tokens.invalidateToken(svc, token);
      let renewed = await tokens.accessToken(svc);
      // a lookup that started before the invalidation may still hand out the rejected token
      if (renewed === token) renewed = await tokens.accessToken(svc);
      return attempt(renewed, true);
    }
  }

  function plainFetcher(path: string, pick: (body: Record<string, unknown>) => unknown): (req: WxRequest, origin?: string) => Promise<FetchedToken> {
    return async (req, origin) => {
      const body = parse<Record<string, unknown>>(path, await exchange(req, null, origin));
      const value = pick(body);
      const expiresIn = Number(body.expires_in);
      if (typeof value !== "string" || !value || !(expiresIn > 0)) throw new GatewayError(502, `WeChat API ${path} answered without a usable value`);
      return { value, expiresIn };
    };
  }

  const stable = plainFetcher("/cgi-bin/stable_token", (b) => b.access_token);
  const classic = plainFetcher("/cgi-bin/token", (b) => b.access_token);
  // WeCom: one token per app (corp-id + the app's Secret), in WeCom's shape {errcode: 0, access_token, expires_in}
  const wecom = plainFetcher("/cgi-bin/gettoken", (b) => b.access_token);
  function fetchToken(svc: ServiceConfig): Promise<FetchedToken> {
    if (svc.kind === "wecom") return wecom({ path: "/cgi-bin/gettoken", query: { corpid: svc.corpId, corpsecret: svc.appSecret } }, wecomApiBase);
    if (deps.config.tokenApi === "classic") {
      return classic({ path: "/cgi-bin/token", query: { grant_type: "client_credential", appid: svc.appId, secret: svc.appSecret } });
    }
    // force_refresh stays false: forced renewals are limited (20 a day) and invalidate other holders
    const json = { grant_type: "client_credential", appid: svc.appId, secret: svc.appSecret, force_refresh: false };
    return stable({ method: "POST", path: "/cgi-bin/stable_token", json });
  }

  const tokens = createTokenManager({
    ...deps.tokenOptions,
    store: deps.store,
    log,
    clock,
    metrics: deps.metrics,
    fetchToken,
    fetchTicket: async (svc) => {
      const body = await withToken(svc, "/cgi-bin/ticket/getticket", async (token) =>
        parse<Record<string, unknown>>(
          "/cgi-bin/ticket/getticket",
          await exchange({ path: "/cgi-bin/ticket/getticket", query: { type: "jsapi" } }, token, originOf(svc)),
        ),
      );
      const expiresIn = Number(body.expires_in);
      if (typeof body.ticket !== "string" || !body.ticket || !(expiresIn > 0))
        throw new GatewayError(502, "WeChat API /cgi-bin/ticket/getticket answered without a ticket");
      return { value: body.ticket, expiresIn };
    },
  });

  return {
    tokens,
    call: (svc, req) => withToken(svc, req.path, async (token) => parse(req.path, await exchange(req, token, originOf(svc)))),
    callPlain: async (req) => parse(req.path, await exchange(req, null)),
    callRaw: (svc, req) =>
      withToken(svc, req.path, async (token, last) => {
        const raw = await exchange(req, token, originOf(svc));
        // only a token error is retried; the retry's answer, whatever it is, goes back as is
        const errcode = !last && (raw.contentType.includes("json") || raw.bytes[0] === 0x7b) ? errcodeOf(raw.bytes) : undefined;
        if (errcode !== undefined && TOKEN_ERRCODES.has(errcode)) throw new WxApiError(req.path, errcode, "access_token rejected");
        const headers = new Headers();
        if (raw.contentType) headers.set("content-type", raw.contentType);
        if (raw.disposition) headers.set("content-disposition", raw.disposition);
        return new Response(raw.bytes, { status: raw.status, headers });
      }),
  };
}

function errcodeOf(bytes: Uint8Array): number | undefined {
  try {
    const code = (JSON.parse(new TextDecoder().decode(bytes)) as { errcode?: unknown }).errcode;
    return typeof code === "number" ? code : undefined;
  } catch {
    return undefined;
  }
}
