/**
 * @module callback/forward
 * POSTs the message as JSON to `<msg-proxy-pass>/msg/<MsgType>` or `/event/<Event>` (SPEC §4.3),
 * with userInfo appended when configured, and reads the backend's JSON reply (at most
 * MAX_BACKEND_REPLY_BYTES of it).
 */
import type { InboundMessage, Route } from "../wechat/message";
import { normalizeReply, type NormalizedReply } from "../wechat/reply";
import type { ServiceRuntime, UserInfoLookup } from "../service/runtime";
import type { Deadline } from "../util/deadlines";
import type { UserInfoAnswer } from "./core";
import { readJsonBounded } from "./backend-body";

export { BACKEND_HARD_TIMEOUT_MS } from "./core";

/**
 * The most of a backend answer the gateway reads. Every answer becomes a passive reply (WeChat drops
 * one over 2048 bytes) or, with async-reply, a customer-service message (a text's content is at most
 * 2048 bytes; news and the media types are a few hundred bytes of ids, titles and URLs). A JSON
 * answer with every character escaped (`\u00e9` for a 2-byte character) takes up to ~6× that, plus
 * its other fields: 64 KiB leaves room for any answer that can become a reply, and bounds what one
 * message can make the gateway hold.
 */
export const MAX_BACKEND_REPLY_BYTES = 64 * 1024;

const JSON_HEADERS = { "content-type": "application/json" };

export type BackendResult =
  | { readonly ok: true; readonly reply: NormalizedReply }
  | { readonly ok: false; readonly category: "backend-error" | "bad-reply"; readonly reason: string };

/**
 * Adds userInfo/userInfoError within `budgetMs`, so a slow user/info lookup never eats the reply
 * deadline. Messages from one user while a lookup for them is in flight wait for that lookup
 * instead of starting another (each within its own budget).
 */
export async function withUserInfo(msg: InboundMessage, rt: ServiceRuntime, lookup: UserInfoLookup, budgetMs: number, shareMs: number): Promise<InboundMessage> {
  const openId = msg.FromUserName;
  if (!openId) return { ...msg, userInfo: null, userInfoError: "no FromUserName" };
  let deadline: Deadline | undefined;
  const timeout = new Promise<UserInfoAnswer>((resolve) => {
    deadline = rt.core.deadlines.add(budgetMs, () => resolve({ userInfo: null, userInfoError: `user info lookup exceeded ${shareMs} ms` }));
  });
  try {
    const info = await Promise.race([sharedLookup(rt, lookup, openId), timeout]);
    return { ...msg, userInfo: info.userInfo, userInfoError: info.userInfoError };
  } finally {
    deadline?.cancel();
  }
}

function sharedLookup(rt: ServiceRuntime, lookup: UserInfoLookup, openId: string): Promise<UserInfoAnswer> {
  const lookups = rt.core.userInfoLookups;
  const key = `${rt.config.name}:${openId}`;
  let pending = lookups.get(key);
  if (pending === undefined) {
    pending = lookup(rt.config, openId).catch((err: Error) => ({ userInfo: null, userInfoError: err.message }));
    lookups.set(key, pending);
    void pending.then(() => lookups.delete(key));
  }
  return pending;
}

/** The hard timeout (BACKEND_HARD_TIMEOUT_MS, on shared abort leases) covers the whole exchange, body included. */
export async function callBackend(msg: InboundMessage, route: Route, rt: ServiceRuntime): Promise<BackendResult> {
  const started = performance.now();
  const aborts = rt.core.backendAborts;
  const abort = aborts.acquire();
  try {
    let res: Response;
    try {
      res = await rt.deps.fetch(rt.config.msgProxyPass + route.path, { method: "POST", headers: JSON_HEADERS, body: JSON.stringify(msg), signal: abort.signal });
    } catch (err) {
      observe(rt, "error", started);
      return { ok: false, category: "backend-error", reason: `backend unreachable: ${(err as Error).message}` };
    }
    if (res.status < 200 || res.status > 299) {
      observe(rt, "error", started);
      await res.body?.cancel();
      return { ok: false, category: "backend-error", reason: `backend answered HTTP ${res.status}` };
    }
    const body = await readJsonBounded(res, MAX_BACKEND_REPLY_BYTES);
    if (!body.ok) {
      observe(rt, "error", started);
      return { ok: false, category: body.tooLarge ? "bad-reply" : "backend-error", reason: body.reason };
    }
    observe(rt, "ok", started);
    const reply = normalizeReply(body.json);
    return typeof reply === "string" ? { ok: false, category: "bad-reply", reason: reply } : { ok: true, reply };
  } finally {
    aborts.release(abort);
  }
}

function observe(rt: ServiceRuntime, outcome: string, started: number): void {
  rt.deps.metrics.backendLatency(rt.config.name, outcome, (performance.now() - started) / 1000);
}
