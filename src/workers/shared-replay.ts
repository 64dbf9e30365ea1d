/**
 * @module workers/shared-replay
 * callback/'s memory replay guard across the worker threads of one process: the same nonce table
 * (callback/nonce-table: 16-byte records, open addressing, rebuilt in place) in a growable
 * SharedArrayBuffer, with its size, count and last full rebuild in a shared header, used under a
 * mutex (workers/shared-mutex). A nonce seen by any worker is seen by all, so a captured query
 * replayed on another connection (another worker) is still refused with 401. The hash seed and the
 * epoch the table counts seconds from are the primary's, the same in every worker.
 */

import { DEFAULT_MAX_SLOTS, MIN_SLOTS, NonceTable, type NonceVerdict, RECORD } from "../callback/nonce-table";
import { createMemoryReplayGuard, type ReplayGuard } from "../callback/replay";
import { SharedMutex } from "./shared-mutex";

/** header words: mutex (2), slots in use, used records; Float64 at byte 16: the last full rebuild */
const [SIZE, USED] = [2, 3];
const HEADER_BYTES = 24;

export interface SharedReplayMemory {
  readonly header: SharedArrayBuffer;
  readonly records: SharedArrayBuffer;
  readonly seed: number;
  /** unix ms */
  readonly epoch: number;
  readonly maxSlots: number;
}

export function allocateReplayMemory(epoch: number, maxSlots = DEFAULT_MAX_SLOTS): SharedReplayMemory {
  const header = new SharedArrayBuffer(HEADER_BYTES);
  new Int32Array(header)[SIZE] = MIN_SLOTS;
  new Float64Array(header)[2] = Number.NaN;
  const records = new SharedArrayBuffer(MIN_SLOTS * RECORD * 4, { maxByteLength: maxSlots * RECORD * 4 });
  return { header, records, seed: crypto.getRandomValues(new Uint32Array(1))[0]!, epoch, maxSlots };
}

/** The nonce table over shared memory; `check` must run under the mutex, with `load` before and `save` after. */
class SharedNonceTable extends NonceTable {
  private readonly words: Int32Array;
  private readonly times: Float64Array;

  constructor(private readonly mem: SharedReplayMemory) {
    super(mem.maxSlots);
    this.words = new Int32Array(mem.header);
    this.times = new Float64Array(mem.header);
  }

  load(): void {
    const ints = this.words[SIZE]! * RECORD;
    if (this.slots.buffer !== this.mem.records || this.slots.length !== ints) this.slots = new Int32Array(this.mem.records, 0, ints);
    this.used = this.words[USED]!;
    this.lastFullRebuild = this.times[2]!;
  }

  save(): void {
    this.words[SIZE] = this.slots.length / RECORD;
    this.words[USED] = this.used;
    this.times[2] = this.lastFullRebuild;
  }

  /** a private copy: the rehashed table is written over the same shared memory */
  protected override detach(): Int32Array<ArrayBufferLike> {
    return this.slots.slice();
  }

  protected override allocate(ints: number): Int32Array<ArrayBufferLike> {
    const records = this.mem.records;
    if (records.byteLength < ints * 4) records.grow(ints * 4);
    return new Int32Array(records, 0, ints).fill(0);
  }
}

/** A replay guard over `mem` for worker `worker` (≥ 1); `now` is unix ms. */
export function createSharedReplayGuard(mem: SharedReplayMemory, worker: number, windowS: number, now: () => number): ReplayGuard {
  const table = new SharedNonceTable(mem);
  const mutex = new SharedMutex(new Int32Array(mem.header), 0, worker);
  const check = (hi: number, lo: number, fingerprint: number, t: number, expiry: number): NonceVerdict => {
    mutex.lock();
    try {
      table.load();
      const verdict = table.check(hi, lo, fingerprint, t, expiry);
      table.save();
      return verdict;
    } finally {
      mutex.unlock();
    }
  };
  return createMemoryReplayGuard(windowS, now, { table: { check }, seed: mem.seed, epoch: mem.epoch, maxSlots: mem.maxSlots });
}

/** The mutex word offset in the header, for the primary's cleanup after a worker's death. */
export const REPLAY_MUTEX_AT = 0;
