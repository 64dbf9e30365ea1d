/**
 * @module callback/limiter
 * FIFO semaphore per service (`workerNum`): at most N backend calls run at once; the rest wait in
 * arrival order. Nothing is dropped, as in the Go original. Jobs are objects with a `run()` method,
 * not closures and promises: on the callback path the job is the message's own flight object, so
 * waiting for a slot allocates nothing.
 *
 * It also counts what the service has accepted and not finished — a message is `admit`ted before its
 * userInfo lookup (which holds no slot), waits, runs, and is done at `release` — so shutdown can wait
 * for every message WeChat was told was received (`drain`).
 */

export interface Job {
  /** Called once, when the job holds a slot; the job calls `release()` once when it is done. */
  run(): void;
}

export interface Limiter {
  /**
   * Counts a job that will `enter` (it may prepare first, holding no slot). False once draining:
   * the caller must refuse the work, since no one will wait for it.
   */
  admit(): boolean;
  /** Runs an admitted `job` now if a slot is free, else when one frees up (in arrival order). */
  enter(job: Job): void;
  /** The job that held a slot is done: the next waiting job runs on its slot. */
  release(): void;
  /** Admits nothing more; resolves once every admitted job has released. */
  drain(): Promise<void>;
  /** admitted and not yet released: preparing, waiting or running */
  readonly outstanding: number;
  /** jobs holding a slot now, and waiting for one */
  readonly active: number;
  readonly waiting: number;
  readonly draining: boolean;
}

/** What a limiter counts besides its slots: admitted and not released, and whether it drains. */
export interface Admissions extends Pick<Limiter, "admit" | "drain" | "outstanding" | "draining"> {
  /** an admitted job released its slot */
  done(): void;
}

/** The admission count of one limiter (workers/shared-limiter keeps it per worker too). */
export function createAdmissions(): Admissions {
  let outstanding = 0;
  let draining = false;
  let idle: (() => void) | null = null;
  let drained: Promise<void> | null = null;
  return {
    admit() {
      if (draining) return false;
      outstanding++;
      return true;
    },
    done() {
      if (outstanding > 0 && --outstanding === 0 && idle !== null) idle();
    },
    drain() {
      draining = true;
      drained ??= outstanding === 0 ? Promise.resolve() : new Promise<void>((resolve) => (idle = resolve));
      return drained;
    },
    get outstanding() {
      return outstanding;
    },
    get draining() {
      return draining;
    },
  };
}

export function createLimiter(max: number): Limiter {
  let active = 0;
  const admissions = createAdmissions();
  // a ring would avoid shift()'s copying, but the queue is empty unless the backend is saturated
  const queue: Job[] = [];
  return {
    admit: () => admissions.admit(),
    enter(job) {
      if (active < max) {
        active++;
        job.run();
      } else {
        queue.push(job);
      }
    },
    release() {
      admissions.done();
      // the slot is handed over, active unchanged
      const next = queue.shift();
      if (next !== undefined) next.run();
      else if (active > 0) active--;
    },
    drain: () => admissions.drain(),
    get outstanding() {
      return admissions.outstanding;
    },
    get active() {
      return active;
    },
    get waiting() {
      return queue.length;
    },
    get draining() {
      return admissions.draining;
    },
  };
}
