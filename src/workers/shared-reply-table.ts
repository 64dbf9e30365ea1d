/**
 * @module workers/shared-reply-table
 * The dedup table of one service shared by every worker thread (workers/shared-dedup): per message
 * key either "in flight at worker w" or "answered" with its stored reply (callback/dedup/reply-codec's
 * text). It is the memory dedup's byte table (callback/dedup/reply-table) in SharedArrayBuffers:
 * - an index of records [key hash ×4, state, value] (workers/shared-index): a claim's value is the
 *   claiming worker's claim number, an answer's the address of its reply in the log;
 * - a log of UTF-8 replies, each `[u32 length][bytes]`, in a growable buffer;
 * - two generations of both, as in the memory dedup: an entry lives one to two windows and a
 *   generation is cleared whole when it is two windows old (claims in it move to the new one).
 * All of it is read and written under one mutex (workers/shared-mutex), held for a probe and a copy.
 *
 * Keys are identified by a 128-bit hash (four seeded 32-bit hashes, seeds shared by the workers), not
 * compared as strings: two keys in one window collide with probability n² / 2^129.
 */

import { allocateIndex, SharedIndex, STATE, TOMB, VALUE } from "./shared-index";
import { SharedMutex } from "./shared-mutex";

const DONE = 1;
const PENDING = 16;
/** control words: mutex (2), completions, waiters, current generation; per generation: slots, records, log bytes used */
const C = { completions: 2, waiters: 3, current: 4, slots: 5, records: 7, used: 9 } as const;
const ROTATED_AT = 8; // a Float64 at byte 64
const LOG_START = 1 << 20;
const LOG_MAX = 1 << 30;

export interface SharedDedupMemory {
  readonly control: SharedArrayBuffer;
  readonly index: readonly [SharedArrayBuffer, SharedArrayBuffer];
  readonly log: readonly [SharedArrayBuffer, SharedArrayBuffer];
  /** the four hash seeds */
  readonly seeds: Int32Array;
}

export function allocateDedupMemory(): SharedDedupMemory {
  const control = new SharedArrayBuffer(80);
  new Float64Array(control)[ROTATED_AT] = Number.NaN;
  const log = () => new SharedArrayBuffer(LOG_START, { maxByteLength: LOG_MAX });
  const seeds = crypto.getRandomValues(new Int32Array(new SharedArrayBuffer(16)));
  return { control, index: [allocateIndex(), allocateIndex()], log: [log(), log()], seeds };
}

/** What `claim` and `lookup` found; the text or sequence number is in the table's `text`/`seq`. */
export const Found = { Claimed: 0, Pending: 1, Done: 2, Absent: 3 } as const;
export type Found = (typeof Found)[keyof typeof Found];

export class SharedReplyTable {
  /** the stored reply `claim`/`lookup` found (Done) */
  text = "";
  /** the completions count seen with a pending entry: wait for it to change */
  seq = 0;
  /** where `claim` put its claim (Claimed): pass both to `finish` */
  claimAt = 0;
  claimId = 0;
  readonly words: Int32Array;
  private readonly times: Float64Array;
  private readonly index: readonly [SharedIndex, SharedIndex];
  private readonly logs: [Buffer, Buffer];
  private readonly mutex: SharedMutex;
  private readonly h = new Int32Array(4);
  private readonly seeds: readonly number[];
  private claims = 0;

  /** @param me this worker's id (≥ 1; the primary uses its own for cleanup) */
  constructor(
    private readonly mem: SharedDedupMemory,
    private readonly me: number,
    private readonly windowMs: number,
    private readonly now: () => number,
  ) {
    this.words = new Int32Array(mem.control);
    this.times = new Float64Array(mem.control);
    this.index = [0, 1].map((g) => new SharedIndex(mem.index[g]!, this.words, C.slots + g, C.records + g)) as [SharedIndex, SharedIndex];
    this.logs = [Buffer.from(mem.log[0], 0, mem.log[0].byteLength), Buffer.from(mem.log[1], 0, mem.log[1].byteLength)];
    this.mutex = new SharedMutex(this.words, 0, me);
    this.seeds = Array.from(mem.seeds, (s) => s >>> 0);
  }

  /** The key's entry (Done: `text`; Pending: `seq`), or, when there is none, a claim on it for this worker (`claimAt`, `claimId`). */
  claim(key: string): Found {
    this.hash(key);
    this.mutex.lock();
    try {
      this.rotate();
      const found = this.read();
      if (found !== Found.Absent) return found;
      const g = this.words[C.current]!;
      this.claimId = this.claims = (this.claims + 1) | 0;
      this.claimAt = this.index[g]!.insert(this.h, PENDING + this.me, this.claimId) * 2 + g;
      return Found.Claimed;
    } finally {
      this.mutex.unlock();
    }
  }

  /** The key's entry without claiming it. */
  lookup(key: string): Found {
    this.hash(key);
    this.mutex.lock();
    try {
      return this.read();
    } finally {
      this.mutex.unlock();
    }
  }

