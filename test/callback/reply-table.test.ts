import { describe, expect, test } from "bun:test";
import { ReplyTable, hashKey } from "../../src/callback/reply-table";
import { createMemoryDedup } from "../../src/callback/dedup";
import type { WechatReply } from "../../src/wechat/reply";

const xmlReply = (i: number): WechatReply => ({
  kind: "xml",
  xml: `<xml><ToUserName><![CDATA[user${i}]]></ToUserName><Content><![CDATA[回复 ${i} 😀]]></Content></xml>`,
  reply: { type: "text", msg: `回复 ${i} 😀` },
});

describe("ReplyTable", () => {
  test("stores and returns every reply, across index growth and several chunks", () => {
    const table = new ReplyTable();
    const n = 20000;
    for (let i = 0; i < n; i++) {
      const key = `m:${7_000_000_000_000_000n + BigInt(i)}`;
      table.set(key, hashKey(key), i % 7 === 0 ? { kind: "success", reason: `why ${i}` } : xmlReply(i));
    }
    expect(table.size).toBe(n);
    for (let i = 0; i < n; i++) {
      const key = `m:${7_000_000_000_000_000n + BigInt(i)}`;
      expect(table.get(key, hashKey(key))).toEqual(i % 7 === 0 ? { kind: "success", reason: `why ${i}` } : xmlReply(i));
    }
    expect(table.get("m:1", hashKey("m:1"))).toBeUndefined();
  });

  test("keys with the same hash are told apart by their bytes; the first reply for a key stays", () => {
    const table = new ReplyTable();
    table.set("e:用户:1:CLICK:k", 42, xmlReply(1));
    table.set("e:用户:1:CLICK:K", 42, xmlReply(2));
    table.set("e:用户:1:CLICK:k", 42, xmlReply(3));
    expect(table.get("e:用户:1:CLICK:k", 42)).toEqual(xmlReply(1));
    expect(table.get("e:用户:1:CLICK:K", 42)).toEqual(xmlReply(2));
    expect(table.get("e:用户:1:CLICK:x", 42)).toBeUndefined();
    expect(table.size).toBe(2);
  });

  test("an entry larger than a chunk, and the ones after it", () => {
    const table = new ReplyTable();
    const big: WechatReply = { kind: "xml", xml: `<xml>${"x".repeat(1_500_000)}</xml>`, reply: { type: "text", msg: "y".repeat(600_000) } };
    table.set("a", hashKey("a"), xmlReply(1));
    table.set("big", hashKey("big"), big);
    table.set("b", hashKey("b"), xmlReply(2));
    expect(table.get("big", hashKey("big"))).toEqual(big);
    expect(table.get("a", hashKey("a"))).toEqual(xmlReply(1));
    expect(table.get("b", hashKey("b"))).toEqual(xmlReply(2));
  });
});

describe("createMemoryDedup", () => {
  test("in-flight retries join, answered ones get the stored reply, failures are forgotten, windows expire", async () => {
    let now = 0;
    let hits = 0;
    const dedup = createMemoryDedup(60, { now: () => now, onHit: () => hits++ });
    let calls = 0;
    let release!: (r: WechatReply) => void;
    const first = dedup.run("m:1", () => { calls++; return new Promise<WechatReply>((r) => (release = r)); });
    const joined = dedup.run("m:1", async () => { calls++; return xmlReply(9); });
    release(xmlReply(1));
    expect(await first).toEqual(xmlReply(1));
    expect(await joined).toEqual(xmlReply(1));
    expect(await dedup.run("m:1", async () => { calls++; return xmlReply(9); })).toEqual(xmlReply(1));
    expect([calls, hits]).toEqual([1, 2]);

    await dedup.run("m:2", async () => { throw new Error("backend down"); }).catch(() => {});
    expect(await dedup.run("m:2", async () => xmlReply(2))).toEqual(xmlReply(2));

    now = 61_000; // one window later: still remembered (previous generation)
    expect(await dedup.run("m:1", async () => xmlReply(9))).toEqual(xmlReply(1));
    now = 122_000; // two windows: forgotten
    expect(await dedup.run("m:1", async () => xmlReply(9))).toEqual(xmlReply(9));
  });
});
