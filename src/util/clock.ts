/**
 * @module util/clock
 * The gateway's one source of time. `createGateway` makes one Clock (the system's, or a test's fake)
 * and hands it to everything that reads the time or waits: the callback path's deadline queue (reply
 * deadlines, userInfo budgets, the backend's hard timeout), token expiry and the token manager's wait
 * for another instance, the memory caches' and replay guards' windows, the delayed registration of
 * process metrics. Nothing else calls Date.now, performance.now, setTimeout or Bun.sleep for those,
 * so a test moves all of them with `advance(ms)` instead of sleeping (test/_helpers/fake-timers).
 */

/** A monotonic clock in ms and one-shot timers on it: what a scheduler (util/deadlines) needs. */
export interface TimerClock {
  /** monotonic milliseconds (not the wall time: only differences mean anything) */
  now(): number;
  /** Calls `fire` once, `ms` from now; the timer must not keep the process alive by itself. */
  setTimer(fire: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
}

/** The whole clock: the scheduler's monotonic time and timers, the wall time, and waiting. */
export interface Clock extends TimerClock {
  /** wall time in unix milliseconds: token and cache expiry, replay windows, timestamps */
  unixMs(): number;
  /** Resolves `ms` from now. Unlike a timer, a pending sleep keeps the process alive: someone awaits it. */
  sleep(ms: number): Promise<void>;
}

/**
 * The real clock: performance.now for deadlines (the wall clock may jump), Date.now for what is
 * compared with other machines' time, and unref'd timers: a pending deadline alone must not keep the
 * process alive; the request it guards does.
 */
export const systemClock: Clock = {
  now: performance.now.bind(performance),
  unixMs: Date.now,
  setTimer(fire, ms) {
    const timer = setTimeout(fire, ms);
    (timer as { unref?: () => void }).unref?.();
    return timer;
  },
  clearTimer: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  sleep: (ms) => Bun.sleep(ms),
};

/**
 * AbortSignal.timeout on an injected clock: a signal that aborts with a TimeoutError `ms` from now.
 * Call `clear()` once the operation is over, so that its timer does not outlive it.
 */
export function timeoutSignal(clock: TimerClock, ms: number): { readonly signal: AbortSignal; clear(): void } {
  const controller = new AbortController();
  const timer = clock.setTimer(() => controller.abort(new DOMException("The operation timed out.", "TimeoutError")), ms);
  return { signal: controller.signal, clear: () => clock.clearTimer(timer) };
}
