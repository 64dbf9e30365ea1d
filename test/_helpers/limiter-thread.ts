/**
 * @module test/_helpers/limiter-thread
 * A worker thread for the shared limiter's tests: it enters `jobs` jobs as worker `worker` on the
 * shared memory it is sent (none of them ever releases), reports how many run, and stays until the
 * test terminates it, as a worker that dies holding slots and waiting for more.
 */
import { createSharedLimiter } from "../../src/workers/shared-limiter";

declare const self: Worker;

self.onmessage = (e: MessageEvent<{ memory: SharedArrayBuffer; worker: number; max: number; jobs: number }>) => {
  const { memory, worker, max, jobs } = e.data;
  const limiter = createSharedLimiter(memory, worker, max);
  let running = 0;
  for (let i = 0; i < jobs; i++) limiter.enter({ run: () => void running++ });
  postMessage({ running });
};
