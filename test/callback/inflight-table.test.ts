import { describe, expect, test } from "bun:test";
import { InflightTable } from "../../src/callback/inflight-table";
import { hashKey } from "../../src/callback/reply-table";

// a tiny deterministic PRNG, so a failing sequence can be replayed
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe("InflightTable", () => {
  test("set, get and delete agree with a Map over random operations, with hashes forced to collide", () => {
    for (const seed of [1, 2, 3]) {
      const random = prng(seed);
      const table = new InflightTable<number>();
      const reference = new Map<string, number>();
      // 12 distinct hashes for up to 300 keys: long probe runs, and runs that wrap around the end
      const hashOf = (key: string) => Math.imul((hashKey(key) >>> 0) % 12, 0x1fffffff);
      for (let op = 0; op < 20_000; op++) {
        const key = `k${Math.floor(random() * 300)}`;
        const hash = hashOf(key);
        const r = random();
        if (r < 0.45) {
          table.set(key, hash, op);
          reference.set(key, op);
        } else if (r < 0.9) {
          table.delete(key, hash);
          reference.delete(key);
        }
        expect(table.get(key, hash)).toBe(reference.get(key));
        expect(table.size).toBe(reference.size);
      }
      for (let k = 0; k < 300; k++) expect(table.get(`k${k}`, hashOf(`k${k}`))).toBe(reference.get(`k${k}`));
    }
  });

  test("grows past its first size and keeps every entry; deleting all of them empties it", () => {
    const table = new InflightTable<string>();
    const keys = Array.from({ length: 5000 }, (_, i) => `oUser:${7_000_000_000 + i}`);
    for (const key of keys) table.set(key, hashKey(key), `reply ${key}`);
    expect(table.size).toBe(5000);
    for (const key of keys) expect(table.get(key, hashKey(key))).toBe(`reply ${key}`);
    for (const key of keys) table.delete(key, hashKey(key));
    expect(table.size).toBe(0);
    for (const key of keys) expect(table.get(key, hashKey(key))).toBeUndefined();
  });

  test("a key with another key's hash is not found; deleting a missing key changes nothing", () => {
    const table = new InflightTable<number>();
    table.set("a", 7, 1);
    expect(table.get("b", 7)).toBeUndefined();
    table.delete("b", 7);
    table.delete("a", 8);
    expect(table.get("a", 7)).toBe(1);
    expect(table.size).toBe(1);
    table.set("a", 7, 2);
    expect(table.get("a", 7)).toBe(2);
    expect(table.size).toBe(1);
  });
});
