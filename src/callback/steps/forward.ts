/**
 * @module callback/steps/forward
 * The forward step: POSTs the message as JSON to `<msg-proxy-pass>/msg/<MsgType>` or `/event/<Event>`
 * (SPEC §4.3) and reads the backend's JSON reply (at most MAX_BACKEND_REPLY_BYTES of it). Every
 * failure is a result, not a throw: the reply step turns it into `success`.
 */
import type { InboundMessage, Route } from "../../wechat/message";
import { normalizeReply } from "../../wechat/reply";
import { announcedSize, type BodyResult, readJsonBounded, unparsed } from "../backend-body";
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

export const forward: FlightStep = (f) => void exchange(f.msg, f.route, f.rt, f);

/** The backend's answer to a message as a result; every failure is one, an unexpected error throws. */
export async function callBackend(msg: InboundMessage, route: Route, rt: ServiceRuntime): Promise<BackendResult> {
  const result = await exchange(msg, route, rt, null);
  if (result instanceof Error) throw result;
  return result;
}

/**
 * The whole exchange in one async function, handing its outcome to the flight (its next step) or, for
 * `callBackend`, returning it: each async function the step awaited inside another cost throughput
 * under load (docs/performance.md). The hard timeout (BACKEND_HARD_TIMEOUT_MS, on shared abort
 * leases) covers the whole exchange, body included.
 */
async function exchange(msg: InboundMessage, route: Route, rt: ServiceRuntime, flight: Flight | null): Promise<BackendResult | Error> {
  const started = performance.now();
  const aborts = rt.core.backendAborts;
  const abort = aborts.acquire();
  let result: BackendResult | Error | undefined;
  try {
    let res: Response | null = null;
    try {
      res = await rt.deps.fetch(rt.config.msgProxyPass + route.path, {
        method: "POST",
        headers: JSON_HEADERS,
        body: JSON.stringify(msg),
        signal: abort.signal,
      });
    } catch (err) {
      result = failed(rt, started, "backend-error", `backend unreachable: ${(err as Error).message}`);
    }
    if (res === null) {
      // the fetch failed: result is set
    } else if (res.status < 200 || res.status > 299) {
      result = failed(rt, started, "backend-error", `backend answered HTTP ${res.status}`);
      await res.body?.cancel();
    } else {
      // the common answer, a few bytes with a Content-Length, parsed natively here; anything else bounded
      let body: BodyResult;
      if (announcedSize(res, MAX_BACKEND_REPLY_BYTES) === "fits") {
        try {
          body = { ok: true, json: await res.json() };
        } catch (err) {
          body = unparsed(err);
        }
      } else {
        body = await readJsonBounded(res, MAX_BACKEND_REPLY_BYTES);
      }
      result = body.ok ? replyOf(rt, started, body.json) : failed(rt, started, body.tooLarge ? "bad-reply" : "backend-error", body.reason);
    }
  } catch (err) {
    result = err instanceof Error ? err : new Error(String(err));
  } finally {
    aborts.release(abort);
  }
  const outcome = result ?? new Error("no backend result");
  if (flight !== null) {
    flight.result = outcome;
    flight.proceed();
  }
  return outcome;
}

function replyOf(rt: ServiceRuntime, started: number, json: unknown): BackendResult {
  observe(rt, "ok", started);
  const reply = (rt.profile.normalizeReply ?? normalizeReply)(json);
  return typeof reply === "string" ? { ok: false, category: "bad-reply", reason: reply } : { ok: true, reply };
}

function failed(rt: ServiceRuntime, started: number, category: "backend-error" | "bad-reply", reason: string): BackendResult {
  observe(rt, "error", started);
  return { ok: false, category, reason };
}

function observe(rt: ServiceRuntime, outcome: string, started: number): void {
  rt.deps.metrics.backendLatency(rt.config.name, outcome, (performance.now() - started) / 1000);
}
