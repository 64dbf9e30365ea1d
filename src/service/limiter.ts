/**
 * @module service/limiter
 * FIFO semaphore per service (`workerNum`): at most N callbacks are processed at once; the rest wait
 * in arrival order. Nothing is dropped, as in the Go original.
 */

export interface Limiter {
  run<T>(task: () => Promise<T>): Promise<T>;
  /** callbacks running now, and waiting */
  readonly active: number;
  readonly waiting: number;
}

export function createLimiter(max: number): Limiter {
  let active = 0;
  const queue: Array<() => void> = [];
  const release = () => {
    const next = queue.shift();
    if (next) next();
    else active--;
  };
  return {
    run<T>(task: () => Promise<T>): Promise<T> {
      if (active < max) {
        active++;
        return runHolding(task, release);
      }
      // the slot is handed over by release(), active unchanged
      return new Promise<void>((resolve) => queue.push(resolve)).then(() => runHolding(task, release));
    },
    get active() { return active; },
    get waiting() { return queue.length; },
  };
}

/** Runs `task` on a slot already taken and gives the slot back however it ends (a throw included). */
function runHolding<T>(task: () => Promise<T>, release: () => void): Promise<T> {
  let result: Promise<T>;
  try {
    result = task();
  } catch (err) {
    release();
    return Promise.reject(err);
  }
  return result.then(
    (value) => {
      release();
      return value;
    },
    (err: unknown) => {
      release();
      throw err;
    },
  );
}
