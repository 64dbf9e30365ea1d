/**
 * @module util/deadlines
 * Many deadlines on one timer. Every forwarded callback has a reply deadline (and a userInfo budget
 * when userInfo is on), the backend's hard timeout rides here too (one entry per shared abort
 * controller, callback/backend-abort), and almost all of them are cancelled within milliseconds; a
 * `setTimeout` (or `AbortSignal.timeout`) per request is a timer object and a closure per request for the GC
 * (docs/performance.md, "Why the hot path looks as it does"). Deadlines are kept in
 * a list ordered by expiry — requests arrive in deadline order, so inserting walks back one step at
 * most in practice — and a single timer is armed for the earliest one. Cancelling unlinks the
 * entry, so nothing outlives its request. Each gateway has its own queue on its own clock
 * (callback/core), so tests drive every deadline of the callback path with a fake clock (util/clock).
 */
import { systemClock, type TimerClock } from "./clock";

// callback/core still imports these from here
export { systemClock, type TimerClock };

/**
 * An entry of a DeadlineQueue: a subclass says what expiring does. The object that owns a deadline can
 * be its own entry (callback/flight does this), so scheduling allocates nothing.
 */
export abstract class Timed {
  /** @internal expiry, on the queue's clock */
  at = 0;
  /** @internal list links; `queued` is false once it fired or was cancelled */
  prev: Timed | null = null;
  next: Timed | null = null;
  queued = false;

  /** Called once, when the deadline passes before it is cancelled. */
  abstract expire(): void;
}

/** A scheduled callback; `cancel()` is idempotent and a no-op after it fired. */
export interface Deadline {
  cancel(): void;
}

class CallbackEntry extends Timed implements Deadline {
  constructor(
    private readonly queue: DeadlineQueue,
    private readonly fire: () => void,
  ) {
    super();
  }

  expire(): void {
    this.fire();
  }

  cancel(): void {
    this.queue.cancel(this);
  }
}

export class DeadlineQueue {
  private head: Timed | null = null;
  private tail: Timed | null = null;
  private timer: unknown;
  private armedAt = Infinity;
  private readonly clock: TimerClock;
  readonly now: () => number;

  /** @param clock the clock and timer (a bare function: a fake clock for judging expiry, on real timers) */
  constructor(clock: TimerClock | (() => number) = systemClock) {
    this.clock = typeof clock === "function" ? { ...systemClock, now: clock } : clock;
    this.now = this.clock.now;
  }

  /** Calls `fire` once, `ms` from now, unless cancelled first. */
  add(ms: number, fire: () => void): Deadline {
    const entry = new CallbackEntry(this, fire);
    this.schedule(entry, ms);
    return entry;
  }

  /** Calls `entry.expire()` once, `ms` from now, unless cancelled first. An entry is in one queue at a time. */
  schedule(entry: Timed, ms: number): void {
    if (entry.queued) this.cancel(entry);
    entry.at = this.now() + Math.max(0, ms);
    entry.queued = true;
    let after = this.tail;
    while (after !== null && after.at > entry.at) after = after.prev;
    entry.prev = after;
    entry.next = after === null ? this.head : after.next;
    if (entry.next !== null) entry.next.prev = entry;
    else this.tail = entry;
    if (after !== null) after.next = entry;
    else this.head = entry;
    if (entry.at < this.armedAt) this.arm(entry.at);
  }

  /** Unlinks an entry; a no-op when it already fired or was cancelled. */
  cancel(entry: Timed): void {
    if (!entry.queued) return;
    entry.queued = false;
    if (entry.prev !== null) entry.prev.next = entry.next;
    else this.head = entry.next;
    if (entry.next !== null) entry.next.prev = entry.prev;
    else this.tail = entry.prev;
    entry.prev = entry.next = null;
    // the armed timer stays: when it fires early it re-arms for the new head (one wake-up at most)
  }

  /** Deadlines not yet fired or cancelled. */
  get size(): number {
    let n = 0;
    for (let e = this.head; e !== null; e = e.next) n++;
    return n;
  }

  private arm(at: number): void {
    if (this.timer !== undefined) this.clock.clearTimer(this.timer);
    this.armedAt = at;
    this.timer = this.clock.setTimer(() => this.expireDue(), Math.max(0, at - this.now()));
  }

  private expireDue(): void {
    this.timer = undefined;
    this.armedAt = Infinity;
    const now = this.now();
    try {
      while (this.head !== null && this.head.at <= now) {
        const entry = this.head;
        this.cancel(entry);
        entry.expire();
      }
    } finally {
      if (this.head !== null) this.arm(this.head.at);
    }
  }
}
