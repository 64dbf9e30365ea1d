/**
 * @module workers/shared-mutex
 * A mutex over two words of a shared Int32Array, for the tables several worker threads use at once
 * (workers/shared-dedup, workers/shared-replay). Word 0 is the futex state (0 free, 1 held, 2 held with
 * threads waiting), word 1 the holder's worker id, so the primary can free the lock of a worker that
 * died holding it. Critical sections are a hash probe and a copy (well under a microsecond), so a
 * contender spins briefly before it sleeps in `Atomics.wait`, which a worker thread may do.
 *
 * A worker thread stops only where its JS throws or calls `process.exit`, never between two
 * statements, and every critical section releases in `finally`: a lock is left held only by a thread
 * that was terminated from outside, which the primary does only at a shutdown that is already over.
 */

const SPINS = 100;

export class SharedMutex {
  /**
   * @param words the shared array; the mutex uses `at` and `at + 1`
   * @param me this thread's id (≥ 1), recorded while it holds the lock
   */
  constructor(
    private readonly words: Int32Array,
    private readonly at: number,
    private readonly me: number,
  ) {}

  lock(): void {
    const { words, at } = this;
    if (Atomics.compareExchange(words, at, 0, 1) !== 0) this.contend();
    Atomics.store(words, at + 1, this.me);
  }

  unlock(): void {
    const { words, at } = this;
    Atomics.store(words, at + 1, 0);
    if (Atomics.sub(words, at, 1) !== 1) {
      Atomics.store(words, at, 0);
      Atomics.notify(words, at, 1);
    }
  }

  /** Runs `fn` holding the lock. */
  with<T>(fn: () => T): T {
    this.lock();
    try {
      return fn();
    } finally {
      this.unlock();
    }
  }

  private contend(): void {
    const { words, at } = this;
    for (let i = 0; i < SPINS; i++) if (Atomics.load(words, at) === 0 && Atomics.compareExchange(words, at, 0, 1) === 0) return;
    // state 2: the holder's unlock must wake a sleeper
    while (Atomics.exchange(words, at, 2) !== 0) Atomics.wait(words, at, 2, 5);
  }
}

/** Frees the lock at `at` if the dead worker `owner` holds it (the primary, after the worker's exit). */
export function releaseIfHeldBy(words: Int32Array, at: number, owner: number): boolean {
  if (Atomics.load(words, at + 1) !== owner) return false;
  Atomics.store(words, at + 1, 0);
  Atomics.store(words, at, 0);
  Atomics.notify(words, at);
  return true;
}
