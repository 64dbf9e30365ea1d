/**
 * @module service/oauth2
 * The OAuth2 redirect of one account (SPEC §6): WeChat's web authorization sends the browser to
 * `<redirect-path>?code=…&state=…`; the gateway exchanges the code for the openId, looks the user up,
 * POSTs `{requestURI, appId, openId, state, userInfo, userInfoError}` to `redirect-url` with the
 * browser's headers and cookies, and relays the backend's answer to the browser unchanged: status
 * (redirects are not followed), every header with each Set-Cookie, and the body, streamed.
 * Browsers sent by WeChat call this route, so it is not behind the admin token and not a common
 * endpoint: it belongs to its account, beside the callback (app.ts mounts both).
 */
import { type AnyElysia, Elysia } from "elysia";
import type { GatewayConfig, ServiceConfig } from "../config/types";
import { oauth2RedirectQuerySchema } from "../contract/endpoints";
import type { OAuth2Forward } from "../contract/oauth2";
import { GatewayError } from "../http/errors";
import { type Logger, redactUrl } from "../obs/log";
import type { KvStore } from "../store/kv";
import { systemClock, type TimerClock, timeoutSignal } from "../util/clock";
import type { WxApi } from "../wxapi/client";
import { type OAuthExchanger, oauthUserInfo } from "../wxapi/oauth2";

export interface OAuth2RedirectDeps {
  readonly api: WxApi;
  /** user info cache */
  readonly kv: KvStore;
  /** the gateway's one exchanger, shared with sns-auth2 so that one code is exchanged once */
  readonly oauth: OAuthExchanger;
  readonly log: Logger;
  /** for the POST to redirect-url */
  readonly fetch: typeof fetch;
  /** the timer of REDIRECT_HEADERS_TIMEOUT_MS (the gateway's clock) */
  readonly clock?: TimerClock;
}

/** How long the backend may take to start answering (the body then streams without a limit). */
export const REDIRECT_HEADERS_TIMEOUT_MS = 30_000;

/** Hop-by-hop headers (RFC 9110 §7.6.1): they describe one connection and are never forwarded. */
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);

function hopByHop(headers: Headers): Set<string> {
  const named = (headers.get("connection") ?? "")
    .split(",")
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);
  return new Set([...HOP_BY_HOP, ...named]);
}

/** The browser's headers for the POST to redirect-url: Host, Content-Type/Length and hop-by-hop ones replaced or dropped. */
export function forwardHeaders(incoming: Headers, url: URL): Headers {
  const skip = hopByHop(incoming);
  const out = new Headers();
  for (const [key, value] of incoming) {
    if (skip.has(key) || key === "host" || key === "content-type" || key === "content-length" || key === "expect") continue;
    out.append(key, value);
  }
  // the backend sees its own Host; where the browser went stays visible, as behind any proxy
  const host = incoming.get("host");
  if (host && !out.has("x-forwarded-host")) out.set("x-forwarded-host", host);
  if (!out.has("x-forwarded-proto")) out.set("x-forwarded-proto", url.protocol.replace(":", ""));
  out.set("content-type", "application/json; charset=utf-8");
  return out;
}

/** The backend's answer for the browser: every header but hop-by-hop ones, each Set-Cookie kept apart, the body streamed. */
export function relayResponse(res: Response): Response {
  const skip = hopByHop(res.headers);
  const headers = new Headers();
  for (const [key, value] of res.headers) if (!skip.has(key) && key !== "set-cookie") headers.append(key, value);
  for (const cookie of res.headers.getSetCookie()) headers.append("set-cookie", cookie);
  return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
}

/** Whether the user info comes from sns/userinfo: the flag occurs in the request URI (the code's value aside). */
export function wantsSnsUserInfo(svc: ServiceConfig, requestURI: string, code: string): boolean {
  const flag = svc.redirectUserinfoFlag;
  return (
    flag !== "" &&
    requestURI
      .replace(`code=${encodeURIComponent(code)}`, "code=")
      .replace(`code=${code}`, "code=")
      .includes(flag)
  );
}

async function postToBackend(deps: OAuth2RedirectDeps, svc: ServiceConfig, request: Request, body: OAuth2Forward): Promise<Response> {
  const target = svc.redirectUrl!;
  const timeout = timeoutSignal(deps.clock ?? systemClock, REDIRECT_HEADERS_TIMEOUT_MS);
  try {
    return await deps.fetch(target, {
      method: "POST",
      headers: forwardHeaders(request.headers, new URL(request.url)),
      body: JSON.stringify(body),
      redirect: "manual",
      signal: timeout.signal,
      // the body goes to the browser as the backend wrote it, Content-Encoding and all (Bun extension)
      decompress: false,
    } as RequestInit);
  } catch (err) {
    const e = err as Error;
    const why = timeout.signal.aborted ? `no answer within ${REDIRECT_HEADERS_TIMEOUT_MS} ms` : `${e.name}: ${redactUrl(e.message)}`;
    deps.log.warn({ service: svc.name, target: new URL(target).origin, err: why }, "redirect-url failed");
    throw new GatewayError(502, "redirect-url unreachable");
  } finally {
    // the headers are in: the body then streams to the browser without a bound
    timeout.clear();
  }
}

/** The redirect-path route of `svc` (mounted only when it has redirect-path and redirect-url). */
export function oauth2Redirect(svc: ServiceConfig, deps: OAuth2RedirectDeps) {
  const path = svc.redirectPath!;
  const log = deps.log.child({ service: svc.name, component: "oauth2-redirect" });
  return new Elysia({ name: "oauth2-redirect", seed: svc.name }).get(
    path,
    async ({ request, query }) => {
      const url = new URL(request.url);
      const requestURI = url.pathname + url.search;
      const identity = await deps.oauth.exchange(svc, query.code);
      const { userInfo, error } = await oauthUserInfo(deps.api, svc, identity, wantsSnsUserInfo(svc, requestURI, query.code), deps.kv);
      const body: OAuth2Forward = { requestURI, appId: svc.appId, openId: identity.openId, state: query.state, userInfo, userInfoError: error };
      const res = await postToBackend(deps, svc, request, body);
      log.info({ state: query.state, status: res.status, userInfoError: error || undefined }, "OAuth2 redirect forwarded");
      return relayResponse(res);
    },
    {
      query: oauth2RedirectQuerySchema,
      detail: {
        summary: `OAuth2 web authorization redirect (${svc.name})`,
        description: "WeChat's redirect_uri: code → openId → POST redirect-url; the backend's answer is relayed to the browser.",
        tags: ["oauth2"],
      },
    },
  );
}

/** The redirect routes of every service with redirect-path and redirect-url. */
export function oauth2Redirects(config: GatewayConfig, deps: OAuth2RedirectDeps): AnyElysia[] {
  return config.services.filter((svc) => svc.redirectPath && svc.redirectUrl).map((svc) => oauth2Redirect(svc, deps) as unknown as AnyElysia);
}
