/**
 * @module test/_helpers/fake-timers
 * A Clock (util/clock) that tests move by hand: `advance(ms)` moves the time and fires every timer
 * and sleep that came due, in order. Give it to createGateway (`clock`) and everything that waits for
 * time runs on it: reply deadlines, userInfo budgets, the backend's hard timeout, the drain bound,
 * cache and replay windows, token expiry and the token manager's backoff, process metrics' start.
 * The monotonic and the wall time are the same number here (a fake wall clock never jumps); it
 * starts at the real time, so signed callbacks made with Date.now pass the replay window.
 */
import type { Clock } from "../../src/util/clock";

export interface FakeTimerClock extends Clock {
  /** Moves the time `ms` forward and fires what came due, earliest first (a timer set by one that fires counts too). */
  advance(ms: number): void;
  /** `advance(ms)`, then one turn of the event loop, so the code that the fired timers and sleeps resumed has run its promise callbacks */
  tick(ms?: number): Promise<void>;
  /** timers and sleeps not yet fired or cleared */
  readonly pending: number;
}

interface FakeTimer {
  readonly at: number;
  readonly fire: () => void;
}

export function fakeTimerClock(start = Date.now()): FakeTimerClock {
  let t = start;
  let ids = 0;
  const timers = new Map<number, FakeTimer>();
  const setTimer = (fire: () => void, ms: number): number => {
    timers.set(++ids, { at: t + Math.max(0, ms), fire });
    return ids;
  };
  const clock: FakeTimerClock = {
    now: () => t,
    unixMs: () => t,
    setTimer,
    clearTimer(handle) {
      timers.delete(handle as number);
    },
    sleep: (ms) => new Promise<void>((resolve) => void setTimer(resolve, ms)),
    get pending() {
      return timers.size;
    },
    advance(ms) {
      const until = t + ms;
      for (;;) {
        let next: [number, FakeTimer] | undefined;
        for (const entry of timers) if (entry[1].at <= until && (next === undefined || entry[1].at < next[1].at)) next = entry;
        if (next === undefined) break;
        timers.delete(next[0]);
        // a timer sees the time it was due at, as a real one roughly does
        t = Math.max(t, next[1].at);
        next[1].fire();
      }
      t = until;
    },
    async tick(ms = 0) {
      clock.advance(ms);
      await new Promise<void>((resolve) => setImmediate(resolve));
    },
  };
  return clock;
}
