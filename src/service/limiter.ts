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
    async run<T>(task: () => Promise<T>): Promise<T> {
      if (active < max) active++;
      else await new Promise<void>((resolve) => queue.push(resolve)); // the slot is handed over, active unchanged
      try {
        return await task();
      } finally {
        release();
      }
    },
    get active() { return active; },
    get waiting() { return queue.length; },
  };
}
