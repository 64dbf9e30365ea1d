/**
 * @module test/_helpers/fake-timers
 * A TimerClock (util/deadlines) that tests move by hand: `advance(ms)` moves the time and fires every
 * timer that came due, in order. Give it to createGateway (`clock`) and every deadline of the callback
 * path — reply deadline, userInfo budget, backend hard timeout, drain bound — runs on it.
 */
import type { TimerClock } from "../../src/util/deadlines";

export interface FakeTimerClock extends TimerClock {
  advance(ms: number): void;
}

export function fakeTimerClock(start = 0): FakeTimerClock {
  let t = start;
  let ids = 0;
  const timers = new Map<number, { at: number; fire: () => void }>();
  return {
    now: () => t,
    setTimer(fire, ms) {
      timers.set(++ids, { at: t + ms, fire });
      return ids;
    },
    clearTimer(handle) {
      timers.delete(handle as number);
    },
    advance(ms) {
      t += ms;
      // a timer may set another: look again after each one fires
      for (;;) {
        let next: [number, { at: number; fire: () => void }] | undefined;
        for (const entry of timers) if (entry[1].at <= t && (next === undefined || entry[1].at < next[1].at)) next = entry;
        if (next === undefined) return;
        timers.delete(next[0]);
        next[1].fire();
      }
    },
  };
}
