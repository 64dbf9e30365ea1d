/**
 * @module api-proxy/forward
 * Every request that is not a token request goes to WeChat as it came — method, path, query,
 * headers (less the hop-by-hop ones), body — with one change: a proxy token in `access_token` is
 * replaced by the real token of its account. Bodies stream both ways. The upstream is fixed: the
 * account's origin (`wx-api-base`, or `wecom-api-base` for a WeCom app), and `wx-api-base` for a
 * request without a proxy token, which goes through untouched.
 *
 * When WeChat rejects an injected token (40001/40014/42001) the proxy does what the gateway's own
 * client does (SPEC §3): compare-and-swap invalidation, one renewal, one retry — when it still has
 * the request's body. A body with a Content-Length up to the service's `max-body-bytes` is read
 * before it is sent, so it can be sent twice; a larger or unframed one streams, a copy is kept while
 * it fits, and without a whole copy WeChat's answer is passed on as is (the SDK then renews its
 * proxy token and tries again itself).
 */
import { type Logger, redactUrl } from "../obs/log";
import { type TimerClock, timeoutSignal } from "../util/clock";
import { TOKEN_ERRCODES, WxApiError } from "../wxapi/client";
import type { TokenManager } from "../wxapi/token-manager";
import type { ProxyAccount } from "./accounts";
import { answerError, wechatJson } from "./answers";
import { downstreamHeaders, upstreamHeaders } from "./hop-headers";
import type { OutcomeLabel, ProxyMetrics } from "./metrics";
import { withAccessToken } from "./request-target";
import { keepBody, mayCarryErrcode, peekAnswer } from "./streams";

/** JSON and text answers up to this size are read for their errcode; larger ones stream unread. */
const PEEK_MAX_BYTES = 1 << 20;

export interface ForwardDeps {
  readonly tokens: Pick<TokenManager, "accessToken" | "invalidateToken">;
  readonly fetch: typeof fetch;
  readonly clock: TimerClock;
  readonly log: Logger;
  readonly metrics: ProxyMetrics;
  /** where a request without a proxy token goes (`wx-api-base`) */
  readonly defaultUpstream: string;
  /** how long WeChat may take to start its answer (uploads included); the body then streams unbounded */
  readonly timeoutMs: number;
}

export interface ForwardTarget {
  readonly path: string;
  /** the raw query, "?…" or "" */
  readonly search: string;
  /** whose real token replaces the proxy token; null forwards the request as is */
  readonly account: ProxyAccount | null;
}

/** a request body as the proxy sends it on */
type Body = ReadableStream<Uint8Array> | Uint8Array | null;

interface Relayed {
  readonly response: Response;
  readonly outcome: OutcomeLabel;
}

class Unreachable extends Error {}

export function createForwarder(deps: ForwardDeps): (req: Request, target: ForwardTarget) => Promise<Response> {
  const { log } = deps;

  async function send(req: Request, url: string, headers: Headers, body: Body): Promise<Response> {
    const timeout = timeoutSignal(deps.clock, deps.timeoutMs);
    try {
      return await deps.fetch(url, {
        method: req.method,
        headers,
        body: body ?? undefined,
        redirect: "manual",
        // the caller gets WeChat's bytes, Content-Encoding and all
        decompress: false,
        signal: AbortSignal.any([req.signal, timeout.signal]),
        duplex: "half",
      } as RequestInit);
    } catch (err) {
      const e = err as Error & { code?: string };
      // fetch errors can carry the URL, and with it the real token: only a redacted summary is kept
      throw new Unreachable(e.name === "TimeoutError" ? `no answer within ${deps.timeoutMs} ms` : redactUrl(`${e.code ?? e.name}: ${e.message}`));
    } finally {
      timeout.clear();
    }
  }

  async function relay(answer: Response): Promise<Relayed> {
    const headers = downstreamHeaders(answer.headers);
    const init = { status: answer.status, statusText: answer.statusText, headers };
    if (!mayCarryErrcode(answer.headers.get("content-type"))) {
      return { response: new Response(answer.body, init), outcome: answer.ok ? 0 : "unread" };
    }
    const peeked = await peekAnswer(answer, PEEK_MAX_BYTES);
    return { response: new Response(peeked.body, init), outcome: peeked.errcode ?? "unread" };
  }

  /** The request's body: bytes when they may be needed twice, else a stream that keeps a copy while it fits. */
  async function bodyOf(req: Request, account: ProxyAccount): Promise<{ first: Body; again(): Body | undefined }> {
    if (req.body === null) return { first: null, again: () => null };
    const declared = Number(req.headers.get("content-length") ?? Number.NaN);
    if (declared <= account.svc.maxBodyBytes) {
      const bytes = new Uint8Array(await req.arrayBuffer());
      return { first: bytes, again: () => bytes };
    }
    const kept = keepBody(req.body, account.svc.maxBodyBytes);
    return { first: kept.stream, again: () => kept.kept() ?? undefined };
  }

  async function forwardWithToken(req: Request, target: ForwardTarget, account: ProxyAccount): Promise<Relayed> {
    const { svc } = account;
    const headers = upstreamHeaders(req.headers);
    const body = await bodyOf(req, account);
    const token = await deps.tokens.accessToken(svc);
    const first = await relay(await send(req, account.upstream + target.path + withAccessToken(target.search, token), headers, body.first));
    if (typeof first.outcome !== "number" || !TOKEN_ERRCODES.has(first.outcome)) return first;

    await deps.tokens.invalidateToken(svc, token);
    const again = body.again();
    if (again === undefined) {
      log.warn(
        { path: target.path, appId: account.id, errcode: first.outcome },
        "WeChat rejected the access_token; the body was too large to keep, so WeChat's answer goes back as is",
      );
      return first;
    }
    log.warn({ path: target.path, appId: account.id, errcode: first.outcome }, "WeChat rejected the access_token: renewing it and retrying once");
    let renewed = await deps.tokens.accessToken(svc);
    // a lookup that started before the invalidation may still hand out the rejected token
    if (renewed === token) renewed = await deps.tokens.accessToken(svc);
    return relay(await send(req, account.upstream + target.path + withAccessToken(target.search, renewed), headers, again));
  }

  return async function forward(req, target) {
    let relayed: Relayed;
    try {
      relayed = target.account
        ? await forwardWithToken(req, target, target.account)
        : await relay(await send(req, deps.defaultUpstream + target.path + target.search, upstreamHeaders(req.headers), req.body));
    } catch (err) {
      if (err instanceof WxApiError) {
        // the gateway's own token fetch was refused (e.g. 40164, its IP is not on the allowlist): the SDK sees why
        deps.metrics.call(target.path, err.errcode ?? "unreachable");
        return wechatJson({ errcode: err.errcode, errmsg: err.errmsg });
      }
      const why = err instanceof Unreachable ? err.message : (err as Error).message;
      log.warn({ path: target.path, err: redactUrl(why) }, "API proxy: WeChat API unreachable");
      deps.metrics.call(target.path, "unreachable");
      return answerError("systemError", "WeChat API unreachable", 502);
    }
    deps.metrics.call(target.path, relayed.outcome);
    log.debug({ method: req.method, path: target.path, status: relayed.response.status, errcode: relayed.outcome }, "API proxy call");
    return relayed.response;
  };
}
