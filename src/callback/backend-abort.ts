/**
 * @module callback/backend-abort
 * The backend's hard timeout without an AbortController per request. Measured under load, a fresh
 * controller + signal for every backend fetch was a large share of the text path's cost; so fetches
 * started within the same `granularityMs` share one controller, aborted when the youngest of them is
 * `timeoutMs` old. Every fetch is therefore aborted between `timeoutMs` and `timeoutMs + granularityMs`
 * after it started — the bound is what matters (a backend that never answers must not hold sockets
 * forever), not its last millisecond.
 *
 * A controller is let go as soon as its last fetch is done, not when its timeout passes: a signal
 * keeps what every fetch registered on it, and ~30 seconds' worth of retained signals were the biggest
 * single cost found (bench/ab.sh, docs/performance.md). So normally one controller is alive, plus one per second
 * that still has a hung fetch; their expiries ride on the shared deadline queue, not a timer each.
 */
import { systemClock } from "../util/clock";
import { type DeadlineQueue, Timed } from "../util/deadlines";

/** One shared controller; a fetch holds it from `acquire` to `release`. */
export class AbortLease extends Timed {
  private readonly controller = new AbortController();
  /** fetches holding it */
  holders = 0;

  constructor(readonly openedAt: number) {
    super();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** its timeout passed: abort the fetches still holding it */
  expire(): void {
    this.controller.abort(new DOMException("The operation timed out.", "TimeoutError"));
  }
}

export interface BackendAborts {
  /** The lease for a fetch starting now; pass its `signal` to fetch. */
  acquire(): AbortLease;
  /** The fetch (body included) is over, however it ended. */
  release(lease: AbortLease): void;
}

export interface BackendAbortOptions {
  readonly timeoutMs: number;
  readonly granularityMs: number;
  /** where the expiries are scheduled */
  readonly queue: DeadlineQueue;
  /** a monotonic clock in ms, the queue's (tests pass a fake one) */
  readonly now?: () => number;
}

export function createBackendAborts(opts: BackendAbortOptions): BackendAborts {
  const now = opts.now ?? systemClock.now;
  let current: AbortLease | null = null;
  return {
    acquire() {
      const t = now();
      if (current === null || t - current.openedAt >= opts.granularityMs) {
        const previous = current;
        current = new AbortLease(t);
        opts.queue.schedule(current, opts.timeoutMs + opts.granularityMs);
        if (previous !== null && previous.holders === 0) opts.queue.cancel(previous);
      }
      current.holders++;
      return current;
    },
    release(lease) {
      if (--lease.holders === 0 && lease !== current) opts.queue.cancel(lease);
    },
  };
}
