/**
 * @module workers/shared-limiter
 * callback/'s Limiter with `workerNum` bounding a service's backend calls for the whole process, not
 * per worker thread. A ticket semaphore in shared memory, in arrival order across workers:
 * - `enter` takes the next ticket (`Atomics.add` on `issued`); ticket t may run once
 *   t − released < workerNum, i.e. when at most workerNum − 1 tickets before it are still running;
 * - `release` adds one to `released` and wakes the workers that sleep on it (`Atomics.waitAsync`),
 *   each of which runs the tickets of its local queue (its own, in order) that may now run.
 * Counters are 32-bit and wrap; they are only compared by difference.
 *
 * Each worker records in its own words how many of its tickets hold a slot and how many wait, so when
 * a worker dies the primary releases both (`releaseWorker`): a waiting ticket of a dead worker then
 * takes no slot when its turn comes, and its held slots are free again.
 * What a worker admitted and has not finished (`outstanding`, what shutdown waits for) stays local.
 */
import { createAdmissions, type Job, type Limiter } from "../callback/limiter";

const [ISSUED, RELEASED, SLEEPERS] = [0, 1, 2];
/** per worker w: held slots at 4 + 2w, waiting tickets at 5 + 2w */
const held = (w: number) => 4 + 2 * w;
const waits = (w: number) => 5 + 2 * w;

/** Shared words for one service's limiter, for workers 1..maxWorkers. */
export function allocateLimiterMemory(maxWorkers: number): SharedArrayBuffer {
  return new SharedArrayBuffer((6 + 2 * maxWorkers) * 4);
}

/** The primary, after worker `w` died: frees what it held and the turns it was waiting for. */
export function releaseWorker(memory: SharedArrayBuffer, w: number): number {
  const words = new Int32Array(memory);
  const n = Atomics.exchange(words, held(w), 0) + Atomics.exchange(words, waits(w), 0);
  if (n > 0) {
    Atomics.add(words, RELEASED, n);
    Atomics.notify(words, RELEASED);
  }
  return n;
}

export function createSharedLimiter(memory: SharedArrayBuffer, worker: number, max: number): Limiter {
  const words = new Int32Array(memory);
  const admissions = createAdmissions();
  const queue: Job[] = [];
  const tickets: number[] = [];
  let sleeping = false;

  const mayRun = (ticket: number) => ((ticket - Atomics.load(words, RELEASED)) | 0) < max;
  const start = (job: Job) => {
    Atomics.add(words, held(worker), 1);
    job.run();
  };

  /** Runs every queued ticket whose turn has come. */
  function runReady(): void {
    while (queue.length > 0 && mayRun(tickets[0]!)) {
      tickets.shift();
      Atomics.sub(words, waits(worker), 1);
      start(queue.shift()!);
    }
  }

  /** Runs the ready tickets, then sleeps on `released` while any is left. */
  function wake(): void {
    sleeping = false;
    runReady();
    if (queue.length === 0) return;
    const seen = Atomics.load(words, RELEASED);
    // a release between the check above and this load changed the word: look again at once
    if (mayRun(tickets[0]!)) return void queueMicrotask(wake);
    sleeping = true;
    Atomics.add(words, SLEEPERS, 1);
    const wait = Atomics.waitAsync(words, RELEASED, seen);
    const woke = wait.async ? wait.value : Promise.resolve(wait.value);
    void woke.then(() => {
      Atomics.sub(words, SLEEPERS, 1);
      wake();
    });
  }

  return {
    admit: () => admissions.admit(),
    enter(job) {
      const ticket = Atomics.add(words, ISSUED, 1);
      if (queue.length === 0 && mayRun(ticket)) return start(job);
      Atomics.add(words, waits(worker), 1);
      queue.push(job);
      tickets.push(ticket);
      if (!sleeping) wake();
    },
    release() {
      admissions.done();
      Atomics.sub(words, held(worker), 1);
      Atomics.add(words, RELEASED, 1);
      if (Atomics.load(words, SLEEPERS) > 0) Atomics.notify(words, RELEASED);
      // this worker's own queue need not wait for the notification to come back round
      if (queue.length > 0) runReady();
    },
    drain: () => admissions.drain(),
    get outstanding() {
      return admissions.outstanding;
    },
    get active() {
      return Atomics.load(words, held(worker));
    },
    get waiting() {
      return queue.length;
    },
    get draining() {
      return admissions.draining;
    },
  };
}
