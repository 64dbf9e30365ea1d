/**
 * @module callback/dispatch
 * Gets the answer for one message within `reply-timeout-ms`: echo mode, or the backend. Every failure
 * becomes the `success` reply (never WeChat's "该公众号暂时无法提供服务"), logged and counted. A reply
 * that arrives late, or is too large for a passive reply, goes through the customer-service API when
 * `async-reply` is on. Once the service drains (shutdown), a new message is refused with 503 so that
 * WeChat sends it again, to this gateway's successor: what is accepted is delivered to the backend.
 */
import type { InboundMessage, Route } from "../wechat/message";
import { MAX_PASSIVE_REPLY_BYTES, buildReplyXml, type NormalizedReply, type WechatReply } from "../wechat/reply";
import type { ServiceRuntime, UserInfoLookup } from "../service/runtime";
import { echoReply } from "./echo";
import { exceedsUtf8Bytes } from "../util/utf8";
import { Timed } from "../util/deadlines";
import { GatewayError } from "../http/errors";
import type { Job } from "../service/limiter";
import { callBackend, withUserInfo, type BackendResult } from "./forward";
import { USERINFO_SHARE } from "./core";

export function dispatch(msg: InboundMessage, route: Route, rt: ServiceRuntime, startedMs: number): Promise<WechatReply> {
  if (!rt.config.msgProxyPass) {
    const echo = echoReply(msg);
    return Promise.resolve(echo ? toWechat(echo, msg, route, rt) : { kind: "success", reason: "echo mode: nothing to echo" });
  }
  if (!rt.limiter.admit()) return Promise.reject(new GatewayError(503, "shutting down: message refused so that WeChat sends it again"));
  return new Flight(msg, route, rt, startedMs).reply;
}

/**
 * One message on its way to the backend and back. A single object is the limiter's job, the reply
 * deadline's queue entry and the holder of the one promise its callers wait on: under load dozens of
 * messages are in flight, and every object each of them keeps alive is visited by each young-generation
 * GC (docs/performance.md), so a closure or promise per step costs more than the step.
 */
class Flight extends Timed implements Job {
  readonly reply: Promise<WechatReply>;
  private answer!: (reply: WechatReply) => void;
  private fail!: (err: unknown) => void;
  /** the reply promise is settled: by the backend's answer, or by the deadline */
  private answered = false;

  /** Admitted by the limiter (dispatch): from here on it must reach `release`, however it ends. */
  constructor(
    private msg: InboundMessage,
    private readonly route: Route,
    private readonly rt: ServiceRuntime,
    startedMs: number,
  ) {
    super();
    this.reply = new Promise((resolve, reject) => {
      this.answer = resolve;
      this.fail = reject;
    });
    // the deadline also counts the time spent waiting for a slot (workerNum bounds the backend calls)
    rt.core.deadlines.schedule(this, Math.max(0, startedMs + rt.config.replyTimeoutMs - rt.deps.now()));
    // without userInfo the backend call is the whole task: no extra async step per message
    const lookup = rt.config.dontAppendUserinfo ? undefined : rt.deps.userInfo;
    if (lookup === undefined) rt.limiter.enter(this);
    else void this.lookUpThenEnter(lookup, startedMs);
  }

  /** userInfo before taking a slot: workerNum bounds backend calls, a slow user/info must not hold them */
  private async lookUpThenEnter(lookup: UserInfoLookup, startedMs: number): Promise<void> {
    const { rt } = this;
    const shareMs = Math.floor(rt.config.replyTimeoutMs * USERINFO_SHARE);
    try {
      this.msg = await withUserInfo(this.msg, rt, lookup, Math.max(0, startedMs + shareMs - rt.deps.now()), shareMs);
    } catch (err) {
      this.msg = { ...this.msg, userInfo: null, userInfoError: (err as Error).message };
    }
    rt.limiter.enter(this);
  }

  /** Holds a limiter slot: calls the backend, gives the slot back, answers unless the deadline did. */
  run(): void {
    void this.forward();
  }

  private async forward(): Promise<void> {
    let result: BackendResult | Error;
    try {
      result = await callBackend(this.msg, this.route, this.rt);
    } catch (err) {
      result = err instanceof Error ? err : new Error(String(err));
    }
    this.settle(result);
  }

  private settle(result: BackendResult | Error): void {
    this.rt.limiter.release();
    const late = this.answered;
    this.answered = true;
    this.rt.core.deadlines.cancel(this);
    try {
      if (result instanceof Error) throw result;
      if (late) return lateReply(result, this.msg, this.route, this.rt);
      this.answer(result.ok ? toWechat(result.reply, this.msg, this.route, this.rt) : success(this.rt, this.route, result.category, result.reason));
    } catch (err) {
      // a failure after the deadline answered has no one left to tell
      if (!late) this.fail(err);
    }
  }

  /** The reply deadline passed first: WeChat gets `success` now, a late answer goes to lateReply. */
  expire(): void {
    if (this.answered) return;
    this.answered = true;
    // runs on the deadline queue's timer, where a throw would have no request to land in
    try {
      this.answer(success(this.rt, this.route, "timeout", `backend did not answer within ${this.rt.config.replyTimeoutMs} ms`));
    } catch (err) {
      this.fail(err);
    }
  }
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
  if (exceedsUtf8Bytes(xml, MAX_PASSIVE_REPLY_BYTES)) {
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
  // counted, so that shutdown waits for it (callback/drain)
  const sends = rt.core.asyncSends;
  sends.add();
  send(rt.config, toUser, reply).then(
    () => {
      sends.done();
      rt.deps.metrics.asyncReply(rt.config.name, "sent");
    },
    (err: Error) => {
      sends.done();
      rt.deps.metrics.asyncReply(rt.config.name, "refused");
      rt.log.warn({ why, err: err.message }, "async reply through message/custom/send failed");
    },
  );
}
