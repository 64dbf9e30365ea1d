/**
 * @module callback/flight
 * Runs the deadline-bounded part of the callback (the spine's TO_BACKEND plan) for one message: its
 * steps in order, each calling `proceed()` when it is done, under the reply deadline (reply-timeout-ms,
 * counted from the request's arrival). Whatever answers first — the steps or the deadline — settles the
 * one promise the caller waits on; the steps still run to the end after the deadline (a late reply).
 *
 * One object per message is at once the steps' shared state, the limiter's job (callback/limiter) and
 * the deadline queue's entry (util/deadlines): under load dozens of messages are in flight, and every
 * object each keeps alive is visited by each young-generation GC (docs/performance.md), so a closure
 * or promise per step would cost more than the step. Steps see only the `Flight` interface.
 */
import { Timed } from "../util/deadlines";
import type { InboundMessage, Route } from "../wechat/message";
import type { NormalizedReply, WechatReply } from "../wechat/reply";
import type { Job } from "./limiter";
import type { ServiceRuntime } from "./runtime";

/** What the backend step got: the backend's reply, or why there is none. */
export type BackendResult =
  | { readonly ok: true; readonly reply: NormalizedReply }
  | { readonly ok: false; readonly category: "backend-error" | "bad-reply"; readonly reason: string };

/** One message within its reply deadline, as its steps see it. As a limiter Job, `run()` is `proceed()`. */
export interface Flight extends Job {
  readonly route: Route;
  readonly rt: ServiceRuntime;
  /** the request's arrival, on `rt.deps.now` */
  readonly startedMs: number;
  /** the message as forwarded (the userInfo step adds to it) */
  msg: InboundMessage;
  /** the backend step's outcome, or what it failed with */
  result: BackendResult | Error | undefined;
  /** the caller was answered already (by the deadline): what follows is a late reply */
  readonly late: boolean;
  /** the current step is done: the next one starts */
  proceed(): void;
  /** answers the caller, unless it was answered already */
  answer(reply: WechatReply): void;
  /** fails the caller's request (a 5xx), unless it was answered already */
  fail(err: unknown): void;
}

/** A step: starts its work and calls `flight.proceed()` when done (at once or later). */
export type FlightStep = (flight: Flight) => void;

export interface FlightPlan {
  readonly steps: readonly FlightStep[];
  /** what answers the caller when the deadline passes first */
  readonly onDeadline: FlightStep;
}

/** Runs `plan` for one message; resolves with its answer, by the steps or at the deadline. */
export function fly(msg: InboundMessage, route: Route, rt: ServiceRuntime, startedMs: number, plan: FlightPlan): Promise<WechatReply> {
  const flight = new MessageFlight(msg, route, rt, startedMs, plan, false);
  flight.proceed();
  return flight.reply;
}

/**
 * A flight of `plan` for a message WeChat was answered for already — by a worker that ended before
 * its backend call was over (workers/) — as one past its deadline: none scheduled, every answer late.
 * Not started: the caller journals it (callback/ack-journal), then calls `proceed()`.
 */
export function lateFlight(msg: InboundMessage, route: Route, rt: ServiceRuntime, plan: FlightPlan): Flight {
  return new MessageFlight(msg, route, rt, rt.deps.now(), plan, true);
}

const ANSWERED_ALREADY: Promise<WechatReply> = new Promise(() => {});

class MessageFlight extends Timed implements Flight {
  readonly reply: Promise<WechatReply>;
  result: BackendResult | Error | undefined = undefined;
  private resolve!: (reply: WechatReply) => void;
  private reject!: (err: unknown) => void;
  private stage = 0;
  private answered = false;

  constructor(
    public msg: InboundMessage,
    readonly route: Route,
    readonly rt: ServiceRuntime,
    readonly startedMs: number,
    private readonly plan: FlightPlan,
    late: boolean,
  ) {
    super();
    if (late) {
      this.answered = true;
      this.reply = ANSWERED_ALREADY;
      return;
    }
    this.reply = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    rt.core.deadlines.schedule(this, Math.max(0, startedMs + rt.config.replyTimeoutMs - rt.deps.now()));
  }

  get late(): boolean {
    return this.answered;
  }

  proceed(): void {
    const step = this.plan.steps[this.stage++];
    if (step === undefined) return;
    try {
      step(this);
    } catch (err) {
      this.fail(err);
    }
  }

  run(): void {
    this.proceed();
  }

  answer(reply: WechatReply): void {
    if (this.settle()) this.resolve(reply);
  }

  fail(err: unknown): void {
    if (this.settle()) this.reject(err);
    // WeChat was answered already, so nothing will send this message again: say that it failed
    else
      this.rt.log.error(
        { route: this.route.path, err: err instanceof Error ? `${err.name}: ${err.message}` : String(err) },
        "a message answered already failed before its backend call was over",
      );
  }

  /** The deadline passed first. Runs on the deadline queue's timer, where a throw would have no request to land in. */
  expire(): void {
    if (this.answered) return;
    try {
      this.plan.onDeadline(this);
    } catch (err) {
      this.fail(err);
    }
  }

  /** true for the first answer or failure; the deadline is cancelled then */
  private settle(): boolean {
    if (this.answered) return false;
    this.answered = true;
    this.rt.core.deadlines.cancel(this);
    return true;
  }
}
