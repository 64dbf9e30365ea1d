import { describe, expect, test } from "bun:test";
import { ReplyTable } from "../../../src/callback/dedup/reply-table";

const value = (i: number) => `t1700000000,6,7,oUser${i}gh_账号回复 ${i} 😀`;

describe("ReplyTable", () => {
  test("stores and returns every value, across index growth and several chunks", () => {
    const table = new ReplyTable();
    const n = 60_000;
    const key = (i: number) => `m:${7_000_000_000_000_000n + BigInt(i)}`;
    for (let i = 0; i < n; i++) table.set(key(i), i % 7 === 0 ? `swhy ${i}` : value(i).repeat(1 + (i % 5)));
    expect(table.size).toBe(n);
    expect(table.bytesStored).toBeGreaterThan(2 * (1 << 20)); // several chunks
    for (let i = 0; i < n; i++) expect(table.get(key(i))).toBe(i % 7 === 0 ? `swhy ${i}` : value(i).repeat(1 + (i % 5)));
    expect(table.get("m:1")).toBeUndefined();
  });

  test("keys with the same hash are told apart by their bytes; the first value for a key stays", () => {
    const table = new ReplyTable(() => 42);
    table.set("e:用户:1:CLICK:k", value(1));
    table.set("e:用户:1:CLICK:K", value(2));
    table.set("e:用户:1:CLICK:k", value(3));
    expect(table.get("e:用户:1:CLICK:k")).toBe(value(1));
    expect(table.get("e:用户:1:CLICK:K")).toBe(value(2));
    expect(table.get("e:用户:1:CLICK:x")).toBeUndefined();
    expect(table.size).toBe(2);
  });

  test("a hash the caller computed once serves get and set without hashing again", () => {
    const table = new ReplyTable(() => {
      throw new Error("hashed again");
    });
    table.set("m:1", value(1), 9);
    table.set("m:2", value(2), 9);
    expect(table.get("m:1", 9)).toBe(value(1));
    expect(table.get("m:2", 9)).toBe(value(2));
    expect(table.get("m:3", 9)).toBeUndefined();
  });

  test("ASCII, control, non-ASCII and surrogate-pair strings of several lengths come back as they were stored", () => {
    const table = new ReplyTable();
    const texts = [64, 63, 65, 1, 0].map((n) => "x".repeat(n));
    texts.push(`${"a".repeat(40)}\u007f\u0000\t`, `${"a".repeat(40)}\u0080é`, `${"b".repeat(63)}中`, `${"c".repeat(64)}中`, "\ud83d\ude00", "\ud800 lone");
    const key = (msg: string, i: number) => (i < 5 ? `m:${msg}:${i}` : `m:${i}`);
    texts.forEach((msg, i) => table.set(key(msg, i), msg));
    // a lone surrogate cannot be UTF-8: it comes back as U+FFFD, as Buffer.write makes it
    texts.forEach((msg, i) => expect(table.get(key(msg, i))).toBe(msg.replace("\ud800", "\ufffd")));
  });

  test("an entry larger than a chunk, and the ones after it", () => {
    const table = new ReplyTable();
    const big = "y".repeat(1_500_000);
    table.set("a", value(1));
    table.set("big", big);
    table.set("b", value(2));
    expect(table.get("big")).toBe(big);
    expect(table.get("a")).toBe(value(1));
    expect(table.get("b")).toBe(value(2));
  });
});
