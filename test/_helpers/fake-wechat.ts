/**
 * @module test/_helpers/fake-wechat
 * A real HTTP server on 127.0.0.1 that behaves like the parts of api.weixin.qq.com the gateway uses:
 * access_tokens (stable and classic, checked on every call: an unknown or revoked token gets 40001),
 * jsapi tickets, user/info, the sns OAuth2 endpoints (a code works once, then 40163), qrcode/create,
 * shorturl, custom and template messages, Channels shop order and after-sale details; and the parts of
 * qyapi.weixin.qq.com a WeCom app uses (fake-wecom-routes: gettoken, message/send, user/get).
 * Every call is recorded (and can be awaited); answers can be scripted per path (errors, delays,
 * answers held until the test lets them go, any JSON).
 *
 *   using fake = startFakeWechat();
 *   const config = makeConfig({}, { "wx-api-base": fake.url });
 *   fake.failNext("/cgi-bin/user/info", { errcode: 40001, errmsg: "invalid credential" });
 */
import { type FakeState, wechatRoutes } from "./fake-wechat-routes";
import { wecomRoutes } from "./fake-wecom-routes";

export interface FakeCall {
  readonly method: string;
  readonly path: string;
  /** query parameters, access_token included */
  readonly query: Record<string, string>;
  /** parsed JSON body, the raw text when it is not JSON, or null */
  readonly body: unknown;
  /** the body's bytes as they arrived (multipart uploads, binary bodies) */
  readonly bytes: Uint8Array;
  readonly headers: Headers;
}

export interface Scripted {
  /** JSON answer (default: the normal answer of the path) */
  readonly json?: unknown;
  /** raw answer: text, bytes, or a stream (a download that arrives in parts) */
  readonly raw?: string | Uint8Array | ReadableStream<Uint8Array>;
  readonly status?: number;
  readonly contentType?: string;
  /** more answer headers (raw answers) */
  readonly headers?: Record<string, string>;
  /** wait this long first; the normal answer follows unless json/raw/status is given */
  readonly delayMs?: number;
  /** answer only once this settles (the normal answer unless json/raw/status is given) */
  readonly until?: Promise<unknown>;
}

export interface FakeWechatOptions {
  /** app-id → app-secret; when given, other app-ids get 40013 and wrong secrets 40125 */
  readonly apps?: Record<string, string>;
  /** expires_in of tokens and tickets (default 7200, as WeChat) */
  readonly expiresIn?: number;
  /** user/info answers by openId (default: a subscribed user named after the openId) */
  readonly users?: Record<string, Record<string, unknown>>;
}

export interface FakeWechat {
  readonly url: string;
  readonly calls: FakeCall[];
  /** requests to /cgi-bin/token and /cgi-bin/stable_token (and WeCom's /cgi-bin/gettoken) */
  readonly tokenFetches: number;
  readonly ticketFetches: number;
  callsTo(path: string): FakeCall[];
  /** resolves with the `count`-th call to `path` once it has arrived (waiting for the event instead of polling) */
  whenCalled(path: string, count?: number): Promise<FakeCall>;
  /** the next `times` calls to `path` get this JSON answer (HTTP 200), e.g. {errcode: 40001, errmsg: "…"} */
  failNext(path: string, answer: Record<string, unknown>, times?: number): void;
  /** the next `times` calls to `path` are answered as scripted */
  scriptNext(path: string, answer: Scripted, times?: number): void;
  /** the next `times` calls to `path` wait `ms` before their normal answer */
  delayNext(path: string, ms: number, times?: number): void;
  /** replaces the answer of `path` (new APIs, pass-through tests) until stop */
  on(path: string, handler: (call: FakeCall) => Scripted | Promise<Scripted>): void;
  /** every token issued so far (for `appId`, or all) becomes invalid: WeChat then answers 40001 */
  revokeTokens(appId?: string): void;
  /** tokens currently valid for the app-id, oldest first */
  validTokens(appId: string): string[];
  stop(): void;
  [Symbol.dispose](): void;
}

