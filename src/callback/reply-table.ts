/**
 * @module callback/reply-table
 * The answered half of the memory dedup: key → WechatReply for every message of a dedup window, kept
 * in typed arrays instead of JS objects. A window at full load holds hundreds of thousands of
 * replies; as objects (key, reply, XML, backend reply) they made every garbage collection walk them
 * and the bench's text throughput and RSS were far off their targets (docs/performance.md).
 * Here an entry is bytes in 1 MB chunks (never copied, so RSS grows by what is stored) — key, kind,
 * reason, or the backend reply as JSON with the XML or what rebuilds it (the reply's address) —
 * found through an open-addressing index of 32-bit hashes;
 * the full key is compared on a hash match. Entries are never removed one by one: a table is dropped
 * whole when its window has passed.
 */
import { buildReplyXml, type NormalizedReply, type WechatReply } from "../wechat/reply";

const KIND_SUCCESS = 0;
const KIND_XML = 1;
/** an XML reply stored as its address and backend reply, the XML rebuilt on a hit (~100 bytes, not ~300) */
const KIND_ADDRESSED = 2;
/** the same for a text reply, its message stored as it is instead of as JSON */
const KIND_ADDRESSED_TEXT = 3;
/** chunk size, and the span of one chunk in an entry address (chunk * SPAN + offset) */
const CHUNK = 1 << 20;

/** 32-bit hash of a key, shared by lookups in several tables. */
export function hashKey(key: string): number {
  return Bun.hash.xxHash32(key) | 0;
}

export class ReplyTable {
  /** open-addressing index, two ints per slot: [hash, entry address + 1]; address 0 = empty slot */
  private index = new Int32Array(2 * 1024);
  // Buffers: strings and lengths go in and out at an offset, no view or result object per string
  private chunks: Buffer[] = [];
  /** bytes used in the last chunk */
  private used = CHUNK;
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** bytes taken by entries (chunk space in use), for tests and memory estimates */
  get bytesStored(): number {
    return this.chunks.length === 0 ? 0 : (this.chunks.length - 1) * CHUNK + this.used;
  }

  get(key: string, hash: number): WechatReply | undefined {
    const index = this.index;
    const mask = (index.length >> 1) - 1;
    for (let i = hash & mask; ; i = (i + 1) & mask) {
      const s = index[2 * i + 1]!;
      if (s === 0) return undefined;
      if (index[2 * i] === hash && this.keyAt(s - 1) === key) return this.read(s - 1);
    }
  }

  /** Stores the reply for a key not in the table (an existing key keeps its first reply). */
  set(key: string, hash: number, reply: WechatReply): void {
    if ((this.count + 1) * 2 > this.index.length >> 1) this.resizeIndex(this.index.length);
    const index = this.index;
    const mask = (index.length >> 1) - 1;
    // one probe: it ends at the key (kept as it is) or at the free slot the key goes into
    let i = hash & mask;
    for (let s = index[2 * i + 1]!; s !== 0; i = (i + 1) & mask, s = index[2 * i + 1]!) {
      if (index[2 * i] === hash && this.keyAt(s - 1) === key) return;
    }
    index[2 * i] = hash;
    index[2 * i + 1] = this.write(key, reply) + 1;
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

  // entry: [u32 key bytes][key][u8 kind] then, by kind (strings as [u32 bytes][UTF-8]):
  //   success: reason · xml: XML, backend reply as JSON
  //   addressed: toUser, fromUser, [u32 createTime], backend reply as JSON (text: its msg)
  private write(key: string, reply: WechatReply): number {
    if (reply.kind === "success") {
      const entry = this.begin(key, KIND_SUCCESS, reply.reason.length);
      this.put(reply.reason);
      return entry;
    }
    const address = reply.address;
    const inner = reply.reply;
    if (address === undefined || inner === undefined || inner.type === "success" || !isUint32(address.createTime)) {
      const json = inner === undefined ? "" : JSON.stringify(inner);
      const entry = this.begin(key, KIND_XML, reply.xml.length + json.length);
      this.put(reply.xml);
      this.put(json);
      return entry;
    }
    // a text reply keeps its msg as it is; any other type its JSON
    const payload = inner.type === "text" ? inner.msg : JSON.stringify(inner);
    const entry = this.begin(key, inner.type === "text" ? KIND_ADDRESSED_TEXT : KIND_ADDRESSED, address.toUser.length + address.fromUser.length + payload.length + 4);
    this.put(address.toUser);
    this.put(address.fromUser);
    this.chunks[this.chunks.length - 1]!.writeUInt32BE(address.createTime, this.used);
    this.used += 4;
    this.put(payload);
    return entry;
  }

  /**
   * Reserves room for an entry with `units` UTF-16 units of payload and writes its key and kind;
   * the payload follows at `used` (the entry is always in the last chunk). Returns the entry's address.
   */
  private begin(key: string, kind: number, units: number): number {
    const chunk = this.reserve(13 + 3 * (key.length + units) + 4); // UTF-8: at most 3 bytes per UTF-16 unit; 4 string headers
    const entry = chunk * CHUNK + this.used;
    this.put(key);
    this.chunks[chunk]![this.used++] = kind;
    return entry;
  }

  /** Appends a string ([u32 bytes][UTF-8]) to the entry being written. */
  private put(text: string): void {
    this.used = putString(this.chunks[this.chunks.length - 1]!, this.used, text);
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

  private keyAt(address: number): string {
    const bytes = this.chunks[Math.floor(address / CHUNK)]!;
    const at = address % CHUNK;
    return bytes.toString("utf8", at + 4, at + 4 + bytes.readUInt32BE(at));
  }

  private read(address: number): WechatReply {
    const bytes = this.chunks[Math.floor(address / CHUNK)]!;
    let at = address % CHUNK;
    at += 4 + bytes.readUInt32BE(at);
    const kind = bytes[at++];
    const next = () => {
      const length = bytes.readUInt32BE(at);
      const text = bytes.toString("utf8", at + 4, at + 4 + length);
      at += 4 + length;
      return text;
    };
    if (kind === KIND_SUCCESS) return { kind: "success", reason: next() };
    if (kind === KIND_XML) {
      const xml = next();
      const json = next();
      return { kind: "xml", xml, reply: (json === "" ? undefined : JSON.parse(json)) as NormalizedReply };
    }
    const toUser = next();
    const fromUser = next();
    const createTime = bytes.readUInt32BE(at);
    at += 4;
    const reply = (kind === KIND_ADDRESSED_TEXT ? { type: "text", msg: next() } : JSON.parse(next())) as Exclude<NormalizedReply, { type: "success" }>;
    return { kind: "xml", xml: buildReplyXml(reply, toUser, fromUser, createTime), reply, address: { toUser, fromUser, createTime } };
  }
}

function isUint32(n: number): boolean {
  return Number.isInteger(n) && n >= 0 && n <= 0xffffffff;
}

/** the room was reserved (3 bytes per UTF-16 unit), so `write` never truncates */
function putString(bytes: Buffer, at: number, text: string): number {
  const written = bytes.write(text, at + 4, "utf8");
  bytes.writeUInt32BE(written, at);
  return at + 4 + written;
}
