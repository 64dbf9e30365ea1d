/**
 * @module api-proxy
 * The WeChat API proxy for existing SDKs (SPEC §9): a listener whose paths are WeChat's own, so an
 * SDK changes only its API base URL. One request, in order:
 *   1. the path must be one of WeChat's shape (request-target) — else 400, nothing sent;
 *   2. token requests are answered by the token center (token-routes) — never forwarded;
 *   3. a proxy token in `access_token` is checked (proxy-token) — unknown or expired: 40001, nothing sent;
 *      `getticket?type=jsapi` with one is answered from the ticket cache;
 *   4. everything else goes to WeChat with the real token in its place (forward).
 * Logs name paths, app-ids and errcodes; never a query, a token, a proxy token or a secret.
 */
import type { GatewayConfig } from "../config/types";
import { type Logger, redactUrl } from "../obs/log";
import type { TokenStore } from "../store/token-store";
import type { Clock } from "../util/clock";
import type { Tally } from "../util/tally";
import type { TokenManager } from "../wxapi/token-manager";
import { proxyAccounts } from "./accounts";
import { answerError, ERRORS } from "./answers";
import { createForwarder } from "./forward";
import { createProxyMetrics, type ProxyMetricsSink } from "./metrics";
import { createProxyTokens, isProxyToken } from "./proxy-token";
import { accessTokens, pathProblem } from "./request-target";
import { answerTicket, type TokenRouteDeps, tokenRoutes } from "./token-routes";

/** How long WeChat may take to start answering a forwarded call; uploads of 20 MB take a while. */
export const FORWARD_TIMEOUT_MS = 60_000;

export interface ApiProxyDeps {
  /** the services whose tokens SDKs may ask for, and the upstream origins (`wecom-api-base` once WeCom services exist) */
  readonly config: Pick<GatewayConfig, "services" | "wxApiBase"> & { readonly wecomApiBase?: string };
  /** the gateway's token center (the WeChat client's token manager) */
  readonly tokens: Pick<TokenManager, "accessToken" | "jsapiTicket" | "invalidateToken">;
  /** where the token center keeps its records: read for the ticket's remaining life */
  readonly store: Pick<TokenStore, "get">;
  readonly clock: Clock;
  readonly log: Logger;
  readonly metrics?: ProxyMetricsSink;
  readonly fetch?: typeof fetch;
  /** random bytes for proxy tokens' nonces */
  readonly random?: (size: number) => Uint8Array;
  readonly timeoutMs?: number;
  /** the requests of the config generation it belongs to (ops/generation): each counts itself until answered */
  readonly requests?: Tally;
}

export interface ApiProxy {
  handle(req: Request): Promise<Response>;
}

export function createApiProxy(deps: ApiProxyDeps): ApiProxy {
  const log = deps.log.child({ component: "api-proxy" });
  const metrics = createProxyMetrics(deps.metrics);
  const { config } = deps;
  const accounts = proxyAccounts(config.services, { wxApiBase: config.wxApiBase, wecomApiBase: config.wecomApiBase });
  const proxyTokens = createProxyTokens(accounts, { clock: deps.clock, random: deps.random });
  const routeDeps: TokenRouteDeps = {
    accounts,
    proxyTokens,
    tokens: deps.tokens,
    ticketExpiry: async (svc) => (await deps.store.get("ticket", svc.appId))?.expire ?? null,
    clock: deps.clock,
    log,
    metrics,
  };
  const routes = tokenRoutes(routeDeps);
  const forward = createForwarder({
    tokens: deps.tokens,
    fetch: deps.fetch ?? fetch,
    clock: deps.clock,
    log,
    metrics,
    defaultUpstream: config.wxApiBase,
    timeoutMs: deps.timeoutMs ?? FORWARD_TIMEOUT_MS,
  });

  async function handle(req: Request): Promise<Response> {
    const url = new URL(req.url);
    const path = url.pathname;
    const problem = pathProblem(path);
    if (problem) {
      log.info({ reason: problem }, "API proxy: request refused");
      return answerError("invalidArgs", `not a WeChat API path: ${problem}`, 400);
    }
    // "/cgi-bin/token/" is still a token request: forwarded, it would hand the SDK a real token
    const route = routes.get(path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path);
    if (route) return route(req, url);

    const given = accessTokens(url.search);
    const proxied = given.some(isProxyToken);
    if (!proxied) return forward(req, { path, search: url.search, account: null });
    if (given.length > 1) return answerError("invalidArgs", "access_token given more than once", 400);

    const check = proxyTokens.verify(given[0]!);
    if (!check.ok) {
      log.info({ path, reason: check.reason }, "API proxy: unknown or expired proxy token");
      metrics.call(path, ERRORS.invalidCredential[0]);
      return answerError("invalidCredential");
    }
    const { account } = check;
    if (path.replace(/\/$/, "") === "/cgi-bin/ticket/getticket" && account.kind === "wechat" && url.searchParams.get("type") === "jsapi") {
      return answerTicket(routeDeps, account, path);
    }
    return forward(req, { path, search: url.search, account });
  }

  return {
    async handle(req) {
      deps.requests?.add();
      try {
        return await handle(req);
      } catch (err) {
        log.error({ err: redactUrl(String((err as Error).message)) }, "API proxy: unexpected failure");
        return answerError("systemError", undefined, 500);
      } finally {
        deps.requests?.done();
      }
    },
  };
}