export function startFakeWechat(opts: FakeWechatOptions = {}): FakeWechat {
  const calls: FakeCall[] = [];
  const queued = new Map<string, Scripted[]>();
  const handlers = new Map<string, (call: FakeCall) => Scripted | Promise<Scripted>>();
  const state: FakeState = { opts, tokens: new Map(), tickets: new Map(), usedCodes: new Set(), snsTokens: new Set(), counter: 0 };
  // one fake answers as WeChat and as WeCom: tests point wx-api-base and wecom-api-base at two of them
  const routes = { ...wechatRoutes(state), ...wecomRoutes(state) };
  let tokenFetches = 0;
  let ticketFetches = 0;
  const waiters: Array<{ path: string; count: number; resolve: (call: FakeCall) => void }> = [];
  const callsTo = (path: string) => calls.filter((c) => c.path === path);
  const arrived = (call: FakeCall) => {
    for (const w of waiters.filter((w) => w.path === call.path)) {
      const seen = callsTo(w.path);
      if (seen.length < w.count) continue;
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(seen[w.count - 1]!);
    }
  };

  const queue = (path: string, answer: Scripted, times: number) => {
    const list = queued.get(path) ?? [];
    for (let i = 0; i < times; i++) list.push(answer);
    queued.set(path, list);
  };

  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req) {
      const url = new URL(req.url);
      const bytes = new Uint8Array(await req.arrayBuffer());
      const text = new TextDecoder().decode(bytes);
      let body: unknown = null;
      if (text) {
        try {
          body = JSON.parse(text);
        } catch {
          body = text;
        }
      }
      const call: FakeCall = { method: req.method, path: url.pathname, query: Object.fromEntries(url.searchParams), body, bytes, headers: req.headers };
      calls.push(call);
      arrived(call);
      if (call.path === "/cgi-bin/token" || call.path === "/cgi-bin/stable_token" || call.path === "/cgi-bin/gettoken") tokenFetches++;
      if (call.path === "/cgi-bin/ticket/getticket") ticketFetches++;

      let answer: Scripted = queued.get(call.path)?.shift() ?? {};
      if (answer.delayMs) await Bun.sleep(answer.delayMs);
      await answer.until;
      if (answer.json === undefined && answer.raw === undefined && answer.status === undefined) {
        const handler = handlers.get(call.path);
        const route = routes[call.path];
        if (handler) answer = await handler(call);
        else if (route) answer = { json: route(call) };
        else answer = { status: 404, raw: `fake wechat: no API at ${call.path}` };
      }
      if (answer.raw !== undefined) {
        return new Response(answer.raw, { status: answer.status ?? 200, headers: { "content-type": answer.contentType ?? "text/plain", ...answer.headers } });
      }
      return new Response(JSON.stringify(answer.json ?? {}), {
        status: answer.status ?? 200,
        headers: { "content-type": answer.contentType ?? "application/json; encoding=utf-8" },
      });
    },
  });

  return {
    url: `http://127.0.0.1:${server.port}`,
    calls,
    get tokenFetches() {
      return tokenFetches;
    },
    get ticketFetches() {
      return ticketFetches;
    },
    callsTo,
    whenCalled(path, count = 1) {
      const seen = callsTo(path);
      if (seen.length >= count) return Promise.resolve(seen[count - 1]!);
      return new Promise((resolve) => waiters.push({ path, count, resolve }));
    },
    failNext: (path, answer, times = 1) => queue(path, { json: answer }, times),
    scriptNext: (path, answer, times = 1) => queue(path, answer, times),
    delayNext: (path, ms, times = 1) => queue(path, { delayMs: ms }, times),
    on: (path, handler) => void handlers.set(path, handler),
    revokeTokens(appId) {
      for (const [app, list] of state.tokens) if (!appId || app === appId) list.length = 0;
    },
    validTokens: (appId) => [...(state.tokens.get(appId) ?? [])],
    stop: () => void server.stop(true),
    [Symbol.dispose]() {
      void server.stop(true);
    },
  };
}