  /**
   * Ends this worker's claim of `key` (`at` and `id` from its `claim`): stores the reply (`text`), or
   * forgets the key (null: the work failed). The key is hashed again only when the claim has moved.
   */
  finish(key: string, at: number, id: number, text: string | null): void {
    this.mutex.lock();
    try {
      let g = at & 1;
      let records = this.index[g]!.records();
      let r = at >> 1;
      if (!(r < records.length && records[r + STATE] === PENDING + this.me && records[r + VALUE] === id)) {
        // moved by a resize or a rotation, or forgotten by the primary (this worker was thought dead)
        this.hash(key);
        g = this.words[C.current]!;
        r = this.index[g]!.find(this.h);
        if (r < 0) r = this.index[(g = 1 - g)]!.find(this.h);
        if (text === null) {
          // only our own claim: after the primary forgot it another worker may have claimed the key
          if (r >= 0 && this.index[g]!.records()[r + STATE] === PENDING + this.me) this.index[g]!.records()[r + STATE] = TOMB;
          return;
        }
        // a claim cleared with its generation is stored anew
        if (r < 0) r = this.index[(g = this.words[C.current]!)]!.insert(this.h, TOMB, 0);
        records = this.index[g]!.records();
      } else if (text === null) {
        records[r + STATE] = TOMB;
        return;
      }
      const addr = this.append(g, text);
      records[r + STATE] = addr < 0 ? TOMB : DONE;
      records[r + VALUE] = addr;
    } finally {
      this.mutex.unlock();
      Atomics.add(this.words, C.completions, 1);
      if (Atomics.load(this.words, C.waiters) > 0) Atomics.notify(this.words, C.completions);
    }
  }

  /** The primary, after worker `w` died: its claims are forgotten, so retries waiting on them claim anew. */
  forgetClaimsOf(w: number): number {
    this.mutex.lock();
    let n = 0;
    try {
      for (const index of this.index) n += index.replaceState(PENDING + w, TOMB);
    } finally {
      this.mutex.unlock();
    }
    Atomics.add(this.words, C.completions, 1);
    Atomics.notify(this.words, C.completions);
    return n;
  }

  private hash(key: string): void {
    const s = this.seeds;
    this.h[0] = Bun.hash.xxHash32(key, s[0]);
    this.h[1] = Bun.hash.xxHash32(key, s[1]);
    this.h[2] = Bun.hash.murmur32v3(key, s[2]);
    this.h[3] = Bun.hash.murmur32v3(key, s[3]);
  }

  /** Under the lock: the key in the current generation, then in the previous one. */
  private read(): Found {
    let g = this.words[C.current]!;
    let at = this.index[g]!.find(this.h);
    if (at < 0) at = this.index[(g = 1 - g)]!.find(this.h);
    if (at < 0) return Found.Absent;
    const records = this.index[g]!.records();
    if (records[at + STATE] !== DONE) {
      this.seq = Atomics.load(this.words, C.completions);
      return Found.Pending;
    }
    const addr = records[at + VALUE]!;
    const log = this.log(g, addr + 4);
    this.text = log.toString("utf8", addr + 4, addr + 4 + log.readUInt32LE(addr));
    return Found.Done;
  }

  /** Generation `g`'s log, viewed up to at least `end` (another thread may have grown it). */
  private log(g: number, end: number): Buffer {
    const buffer = this.mem.log[g]!;
    if (this.logs[g]!.length < end) this.logs[g] = Buffer.from(buffer, 0, buffer.byteLength);
    return this.logs[g]!;
  }

  /** Writes the text to generation `g`'s log; its address, or -1 when the log is full. */
  private append(g: number, text: string): number {
    const buffer = this.mem.log[g]!;
    const used = this.words[C.used + g]!;
    const room = used + 4 + 3 * text.length;
    if (room > buffer.byteLength) {
      if (room > LOG_MAX) return -1;
      buffer.grow(Math.min(LOG_MAX, Math.max(room, 2 * buffer.byteLength)));
    }
    const log = this.log(g, room);
    const written = log.write(text, used + 4, "utf8");
    log.writeUInt32LE(written, used);
    this.words[C.used + g] = used + 4 + written;
    return used;
  }

  /** Under the lock: a new generation every window; the one it replaces keeps only its claims. */
  private rotate(): void {
    const t = this.now();
    const last = this.times[ROTATED_AT]!;
    if (Number.isNaN(last)) this.times[ROTATED_AT] = t;
    if (!(t - last >= this.windowMs)) return;
    const next = 1 - this.words[C.current]!;
    // with no traffic for two windows the current generation is stale too: both are cleared
    const cleared = t - last >= 2 * this.windowMs ? [next, 1 - next] : [next];
    const claims: number[] = [];
    for (const g of cleared) this.index[g]!.collect(PENDING, claims);
    for (const g of cleared) {
      this.index[g]!.clear();
      this.words[C.used + g] = 0;
    }
    this.words[C.current] = next;
    this.times[ROTATED_AT] = t;
    const h = new Int32Array(4);
    for (let i = 0; i < claims.length; i += 6) {
      for (let k = 0; k < 4; k++) h[k] = claims[i + k]!;
      this.index[next]!.insert(h, claims[i + STATE]!, claims[i + VALUE]!);
    }
  }
}

/** The control words a waiter watches (workers/shared-dedup). */
export const COMPLETIONS = C.completions;
export const WAITERS = C.waiters;
