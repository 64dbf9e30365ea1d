/**
 * @module callback/steps/reply
 * The reply step: the backend's answer (or the echo) → what WeChat is answered with. Every failure
 * becomes `success` (never WeChat's "该公众号暂时无法提供服务"), logged and counted. A reply that
 * arrives after the deadline, is too large for a passive reply (WeChat drops one over 2048 bytes) or is
 * of a type the surface takes no passive reply of (its profile's `passive`: a Mini Program's text) goes
 * through the surface's message API when `async-reply` is on (its profile's `asyncMessage`, sent by
 * callback/async-reply); the size is the one of the service's own rendering (its profile's `render`).
 */
import { exceedsUtf8Bytes } from "../../util/utf8";
import type { InboundMessage, Route } from "../../wechat/message";
import { type AddressedReply, MAX_PASSIVE_REPLY_BYTES, type NormalizedReply, type WechatReply } from "../../wechat/reply";
import type { FlightStep } from "../flight";
import type { ServiceRuntime } from "../runtime";

/** After the backend step: the answer, a `success` fallback, or (after the deadline) a late reply. */
export const replyFromBackend: FlightStep = (f) => {
  if (f.late) f.rt.deps.journal?.settled(f);
  const result = f.result;
  if (result === undefined || result instanceof Error) return f.fail(result ?? new Error("no backend result"));
  if (f.late) return lateReply(result.ok ? result.reply : result.reason, f.msg, f.route, f.rt);
  f.answer(result.ok ? toReply(result.reply, f.msg, f.route, f.rt) : fallback(f.rt, f.route, result.category, result.reason));
};

/** When the deadline passes first: WeChat gets `success` now, the backend's answer goes to lateReply. */
export const answerAtDeadline: FlightStep = (f) => {
  f.answer(fallback(f.rt, f.route, "timeout", `backend did not answer within ${f.rt.config.replyTimeoutMs} ms`));
  // acknowledged to WeChat, not yet through its backend call: journaled until it is (callback/ack-journal)
  f.rt.deps.journal?.acknowledged(f, f.rt.config.name, f.msg);
};

/** A reply addressed back to the message's sender, or `success` for a backend that chose not to reply. */
export function toReply(reply: NormalizedReply, msg: InboundMessage, route: Route, rt: ServiceRuntime): WechatReply {
  if (reply.type === "success") return { kind: "success", reason: reply.why };
  if (rt.profile.passive?.(reply) === false) return notPassive(reply, msg, route, rt);
  const out: AddressedReply = {
    kind: "reply",
    reply,
    toUser: String(msg.FromUserName ?? ""),
    fromUser: String(msg.ToUserName ?? ""),
    createTime: Math.floor(rt.deps.now() / 1000),
    rendered: undefined,
  };
  const rendered = (out.rendered = rt.profile.render(out));
  if (exceedsUtf8Bytes(rendered, MAX_PASSIVE_REPLY_BYTES)) {
    if (asyncOn(rt)) {
      sendAsync(reply, msg, rt, "oversized");
      return { kind: "success", reason: "reply over 2048 bytes sent through the customer-service API" };
    }
    rt.log.warn({ route: route.path, bytes: Buffer.byteLength(rendered) }, "reply exceeds 2048 bytes: WeChat may drop it (enable async-reply)");
  }
  return out;
}

const asyncOn = (rt: ServiceRuntime) => rt.config.asyncReply && rt.deps.asyncReply !== undefined;

/** A reply the surface cannot answer the push with: sent through its message API, or dropped with a warning. */
function notPassive(reply: NormalizedReply, msg: InboundMessage, route: Route, rt: ServiceRuntime): WechatReply {
  if (asyncOn(rt)) {
    sendAsync(reply, msg, rt, "not passive");
    return { kind: "success", reason: `${reply.type} reply sent through the message API` };
  }
  rt.log.warn({ route: route.path, type: reply.type }, "no passive reply of this type on this surface: not sent (enable async-reply to send it)");
  return { kind: "success", reason: `a ${reply.type} reply cannot be the answer here (async-reply is off)` };
}

/** @param category a metric label: timeout, backend-error, bad-reply */
function fallback(rt: ServiceRuntime, route: Route, category: string, reason: string): WechatReply {
  rt.log.warn({ route: route.path, reason }, "answering WeChat 'success' instead of a reply");
  rt.deps.metrics.fallback(rt.config.name, category, reason);
  return { kind: "success", reason };
}

/** @param late the backend's reply, or why it failed */
function lateReply(late: NormalizedReply | string, msg: InboundMessage, route: Route, rt: ServiceRuntime): void {
  if (typeof late === "string") return void rt.log.warn({ route: route.path, reason: late }, "late backend answer failed too");
  if (late.type === "success") return;
  if (!asyncOn(rt)) {
    return void rt.log.warn({ route: route.path }, "late backend reply discarded (enable async-reply to deliver it)");
  }
  sendAsync(late, msg, rt, "late");
}

function sendAsync(reply: NormalizedReply, msg: InboundMessage, rt: ServiceRuntime, why: string): void {
  const send = rt.deps.asyncReply;
  const toUser = msg.FromUserName;
  if (!send || !toUser) return;
  const message = rt.profile.asyncMessage?.(String(toUser), reply) ?? null;
  if (message === null) {
    rt.deps.metrics.asyncReply(rt.config.name, "refused");
    return void rt.log.warn({ why, type: reply.type }, "async reply not sent: the surface's message API has no such message type");
  }
  // counted, so that shutdown waits for it (callback/drain)
  const sends = rt.core.asyncSends;
  sends.add();
  send(rt.config, message).then(
    () => {
      sends.done();
      rt.deps.metrics.asyncReply(rt.config.name, "sent");
    },
    (err: Error) => {
      sends.done();
      rt.deps.metrics.asyncReply(rt.config.name, "refused");
      rt.log.warn({ why, path: message.path, err: err.message }, "async reply failed");
    },
  );
}
