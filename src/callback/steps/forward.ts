/**
 * @module callback/steps/forward
 * The forward step: POSTs the message as JSON to `<msg-proxy-pass>/msg/<MsgType>` or `/event/<Event>`
 * (SPEC §4.3) and reads the backend's JSON reply (at most MAX_BACKEND_REPLY_BYTES of it). Every
 * failure is a result, not a throw: the reply step turns it into `success`.
 */
import type { InboundMessage, Route } from "../../wechat/message";
import { normalizeReply } from "../../wechat/reply";
import { readJsonBounded } from "../backend-body";
import type { BackendResult, Flight, FlightStep } from "../flight";
import type { ServiceRuntime } from "../runtime";

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

export const forward: FlightStep = (f) => void forwardThenNext(f);

async function forwardThenNext(f: Flight): Promise<void> {
  try {
    f.result = await callBackend(f.msg, f.route, f.rt);
  } catch (err) {
    f.result = err instanceof Error ? err : new Error(String(err));
  }
  f.proceed();
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
    const reply = (rt.profile.normalizeReply ?? normalizeReply)(body.json);
    return typeof reply === "string" ? { ok: false, category: "bad-reply", reason: reply } : { ok: true, reply };
  } finally {
    aborts.release(abort);
  }
}

function observe(rt: ServiceRuntime, outcome: string, started: number): void {
  rt.deps.metrics.backendLatency(rt.config.name, outcome, (performance.now() - started) / 1000);
}
