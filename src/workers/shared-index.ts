/**
 * @module workers/shared-index
 * One generation's index of the shared dedup table (workers/shared-reply-table): open addressing with
 * linear probing over 24-byte records [key hash ×4, state, value] in a growable SharedArrayBuffer.
 * The slot count and record count live in the table's shared control words, so every thread sees a
 * resize made by another; each thread reads through a fixed-length view it renews when the slot count
 * changed (views that track a growable buffer's length are several times slower to index).
 * Callers hold the table's mutex for every call.
 */

export const RECORD = 6;
export const STATE = 4;
export const VALUE = 5;
export const EMPTY = 0;
export const TOMB = 2;
const MIN_SLOTS = 1024;
const MAX_SLOTS = 1 << 24;

export function allocateIndex(): SharedArrayBuffer {
  return new SharedArrayBuffer(MIN_SLOTS * RECORD * 4, { maxByteLength: MAX_SLOTS * RECORD * 4 });
}

export class SharedIndex {
  private view: Int32Array;

  /**
   * @param words the table's control words: `slotsAt` holds the slot count, `countAt` the records in use
   */
  constructor(
    private readonly buffer: SharedArrayBuffer,
    private readonly words: Int32Array,
    private readonly slotsAt: number,
    private readonly countAt: number,
  ) {
    if (words[slotsAt] === 0) words[slotsAt] = MIN_SLOTS;
    this.view = new Int32Array(buffer, 0, words[slotsAt]! * RECORD);
  }

  /** The records, as large as the index is now. */
  records(): Int32Array {
    const ints = this.words[this.slotsAt]! * RECORD;
    if (this.view.length !== ints) this.view = new Int32Array(this.buffer, 0, ints);
    return this.view;
  }

  /** The record offset of the key hashed as `h`, or -1. */
  find(h: Int32Array): number {
    const records = this.records();
    const mask = records.length / RECORD - 1;
    const h0 = h[0]!,
      h1 = h[1]!,
      h2 = h[2]!,
      h3 = h[3]!;
    for (let i = h3 & mask; ; i = (i + 1) & mask) {
      const at = i * RECORD;
      const state = records[at + STATE]!;
      if (state === EMPTY) return -1;
      if (state !== TOMB && records[at] === h0 && records[at + 1] === h1 && records[at + 2] === h2 && records[at + 3] === h3) return at;
    }
  }

  /** Adds the key hashed as `h` (not in the index) with `state` and `value`; returns its record offset. */
  insert(h: Int32Array, state: number, value: number): number {
    const slots = this.words[this.slotsAt]!;
    if ((this.words[this.countAt]! + 1) * 2 > slots && slots < MAX_SLOTS) this.resize(slots * 2);
    const records = this.records();
    const mask = records.length / RECORD - 1;
    let i = h[3]! & mask;
    while (records[i * RECORD + STATE] !== EMPTY && records[i * RECORD + STATE] !== TOMB) i = (i + 1) & mask;
    const at = i * RECORD;
    if (records[at + STATE] === EMPTY) this.words[this.countAt]!++;
    records.set(h, at);
    records[at + STATE] = state;
    records[at + VALUE] = value;
    return at;
  }

  /** Empties the index (its slot count stays). */
  clear(): void {
    this.records().fill(0);
    this.words[this.countAt] = 0;
  }

  /** Appends [hash ×4, state, value] of every record whose state is at least `min` to `out`. */
  collect(min: number, out: number[]): void {
    const records = this.records();
    for (let at = 0; at < records.length; at += RECORD) {
      if (records[at + STATE]! >= min) for (let k = 0; k < RECORD; k++) out.push(records[at + k]!);
    }
  }

  /** Sets every record in state `from` to `to`; returns how many. */
  replaceState(from: number, to: number): number {
    const records = this.records();
    let n = 0;
    for (let at = 0; at < records.length; at += RECORD) if (records[at + STATE] === from) (records[at + STATE] = to), n++;
    return n;
  }

  /** Rehashes into `slots` slots (tombstones dropped). */
  private resize(slots: number): void {
    const old = this.records().slice();
    if (this.buffer.byteLength < slots * RECORD * 4) this.buffer.grow(slots * RECORD * 4);
    this.words[this.slotsAt] = slots;
    const records = this.records();
    records.fill(0);
    const mask = slots - 1;
    let n = 0;
    for (let at = 0; at < old.length; at += RECORD) {
      const state = old[at + STATE]!;
      if (state === EMPTY || state === TOMB) continue;
      let i = old[at + 3]! & mask;
      while (records[i * RECORD + STATE] !== EMPTY) i = (i + 1) & mask;
      records.set(old.subarray(at, at + RECORD), i * RECORD);
      n++;
    }
    this.words[this.countAt] = n;
  }
}
