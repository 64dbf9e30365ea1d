/**
 * @module callback/dedup/reply-table
 * The answered half of the memory dedup: key → stored reply (dedup/reply-codec's text) for every
 * message of a dedup window, kept in bytes instead of JS objects. A window at full load holds hundreds
 * of thousands of replies; as objects they made every garbage collection walk them and the bench's text
 * throughput and RSS were far off their targets (docs/performance.md).
 * An entry is `[u32 bytes][key][u32 bytes][value]` (UTF-8) in 1 MB chunks (never copied, so RSS grows
 * by what is stored), found through an open-addressing index of 32-bit key hashes; the full key is
 * compared on a hash match. Entries are never removed one by one: a table is dropped whole when its
 * window has passed.
 */
import { keyHash } from "./key-hash";

/** chunk size, and the span of one chunk in an entry address (chunk * SPAN + offset) */
const CHUNK = 1 << 20;

export class ReplyTable {
  /** open-addressing index, two ints per slot: [hash, entry address + 1]; address 0 = empty slot */
  private index = new Int32Array(2 * 1024);
  // Buffers: strings and lengths go in and out at an offset, no view or result object per string
  private chunks: Buffer[] = [];
  /** bytes used in the last chunk */
  private used = CHUNK;
  private count = 0;

  /** @param hash the key's 32-bit hash as an int32 (a test may force collisions) */
  constructor(private readonly hash: (key: string) => number = keyHash) {}

  get size(): number {
    return this.count;
  }

  /** bytes taken by entries (chunk space in use), for tests and memory estimates */
  get bytesStored(): number {
    return this.chunks.length === 0 ? 0 : (this.chunks.length - 1) * CHUNK + this.used;
  }

  /** @param hash the key's hash by this table's function (computed when not given) */
  get(key: string, hash: number = this.hash(key)): string | undefined {
    const index = this.index;
    const mask = (index.length >> 1) - 1;
    for (let i = hash & mask; ; i = (i + 1) & mask) {
      const s = index[2 * i + 1]!;
      if (s === 0) return undefined;
      if (index[2 * i] === hash && this.stringAt(s - 1, 0) === key) return this.stringAt(s - 1, 1);
    }
  }

  /** Stores the value for a key not in the table (an existing key keeps its first value). */
  set(key: string, value: string, hash: number = this.hash(key)): void {
    if ((this.count + 1) * 2 > this.index.length >> 1) this.resizeIndex(this.index.length);
    const index = this.index;
    const mask = (index.length >> 1) - 1;
    // one probe: it ends at the key (kept as it is) or at the free slot the key goes into
    let i = hash & mask;
    for (let s = index[2 * i + 1]!; s !== 0; i = (i + 1) & mask, s = index[2 * i + 1]!) {
      if (index[2 * i] === hash && this.stringAt(s - 1, 0) === key) return;
    }
    index[2 * i] = hash;
    index[2 * i + 1] = this.write(key, value) + 1;
    this.count++;
  }

  /** Doubles the number of slots. */
  private resizeIndex(ints: number): void {
    const old = this.index;
    const index = new Int32Array(2 * ints);
    const mask = ints - 1;
    for (let j = 0; j < old.length; j += 2) {
      if (old[j + 1] === 0) continue;
      let i = old[j]! & mask;
      while (index[2 * i + 1] !== 0) i = (i + 1) & mask;
      index[2 * i] = old[j]!;
      index[2 * i + 1] = old[j + 1]!;
    }
    this.index = index;
  }

  /** Appends an entry (always in the last chunk) and returns its address. */
  private write(key: string, value: string): number {
    // UTF-8 takes at most 3 bytes per UTF-16 unit; two length headers
    const chunk = this.reserve(3 * (key.length + value.length) + 8);
    const bytes = this.chunks[chunk]!;
    const entry = chunk * CHUNK + this.used;
    this.used = putString(bytes, putString(bytes, this.used, key), value);
    return entry;
  }

  /** The chunk that has `bytes` free at `used` (a new one when the last is full; a big entry gets its own). */
  private reserve(bytes: number): number {
    const last = this.chunks.length - 1;
    // offsets stay below CHUNK: an oversized chunk holds its one entry and nothing after it
    if (last >= 0 && this.used + bytes <= CHUNK) return last;
    const chunk = Buffer.allocUnsafeSlow(Math.max(CHUNK, bytes));
    this.chunks.push(chunk);
    this.used = 0;
    return last + 1;
  }

  /** The entry's key (field 0) or value (field 1). */
  private stringAt(address: number, field: 0 | 1): string {
    const bytes = this.chunks[Math.floor(address / CHUNK)]!;
    let at = address % CHUNK;
    if (field === 1) at += 4 + bytes.readUInt32BE(at);
    return bytes.toString("utf8", at + 4, at + 4 + bytes.readUInt32BE(at));
  }
}

/** the room was reserved (3 bytes per UTF-16 unit), so `write` never truncates */
function putString(bytes: Buffer, at: number, text: string): number {
  const written = bytes.write(text, at + 4, "utf8");
  bytes.writeUInt32BE(written, at);
  return at + 4 + written;
}
