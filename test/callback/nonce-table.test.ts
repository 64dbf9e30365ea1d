import { describe, expect, test } from "bun:test";
import { DEFAULT_MAX_SLOTS, NonceTable, type NonceVerdict } from "../../src/callback/nonce-table";

// a tiny deterministic PRNG, so a failing sequence can be replayed
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** What the table must answer, from a Map of the unexpired keys. */
class Reference {
  private entries = new Map<string, { fp: number; expiry: number }>();
  constructor(private readonly capacity: number) {}

  live(now: number): number {
    for (const [key, e] of this.entries) if (e.expiry <= now) this.entries.delete(key);
    return this.entries.size;
  }

  check(hi: number, lo: number, fp: number, now: number, expiry: number): NonceVerdict {
    const key = `${hi}:${lo}`;
    const known = this.entries.get(key);
    if (known && known.expiry > now) return known.fp === fp ? "same" : "other";
    // the Map may still hold expired keys: count the live ones only when it matters
    if (this.entries.size + 1 > this.capacity && this.live(now) + 1 > this.capacity) return "full";
    this.entries.set(key, { fp, expiry });
    return "new";
  }
}

describe("NonceTable", () => {
  test("agrees with a Map over random checks, with forced collisions, expiry, growth, shrinking and full tables", () => {
    for (const seed of [1, 2, 3]) {
      const random = prng(seed);
      const maxSlots = 8192;
      const table = new NonceTable(maxSlots);
      const reference = new Reference(table.capacity);
      // 20k keys on 24 home slots: long probe runs that wrap around; some keys share `lo`, some share `hi`
      const keys = Array.from({ length: 20_000 }, (_, k) => ({
        hi: k % 7 === 0 ? 42 : (random() * 2 ** 32) | 0,
        lo: (Math.floor(random() * 24) * 1031 + (k % 3 === 0 ? 8191 : 0)) | 0,
      }));
      let now = 1;
      const seen = new Set<NonceVerdict>();
      let peakBytes = 0;
      let shrank = false;
      for (let op = 0; op < 60_000; op++) {
        // bursts (up to full) and quiet phases: the table grows, compacts and shrinks
        const burst = op % 30_000 < 10_000;
        if (random() < (burst ? 0.0005 : 0.05)) now++;
        const bytes = table.bytes;
        // quiet phases also bring fresh keys with any home: used slots fill up, and a rebuild shrinks the table
        const key = burst || random() < 0.5 ? keys[Math.floor(random() * keys.length)]! : { hi: (random() * 2 ** 32) | 0, lo: (random() * 2 ** 32) | 0 };
        const fp = Math.floor(random() * 3);
        const expiry = now + 1 + Math.floor(random() * 40);
        const expected = reference.check(key.hi, key.lo, fp, now, expiry);
        expect(table.check(key.hi, key.lo, fp, now, expiry)).toBe(expected);
        seen.add(expected);
        peakBytes = Math.max(peakBytes, table.bytes);
        shrank ||= table.bytes < bytes;
        if (op % 1000 === 0) expect(table.live(now)).toBe(reference.live(now));
      }
      expect([...seen].sort()).toEqual(["full", "new", "other", "same"]);
      expect(peakBytes).toBe(maxSlots * 16);
      expect(shrank).toBe(true);
    }
  });

  test("a nonce is known until its expiry, and new again from then on", () => {
    const table = new NonceTable();
    expect(table.check(1, 2, 7, 1, 11)).toBe("new");
    expect(table.check(1, 2, 7, 10, 20)).toBe("same");
    expect(table.check(1, 2, 8, 10, 20)).toBe("other");
    expect(table.check(2, 2, 8, 10, 20)).toBe("new"); // same low hash, another key
    expect(table.check(1, 2, 8, 11, 21)).toBe("new");
    expect(table.check(1, 2, 7, 12, 22)).toBe("other");
  });

  test("full of unexpired nonces: a new one is refused, known ones are still answered, room returns when they expire", () => {
    const table = new NonceTable(4096);
    expect(table.capacity).toBe(3072);
    const lo = (k: number) => Math.imul(k, 0x9e3779b1);
    for (let k = 0; k < 3072; k++) expect(table.check(k, lo(k), 0, 1, 100 + (k % 2))).toBe("new");
    expect(table.check(-1, 5, 0, 1, 100)).toBe("full");
    expect(table.check(-1, 5, 0, 99, 200)).toBe("full");
    expect(table.check(5, lo(5), 0, 99, 200)).toBe("same");
    expect(table.check(5, lo(5), 1, 99, 200)).toBe("other");
    expect(table.bytes).toBe(4096 * 16);
    // half of them expire at 100: room for as many again, and the rest still known
    expect(table.check(-1, 5, 0, 100, 200)).toBe("new");
    expect(table.live(100)).toBe(1537);
    expect(table.check(1, lo(1), 1, 100, 200)).toBe("other");
  });

  test("a rebuild in place keeps every unexpired nonce reachable, also in a probe run that wraps around the end", () => {
    const table = new NonceTable(4096); // already its largest size: every rebuild is in place
    const random = prng(4);
    // 12 keys homed at 4080 fill 4080–4091, then 7 homed at 4090 run on to 4095 and wrap to 0–2. The
    // ones at 4081 and 4092 expire at 5: the key at 1 moves to 4092 across the ones at 4090–4091, so
    // those must not move after it (into 4081), or they would leave a hole on its probe path.
    const wrapped = [
      ...Array.from({ length: 12 }, (_, k) => ({ hi: k, lo: 4080, expiry: k === 1 ? 5 : 100 })),
      ...Array.from({ length: 7 }, (_, k) => ({ hi: 100 + k, lo: 4090, expiry: k === 0 ? 5 : 100 })),
    ];
    for (const key of wrapped) expect(table.check(key.hi, key.lo, 1, 1, key.expiry)).toBe("new");
    const fillers: number[] = [];
    while (fillers.length < 3072 - wrapped.length) {
      const lo = (random() * 2 ** 32) | 0;
      if (table.check(-7, lo, 1, 1, 100) === "new") fillers.push(lo);
    }
    // every slot it may use is taken: rebuilt at 5, the two expired keys dropped
    expect(table.check(-8, 3, 1, 5, 100)).toBe("new");
    expect(table.live(5)).toBe(3071);
    for (const key of wrapped) if (key.expiry > 5) expect(table.check(key.hi, key.lo, 1, 5, 100)).toBe("same");
    for (const lo of fillers) expect(table.check(-7, lo, 2, 5, 100)).toBe("other");
    expect(table.check(-9, 3, 1, 5, 100)).toBe("new");
    expect(table.check(-10, 3, 1, 5, 100)).toBe("full");
    expect(table.bytes).toBe(4096 * 16);
  });

  test("a million nonces in the window fit in 32 MiB (records only, 16 bytes each in a table at most 3/4 full)", () => {
    const table = new NonceTable();
    const random = prng(9);
    for (let k = 0; k < 1_000_000; k++) table.check((random() * 2 ** 32) | 0, (random() * 2 ** 32) | 0, k, 1, 600);
    expect(table.live(1)).toBe(1_000_000);
    expect(table.bytes).toBe(32 * 2 ** 20);
    expect(table.bytes / 1_000_000).toBeLessThan(34);
    expect(table.capacity * 16).toBeLessThanOrEqual(DEFAULT_MAX_SLOTS * 16);
  });

  test("the slot limit must be a power of two", () => {
    expect(() => new NonceTable(5000)).toThrow(RangeError);
    expect(() => new NonceTable(1024)).toThrow(RangeError);
  });
});
