/**
 * @module callback/forward
 * POSTs the message as JSON to `<msg-proxy-pass>/msg/<MsgType>` or `/event/<Event>` (SPEC §4.3),
 * with userInfo appended when configured, and reads the backend's JSON reply.
 */
import type { InboundMessage, Route } from "../wechat/message";
import { normalizeReply, type NormalizedReply } from "../wechat/reply";
import type { ServiceRuntime, UserInfoLookup } from "../service/runtime";
import { deadlines, type Deadline } from "../util/deadlines";
import { createBackendAborts } from "./backend-abort";

/** A backend that never answers must not hold sockets forever, even with async-reply. */
export const BACKEND_HARD_TIMEOUT_MS = 30_000;

const JSON_HEADERS = { "content-type": "application/json" };

export type BackendResult =
  | { readonly ok: true; readonly reply: NormalizedReply }
  | { readonly ok: false; readonly category: "backend-error" | "bad-reply"; readonly reason: string };

/** Adds userInfo/userInfoError, bounded so a slow user/info lookup never eats the reply deadline. */
export async function withUserInfo(msg: InboundMessage, rt: ServiceRuntime, lookup: UserInfoLookup, budgetMs: number): Promise<InboundMessage> {
  const openId = msg.FromUserName;
  if (!openId) return { ...msg, userInfo: null, userInfoError: "no FromUserName" };
  let deadline: Deadline | undefined;
  const timeout = new Promise<{ userInfo: null; userInfoError: string }>((resolve) => {
    deadline = deadlines.add(budgetMs, () => resolve({ userInfo: null, userInfoError: `user info lookup exceeded ${budgetMs} ms` }));
  });
  try {
    const info = await Promise.race([lookup(rt.config, openId), timeout]);
    return { ...msg, userInfo: info.userInfo, userInfoError: info.userInfoError };
  } catch (err) {
    return { ...msg, userInfo: null, userInfoError: (err as Error).message };
  } finally {
    deadline?.cancel();
  }
}

// fetches started within a second share one abort controller (callback/backend-abort)
const hardTimeout = createBackendAborts({ timeoutMs: BACKEND_HARD_TIMEOUT_MS, granularityMs: 1000, queue: deadlines });

/** The hard timeout covers the whole exchange, body included. */
export async function callBackend(msg: InboundMessage, route: Route, rt: ServiceRuntime): Promise<BackendResult> {
  const started = performance.now();
  const abort = hardTimeout.acquire();
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
    let body: unknown;
    try {
      body = await res.json();
    } catch {
      observe(rt, "error", started);
      return { ok: false, category: "backend-error", reason: "backend reply is not valid JSON" };
    }
    observe(rt, "ok", started);
    const reply = normalizeReply(body);
    return typeof reply === "string" ? { ok: false, category: "bad-reply", reason: reply } : { ok: true, reply };
  } finally {
    hardTimeout.release(abort);
  }
}

function observe(rt: ServiceRuntime, outcome: string, started: number): void {
  rt.deps.metrics.backendLatency(rt.config.name, outcome, (performance.now() - started) / 1000);
}
