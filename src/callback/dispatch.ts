/**
 * @module callback/dispatch
 * Gets the answer for one message within `reply-timeout-ms`: echo mode, or the backend. Every failure
 * becomes the `success` reply (never WeChat's "该公众号暂时无法提供服务"), logged and counted. A reply
 * that arrives late, or is too large for a passive reply, goes through the customer-service API when
 * `async-reply` is on.
 */
import type { InboundMessage, Route } from "../wechat/message";
import { MAX_PASSIVE_REPLY_BYTES, buildReplyXml, type NormalizedReply, type WechatReply } from "../wechat/reply";
import type { ServiceRuntime } from "../service/runtime";
import { echoReply } from "./echo";
import { deadlines } from "../util/deadlines";
import { callBackend, withUserInfo, type BackendResult } from "./forward";

const LATE = Symbol("late");

/** user/info gets at most this share of the reply deadline */
const USERINFO_SHARE = 0.4;

export async function dispatch(msg: InboundMessage, route: Route, rt: ServiceRuntime, startedMs: number): Promise<WechatReply> {
  if (!rt.config.msgProxyPass) {
    const echo = echoReply(msg);
    return echo ? toWechat(echo, msg, route, rt) : { kind: "success", reason: "echo mode: nothing to echo" };
  }
  const remaining = Math.max(0, startedMs + rt.config.replyTimeoutMs - rt.deps.now());
  // workerNum bounds the backend calls; the deadline also counts the time spent waiting for a slot
  // without userInfo the backend call is the whole task: no extra async step per message
  const lookup = rt.config.dontAppendUserinfo ? undefined : rt.deps.userInfo;
  const budgetMs = Math.floor(rt.config.replyTimeoutMs * USERINFO_SHARE);
  const work = lookup === undefined
    ? rt.limiter.run(() => callBackend(msg, route, rt))
    : rt.limiter.run(async () => callBackend(await withUserInfo(msg, rt, lookup, budgetMs), route, rt));
  const result = await withinDeadline(work, remaining);
  if (result === LATE) {
    work.then((late) => lateReply(late, msg, route, rt)).catch(() => {});
    return success(rt, route, "timeout", `backend did not answer within ${rt.config.replyTimeoutMs} ms`);
  }
  if (!result.ok) return success(rt, route, result.category, result.reason);
  return toWechat(result.reply, msg, route, rt);
}

/** `work`'s outcome, or LATE when `ms` pass first (one shared timer, not one per request). */
function withinDeadline<T>(work: Promise<T>, ms: number): Promise<T | typeof LATE> {
  return new Promise((resolve, reject) => {
    const deadline = deadlines.add(ms, () => resolve(LATE));
    work.then(
      (value) => {
        deadline.cancel();
        resolve(value);
      },
      (err: unknown) => {
        deadline.cancel();
        reject(err);
      },
    );
  });
}

/** @param category a metric label: timeout, backend-error, bad-reply */
function success(rt: ServiceRuntime, route: Route, category: string, reason: string): WechatReply {
  rt.log.warn({ route: route.path, reason }, "answering WeChat 'success' instead of a reply");
  rt.deps.metrics.fallback(rt.config.name, category);
  return { kind: "success", reason };
}

function toWechat(reply: NormalizedReply, msg: InboundMessage, route: Route, rt: ServiceRuntime): WechatReply {
  if (reply.type === "success") return { kind: "success", reason: reply.why };
  const address = { toUser: String(msg.FromUserName ?? ""), fromUser: String(msg.ToUserName ?? ""), createTime: Math.floor(rt.deps.now() / 1000) };
  const xml = buildReplyXml(reply, address.toUser, address.fromUser, address.createTime);
  // a UTF-16 unit is at most 3 UTF-8 bytes: short replies skip the byte count
  if (xml.length * 3 > MAX_PASSIVE_REPLY_BYTES && Buffer.byteLength(xml) > MAX_PASSIVE_REPLY_BYTES) {
    if (rt.config.asyncReply && rt.deps.asyncReply) {
      sendAsync(reply, msg, rt, "oversized");
      return { kind: "success", reason: "reply over 2048 bytes sent through the customer-service API" };
    }
    rt.log.warn({ route: route.path, bytes: Buffer.byteLength(xml) }, "reply exceeds 2048 bytes: WeChat may drop it (enable async-reply)");
  }
  return { kind: "xml", xml, reply, address };
}

function lateReply(late: BackendResult, msg: InboundMessage, route: Route, rt: ServiceRuntime): void {
  if (!late.ok) return void rt.log.warn({ route: route.path, reason: late.reason }, "late backend answer failed too");
  if (late.reply.type === "success") return;
  if (!rt.config.asyncReply || !rt.deps.asyncReply) {
    return void rt.log.warn({ route: route.path }, "late backend reply discarded (enable async-reply to deliver it)");
  }
  sendAsync(late.reply, msg, rt, "late");
}

function sendAsync(reply: NormalizedReply, msg: InboundMessage, rt: ServiceRuntime, why: string): void {
  const send = rt.deps.asyncReply;
  const toUser = msg.FromUserName;
  if (!send || !toUser) return;
  send(rt.config, toUser, reply).then(
    () => rt.deps.metrics.asyncReply(rt.config.name, "sent"),
    (err: Error) => {
      rt.deps.metrics.asyncReply(rt.config.name, "refused");
      rt.log.warn({ why, err: err.message }, "async reply through message/custom/send failed");
    },
  );
}
