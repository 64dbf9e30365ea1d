/**
 * @module callback/backend-abort
 * The backend's hard timeout without an AbortController per request. Measured under load, a fresh
 * controller + signal for every backend fetch cost 11-17 % of the text path's throughput (README
 * "Performance"); here the fetches started within the same `granularityMs` share one controller,
 * which is aborted when the youngest of them is `timeoutMs` old. Every fetch is therefore aborted
 * between `timeoutMs` and `timeoutMs + granularityMs` after it started — the bound is what matters
 * (a backend that never answers must not hold sockets forever), not its last millisecond. Fetches
 * that finish drop their listener on the signal, so a shared signal retains nothing.
 */

export interface BackendAborts {
  /** The signal for a fetch starting now. */
  signal(): AbortSignal;
}

export function createBackendAborts(timeoutMs: number, granularityMs: number, now: () => number = performance.now.bind(performance)): BackendAborts {
  let current: AbortController | null = null;
  let openedAt = 0;
  return {
    signal() {
      const t = now();
      if (current === null || t - openedAt >= granularityMs) {
        const controller = new AbortController();
        current = controller;
        openedAt = t;
        const timer = setTimeout(
          () => controller.abort(new DOMException("The operation timed out.", "TimeoutError")),
          timeoutMs + granularityMs,
        );
        // the fetches it guards keep the process alive, not this timer
        (timer as { unref?: () => void }).unref?.();
      }
      return current.signal;
    },
  };
}
