/**
 * @module callback/spine
 * The callback path, every step in order — the only place that knows the order. Each step is a module
 * of callback/steps (or the dedup, callback/dedup); what differs between WeChat's push surfaces is the
 * service's profile (profiles/), which the verify, decode, parse and encode steps call.
 *
 *   verify → body → replay → decode → parse → dedup → [within reply-timeout-ms: slot → userInfo →
 *   forward or echo → reply] → encode
 */
import { badRequest, GatewayError } from "../http/errors";
import type { Query } from "../profiles/index";
import { textResponse } from "../profiles/profile";
import { dedupKeyOf, type InboundMessage, MessageError, type Route, routeOf } from "../wechat/message";
import type { WechatReply } from "../wechat/reply";
import { XmlError } from "../wechat/xml";
import { type FlightPlan, fly, lateFlight } from "./flight";
import type { ServiceRuntime } from "./runtime";
import { unreadableBody, withinLimit } from "./steps/body";
import { decode } from "./steps/decode";
import { echo } from "./steps/echo";
import { encode } from "./steps/encode";
import { forward } from "./steps/forward";
import { parse } from "./steps/parse";
import { guardReplay } from "./steps/replay";
import { answerAtDeadline, replyFromBackend } from "./steps/reply";
import { admit, leaveSlot, takeSlot } from "./steps/slot";
import { addUserInfo } from "./steps/userinfo";
import { verify, verifyUrl } from "./steps/verify";

/** GET: URL verification (SPEC §4.1). */
export function handleVerify(query: Query, rt: ServiceRuntime): Response {
  const echoed = verifyUrl(query, rt, rt.deps.now()); // signature (profile), timestamp window → 400/401
  rt.deps.metrics.callback(rt.config.name, "verify", "verified");
  return textResponse(echoed);
}

/** POST: a message or event (SPEC §4.2–4.6). Errors are GatewayErrors; the app renders them. */
export async function handleCallback(request: Request, query: Query, rt: ServiceRuntime): Promise<Response> {
  const started = rt.deps.now();
  // counted here rather than by a wrapper around the app: no promise layer of its own (http/counted-routes)
  rt.requests.add();
  try {
    const signed = verify(query, rt, started); // signature (profile), timestamp window → 400/401
    const body = withinLimit(await request.text(), rt); // byte limit → 413; a body that cannot be read → 400/413
    if (rt.replay !== null) await guardReplay(signed, body, rt, rt.replay); // window again, nonce with another body → 401/503
    const decoded = decode(body, signed, rt); // plaintext or msg_signature + AES (profile) → 400/401
    const msg = parse(decoded, rt); // XML or JSON → typed message (profile) → 400
    const route = routeOf(msg); // /msg/<MsgType> or /event/<Event> → 400
    const reply = await rt.dedup.run(dedupKeyOf(msg), () => answer(msg, route, rt, started)); // retries join or replay the first answer
    return encode(reply, signed, decoded, route, rt); // reply (profile: rendered, encrypted) or "no reply"
  } catch (err) {
    const error = asGatewayError(err);
    rt.deps.metrics.callback(rt.config.name, "-", "rejected", `${error.status} ${error.message}`);
    if (error.status >= 500) rt.log.error({ status: error.status, err: causeOf(error.cause) }, "callback failed");
    else rt.log.info({ status: error.status, reason: error.message }, "callback rejected");
    throw error;
  } finally {
    rt.requests.done();
  }
}

/**
 * Within reply-timeout-ms, on one flight per message (callback/flight): when the deadline passes first,
 * WeChat is answered `success` and the backend's answer, when it comes, is a late reply.
 */
const TO_BACKEND: FlightPlan = {
  steps: [
    admit, // counted until done; 503 while draining (steps/slot)
    addUserInfo, // userInfo within its share of the deadline, holding no slot (steps/userinfo)
    takeSlot, // one of workerNum backend slots, in arrival order (steps/slot)
    forward, // POST to the backend, its JSON answer (steps/forward)
    leaveSlot, // (steps/slot)
    replyFromBackend, // the answer → a reply; success on failure; async when late or too large (steps/reply)
  ],
  onDeadline: answerAtDeadline,
};

/**
 * A message a worker answered `success` for and ended before its backend call was over (workers/):
 * its flight again, late from the start, journaled here as it was there (callback/ack-journal).
 */
export function resumeAcknowledged(msg: InboundMessage, rt: ServiceRuntime): void {
  const flight = lateFlight(msg, routeOf(msg), rt, TO_BACKEND);
  rt.deps.journal?.acknowledged(flight, rt.config.name, msg);
  flight.proceed();
}

/** forward (the plan above) or, without msg-proxy-pass, echo */
function answer(msg: InboundMessage, route: Route, rt: ServiceRuntime, startedMs: number): Promise<WechatReply> {
  return rt.config.msgProxyPass ? fly(msg, route, rt, startedMs, TO_BACKEND) : echo(msg, route, rt);
}

function asGatewayError(err: unknown): GatewayError {
  if (err instanceof GatewayError) return err;
  if (err instanceof XmlError || err instanceof MessageError) return badRequest(err.message);
  return unreadableBody(err) ?? new GatewayError(500, "internal error", { cause: err });
}

/** An error's name and message for the log (error messages on this path never carry secrets). */
const causeOf = (err: unknown): string => (err instanceof Error ? `${err.name}: ${err.message}` : String(err));
