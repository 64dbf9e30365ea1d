/**
 * @module callback/nonce-table
 * The replay guard's memory (SPEC §4.2: a million nonces in the window within a few tens of MB). One
 * 16-byte record per nonce in an Int32Array — [key hash high, key hash low, body fingerprint, expiry]
 * — instead of strings in a JS Map, which cost several hundred bytes per nonce and GC work for each.
 * Open addressing with linear probing from the low hash. Records are never removed one by one: an
 * expired record is a tombstone that an insert on its probe path reuses, and when used records
 * (live or expired) reach 3/4 of the slots, the table is rebuilt with the live ones only, sized so
 * they fill at most half of it (it grows and shrinks with the traffic of the window). A table of 2^21
 * slots (32 MiB) holds up to 1,572,864 nonces; after a rebuild a nonce costs at most 16 / (3/8) ≈ 43 bytes.
 *
 * The table never holds more than `maxSlots` slots. When 3/4 of them hold unexpired nonces it answers
 * "full" instead of forgetting one: a forgotten nonce could be replayed. Expiry is in whole seconds,
 * so nothing more expires within the second of a rebuild; a full table rebuilds at most once a second.
 */

/** int32s per record: key hash high, key hash low, body fingerprint, expiry (0 = never used) */
export const RECORD = 4;
export const MIN_SLOTS = 1 << 12;
/** 2^22 slots: 64 MiB, up to 3,145,728 nonces in the window */
export const DEFAULT_MAX_SLOTS = 1 << 22;

/** new: stored now · same: seen with this fingerprint · other: seen with another · full: not stored */
export type NonceVerdict = "new" | "same" | "other" | "full";

/** Used records (live or expired) allowed in a table of `slots` slots. */
const usable = (slots: number) => (slots >> 2) * 3;

export class NonceTable {
  // protected: workers/shared-replay keeps them in memory shared by worker threads
  protected slots: Int32Array<ArrayBufferLike> = new Int32Array(MIN_SLOTS * RECORD);
  /** records that are not empty: live or expired */
  protected used = 0;
  /** the time of the last rebuild at the largest size */
  protected lastFullRebuild = Number.NaN;

  constructor(private readonly maxSlots: number = DEFAULT_MAX_SLOTS) {
    if (maxSlots < MIN_SLOTS || (maxSlots & (maxSlots - 1)) !== 0) throw new RangeError(`maxSlots must be a power of two ≥ ${MIN_SLOTS}`);
  }

  /** the most unexpired nonces the table can hold */
  get capacity(): number {
    return usable(this.maxSlots);
  }

  /** bytes allocated for records */
  get bytes(): number {
    return this.slots.byteLength;
  }

  /** unexpired records at `now` (a scan: for tests and measurements) */
  live(now: number): number {
    let n = 0;
    for (let at = RECORD - 1; at < this.slots.length; at += RECORD) if (this.slots[at]! > now) n++;
    return n;
  }

  /**
   * Looks the 64-bit key (two int32s) up among records unexpired at `now` (an integer ≥ 1, e.g. seconds) and
   * stores it with `fingerprint`, expiring at `expiry` (> now), when it is not there.
   */
  check(hi: number, lo: number, fingerprint: number, now: number, expiry: number): NonceVerdict {
    const slots = this.slots;
    const mask = (slots.length >> 2) - 1;
    let free = -1;
    let i = lo & mask;
    for (let e = slots[i * RECORD + 3]!; e !== 0; i = (i + 1) & mask, e = slots[i * RECORD + 3]!) {
      const at = i * RECORD;
      if (e <= now) {
        if (free < 0) free = at;
      } else if (slots[at] === hi && slots[at + 1] === lo) {
        return slots[at + 2] === fingerprint ? "same" : "other";
      }
    }
    if (free < 0) {
      if (this.used + 1 > usable(slots.length >> 2)) {
        return this.rebuild(now) ? this.check(hi, lo, fingerprint, now, expiry) : "full";
      }
      free = i * RECORD;
      this.used++;
    }
    slots[free] = hi;
    slots[free + 1] = lo;
    slots[free + 2] = fingerprint;
    slots[free + 3] = expiry;
    return "new";
  }

  /** Keeps the unexpired records only, in a table they fill at most half of; false when there is no room. */
  private rebuild(now: number): boolean {
    const size = this.slots.length >> 2;
    if (size === this.maxSlots && this.lastFullRebuild === now) return false;
    const live = this.live(now);
    let target = MIN_SLOTS;
    while (target < this.maxSlots && target < 2 * (live + 1)) target *= 2;
    if (target === this.maxSlots) this.lastFullRebuild = now;
    if (live + 1 > usable(target)) return false;
    if (target === size) this.compact(now);
    else this.rehash(now, target);
    this.used = live;
    return true;
  }

  /** Moves the unexpired records into a new table of `size` slots. */
  private rehash(now: number, size: number): void {
    const old = this.detach();
    const slots = this.allocate(size * RECORD);
    const mask = size - 1;
    for (let at = 0; at < old.length; at += RECORD) {
      if (old[at + 3]! <= now) continue;
      let i = old[at + 1]! & mask;
      while (slots[i * RECORD + 3] !== 0) i = (i + 1) & mask;
      for (let k = 0; k < RECORD; k++) slots[i * RECORD + k] = old[at + k]!;
    }
    this.slots = slots;
  }

  /** The records before a rehash, kept apart from the memory `allocate` returns. */
  protected detach(): Int32Array<ArrayBufferLike> {
    return this.slots;
  }

  /** Zeroed memory for `ints` int32s of records. */
  protected allocate(ints: number): Int32Array<ArrayBufferLike> {
    return new Int32Array(ints);
  }

  /**
   * Rebuilds in place (no second table at the largest size): expired records are emptied, then every
   * unexpired one is moved to the first empty slot from its home, in probe order from a slot that was
   * empty, so each lands at or before where it was and no probe path gets a hole.
   */
  private compact(now: number): void {
    const slots = this.slots;
    const size = slots.length >> 2;
    const mask = size - 1;
    let start = 0;
    while (slots[start * RECORD + 3] !== 0) start++; // one exists: at most 3/4 of the slots are used
    for (let at = RECORD - 1; at < slots.length; at += RECORD) if (slots[at]! <= now) slots[at] = 0;
    for (let n = 1; n <= size; n++) {
      const j = (start + n) & mask;
      const from = j * RECORD;
      if (slots[from + 3] === 0) continue;
      let i = slots[from + 1]! & mask;
      while (i !== j && slots[i * RECORD + 3] !== 0) i = (i + 1) & mask;
      if (i === j) continue;
      slots.copyWithin(i * RECORD, from, from + RECORD);
      slots[from + 3] = 0;
    }
  }
}
