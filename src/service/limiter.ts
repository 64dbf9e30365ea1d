/**
 * @module service/limiter
 * FIFO semaphore per service (`workerNum`): at most N callbacks are processed at once; the rest wait
 * in arrival order. Nothing is dropped, as in the Go original. Jobs are objects with a `run()` method,
 * not closures and promises: on the callback path the job is the message's own flight object, so
 * waiting for a slot allocates nothing.
 */

export interface Job {
  /** Called once, when the job holds a slot; the job calls `release()` once when it is done. */
  run(): void;
}

export interface Limiter {
  /** Runs `job` now if a slot is free, else when one frees up (in arrival order). */
  enter(job: Job): void;
  /** Gives back a slot taken by `enter`: the next waiting job runs on it. */
  release(): void;
  /** callbacks running now, and waiting */
  readonly active: number;
  readonly waiting: number;
}

export function createLimiter(max: number): Limiter {
  let active = 0;
  // a ring would avoid shift()'s copying, but the queue is empty unless the backend is saturated
  const queue: Job[] = [];
  return {
    enter(job) {
      if (active < max) {
        active++;
        job.run();
      } else {
        queue.push(job);
      }
    },
    release() {
      // the slot is handed over, active unchanged
      const next = queue.shift();
      if (next !== undefined) next.run();
      else if (active > 0) active--;
    },
    get active() { return active; },
    get waiting() { return queue.length; },
  };
}
