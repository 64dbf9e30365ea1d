/**
 * @module callback/drain
 * Shutdown without losing what WeChat was told was received. A message answered `success` at its
 * reply deadline is never sent again by WeChat, yet it may still be waiting for a `workerNum` slot,
 * for its userInfo lookup or for the backend's answer. Draining refuses new messages (503: WeChat
 * sends them again, to another instance or after the restart) and waits until every accepted message
 * has had its backend call, and every late reply its customer-service send.
 *
 * The wait is bounded, and the bound is computed, not guessed: every backend call ends within the
 * hard timeout (plus the abort granularity), a service runs `workerNum` of them at a time in arrival
 * order, so its `n` accepted messages are done within their userInfo share plus ⌈n / workerNum⌉ hard
 * timeouts; a late reply's send takes one WeChat API call and perhaps a token fetch.
 */
import type { Logger } from "../obs/log";
import { BACKEND_ABORT_GRANULARITY_MS, BACKEND_HARD_TIMEOUT_MS, type CallbackCore, USERINFO_SHARE } from "./core";
import type { ServiceRuntime } from "./runtime";

/** A customer-service send: a token fetch and the send, each within the WeChat client's 10 s timeout. */
export const ASYNC_REPLY_DRAIN_MS = 20_000;

export interface DrainReport {
  /** every accepted message reached the backend and finished, and every async reply was sent */
  readonly complete: boolean;
  /** accepted messages not finished when the wait ended */
  readonly left: number;
  readonly asyncSendsLeft: number;
  /** the longest the wait could take */
  readonly boundMs: number;
  readonly waitedMs: number;
}

/** The longest `outstanding` accepted messages of one service can take to be done. */
export function backlogBoundMs(outstanding: number, workerNum: number, replyTimeoutMs: number): number {
  if (outstanding === 0) return 0;
  const perCall = BACKEND_HARD_TIMEOUT_MS + BACKEND_ABORT_GRANULARITY_MS;
  return Math.floor(replyTimeoutMs * USERINFO_SHARE) + Math.ceil(outstanding / Math.max(1, workerNum)) * perCall;
}

/** Stops admitting messages on every service and waits (bounded) until what was accepted is done. */
export async function drainCallbacks(runtimes: readonly ServiceRuntime[], log: Logger): Promise<DrainReport> {
  const cores = [...new Set(runtimes.map((rt) => rt.core))];
  const timer = cores[0];
  if (timer === undefined) return { complete: true, left: 0, asyncSendsLeft: 0, boundMs: 0, waitedMs: 0 };
  const started = timer.clock.now();
  let boundMs = 0;
  const backlogs = runtimes.map((rt) => {
    const { outstanding, active, waiting } = rt.limiter;
    if (outstanding > 0) {
      const bound = backlogBoundMs(outstanding, rt.config.workerNum, rt.config.replyTimeoutMs);
      boundMs = Math.max(boundMs, bound);
      const what = { accepted: outstanding, atBackend: active, waitingForSlot: waiting, lookingUpUserInfo: outstanding - active - waiting, boundMs: bound };
      rt.log.info(what, "draining: waiting until every accepted message has reached the backend");
    }
    return rt.limiter.drain();
  });
  const sends = (core: CallbackCore) => core.asyncSends.count;
  if (runtimes.some((rt) => rt.config.asyncReply && rt.deps.asyncReply) || cores.some((c) => sends(c) > 0)) boundMs += ASYNC_REPLY_DRAIN_MS;
  // a late reply's send starts when its backend call ends, so the sends are waited for after the calls
  const done = Promise.all(backlogs).then(() => Promise.all(cores.map((c) => c.asyncSends.whenIdle())));
  const deadline = new Promise<void>((resolve) => {
    const entry = timer.deadlines.add(boundMs, resolve);
    void done.then(() => entry.cancel());
  });
  await Promise.race([done, deadline]);
  const left = runtimes.reduce((n, rt) => n + rt.limiter.outstanding, 0);
  const asyncSendsLeft = cores.reduce((n, c) => n + sends(c), 0);
  const report = { complete: left === 0 && asyncSendsLeft === 0, left, asyncSendsLeft, boundMs, waitedMs: Math.round(timer.clock.now() - started) };
  if (report.complete) {
    if (boundMs > 0) log.info(report, "drained: every accepted message reached the backend");
  } else {
    for (const rt of runtimes) {
      const { outstanding, active, waiting } = rt.limiter;
      if (outstanding > 0)
        rt.log.error({ left: outstanding, atBackend: active, waitingForSlot: waiting }, "drain bound passed: accepted messages not delivered");
    }
    log.error(report, "stopping with accepted work unfinished");
  }
  return report;
}
