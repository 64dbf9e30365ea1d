import { describe, expect, test } from "bun:test";
import { InflightTable } from "../../../src/callback/dedup/inflight-table";

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
      // 12 distinct hashes for up to 300 keys: long probe runs, and runs that wrap around the end
      const table = new InflightTable<number>((key) => Math.imul((Bun.hash.xxHash32(key) >>> 0) % 12, 0x1fffffff));
      const reference = new Map<string, number>();
      for (let op = 0; op < 20_000; op++) {
        const key = `k${Math.floor(random() * 300)}`;
        const r = random();
        if (r < 0.45) {
          table.set(key, op);
          reference.set(key, op);
        } else if (r < 0.9) {
          table.delete(key);
          reference.delete(key);
        }
        expect(table.get(key)).toBe(reference.get(key));
        expect(table.size).toBe(reference.size);
      }
      for (let k = 0; k < 300; k++) expect(table.get(`k${k}`)).toBe(reference.get(`k${k}`));
    }
  });

  test("grows past its first size and keeps every entry; deleting all of them empties it", () => {
    const table = new InflightTable<string>();
    const keys = Array.from({ length: 5000 }, (_, i) => `oUser:${7_000_000_000 + i}`);
    for (const key of keys) table.set(key, `reply ${key}`);
    expect(table.size).toBe(5000);
    for (const key of keys) expect(table.get(key)).toBe(`reply ${key}`);
    for (const key of keys) table.delete(key);
    expect(table.size).toBe(0);
    for (const key of keys) expect(table.get(key)).toBeUndefined();
  });

  test("a key with another key's hash is not found; deleting a missing key changes nothing", () => {
    const table = new InflightTable<number>(() => 7);
    table.set("a", 1);
    expect(table.get("b")).toBeUndefined();
    table.delete("b");
    expect(table.get("a")).toBe(1);
    expect(table.size).toBe(1);
    table.set("a", 2);
    expect(table.get("a")).toBe(2);
    expect(table.size).toBe(1);
  });

  test("a hash the caller computed once serves get, set and delete without hashing again", () => {
    const table = new InflightTable<number>(() => {
      throw new Error("hashed again");
    });
    table.set("m:1", 1, 5);
    table.set("m:2", 2, 5);
    expect(table.get("m:1", 5)).toBe(1);
    table.delete("m:1", 5);
    expect(table.get("m:1", 5)).toBeUndefined();
    expect(table.get("m:2", 5)).toBe(2);
    expect(table.size).toBe(1);
  });
});
