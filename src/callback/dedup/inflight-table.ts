/**
 * @module callback/dedup/inflight-table
 * The in-flight half of the memory dedup: key → the promise of its reply, while the message is on its
 * way to the backend. Every message adds an entry and removes it a few milliseconds later. Done with a
 * JS `Map`, that churn made each young-generation GC several times slower (measured with
 * `BUN_JSC_logGC`, Bun 1.3 and 1.4: docs/performance.md); plain arrays written in place do not.
 * Open addressing with linear probing over the key's 32-bit hash (computed here; a test may pass its
 * own hash to force collisions); a delete shifts the entries after it back, so there are no tombstones
 * and a probe ends at the first empty slot. The memory dedup hashes a key once and passes the hash to
 * every call (and to the reply tables): the default parameter only hashes for callers that do not.
 */
import { keyHash } from "./key-hash";

export class InflightTable<V> {
  private hashes = new Int32Array(64);
  private keys: (string | undefined)[] = new Array<string | undefined>(64).fill(undefined);
  private values: (V | undefined)[] = new Array<V | undefined>(64).fill(undefined);
  private count = 0;

  /** @param hash the key's 32-bit hash as an int32 */
  constructor(private readonly hash: (key: string) => number = keyHash) {}

  get size(): number {
    return this.count;
  }

  /** @param hash the key's hash by this table's function (computed when not given) */
  get(key: string, hash: number = this.hash(key)): V | undefined {
    const i = this.slotOf(key, hash);
    return i < 0 ? undefined : this.values[i];
  }

  /** Adds or replaces the value for a key. */
  set(key: string, value: V, hash: number = this.hash(key)): void {
    if ((this.count + 1) * 2 > this.keys.length) this.grow();
    const { keys, hashes } = this;
    const mask = keys.length - 1;
    // one probe: it ends at the key (its value replaced) or at the free slot the key goes into
    let i = hash & mask;
    for (let k = keys[i]; k !== undefined; i = (i + 1) & mask, k = keys[i]) {
      if (hashes[i] === hash && k === key) {
        this.values[i] = value;
        return;
      }
    }
    this.place(i, key, hash, value);
    this.count++;
  }

  delete(key: string, hash: number = this.hash(key)): void {
    let i = this.slotOf(key, hash);
    if (i < 0) return;
    const { keys, hashes } = this;
    const mask = keys.length - 1;
    // backward shift: an entry further on moves into the hole when the hole is no farther from the
    // entry than its home slot is, so every entry stays reachable from its home without gaps
    for (let j = (i + 1) & mask; keys[j] !== undefined; j = (j + 1) & mask) {
      const home = hashes[j]! & mask;
      if (((j - home) & mask) >= ((j - i) & mask)) {
        this.place(i, keys[j]!, hashes[j]!, this.values[j]);
        i = j;
      }
    }
    this.place(i, undefined, 0, undefined);
    this.count--;
  }

  /** the slot holding the key, or -1 */
  private slotOf(key: string, hash: number): number {
    const { keys, hashes } = this;
    const mask = keys.length - 1;
    for (let i = hash & mask; ; i = (i + 1) & mask) {
      const k = keys[i];
      if (k === undefined) return -1;
      if (hashes[i] === hash && k === key) return i;
    }
  }

  private place(i: number, key: string | undefined, hash: number, value: V | undefined): void {
    this.keys[i] = key;
    this.hashes[i] = hash;
    this.values[i] = value;
  }

  /** Doubles the slots; the table never shrinks (it is sized by the most messages ever in flight). */
  private grow(): void {
    const { keys, hashes, values } = this;
    const size = keys.length * 2;
    this.hashes = new Int32Array(size);
    this.keys = new Array<string | undefined>(size).fill(undefined);
    this.values = new Array<V | undefined>(size).fill(undefined);
    const mask = size - 1;
    for (let j = 0; j < keys.length; j++) {
      const key = keys[j];
      if (key === undefined) continue;
      let i = hashes[j]! & mask;
      while (this.keys[i] !== undefined) i = (i + 1) & mask;
      this.place(i, key, hashes[j]!, values[j]);
    }
  }
}
