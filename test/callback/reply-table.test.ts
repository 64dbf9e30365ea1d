import { describe, expect, test } from "bun:test";
import { ReplyTable, hashKey } from "../../src/callback/reply-table";
import { createMemoryDedup } from "../../src/callback/dedup";
import { buildReplyXml, type NormalizedReply, type WechatReply } from "../../src/wechat/reply";

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

  test("ASCII, control, non-ASCII and surrogate-pair strings of several lengths come back as they were stored", () => {
    const table = new ReplyTable();
    const texts = [64, 63, 65, 1, 0].map((n) => "x".repeat(n));
    texts.push(`${"a".repeat(40)}\u007f\u0000\t`, `${"a".repeat(40)}\u0080é`, `${"b".repeat(63)}中`, `${"c".repeat(64)}中`, "\ud83d\ude00", "\ud800 lone");
    texts.forEach((msg, i) => {
      const key = i < 5 ? `m:${msg}:${i}` : `m:${i}`;
      table.set(key, hashKey(key), { kind: "success", reason: msg });
    });
    texts.forEach((msg, i) => {
      const key = i < 5 ? `m:${msg}:${i}` : `m:${i}`;
      // a lone surrogate cannot be UTF-8: it comes back as U+FFFD, as Buffer.write makes it
      expect(table.get(key, hashKey(key))).toEqual({ kind: "success", reason: msg.replace("\ud800", "\ufffd") });
    });
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

describe("ReplyTable, replies stored by address", () => {
  const replies: Array<Exclude<NormalizedReply, { type: "success" }>> = [
    { type: "text", msg: "你好 😀 ]]> <b>" },
    { type: "image", msg: "media-1" },
    { type: "video", msg: "m", title: "标题", desc: "" },
    { type: "music", title: "t", desc: "d", musicUrl: "http://m", hqMusicUrl: "", thumbMediaId: "th" },
    { type: "news", articles: [{ title: "a", description: "b", picUrl: "http://p", url: "http://u" }] },
    { type: "transfer_customer_service", kfAccount: "kf@x" },
  ];
  const addressed = (reply: Exclude<NormalizedReply, { type: "success" }>, i: number, createTime = 1_700_000_000 + i): WechatReply => {
    const address = { toUser: `oUser${i}`, fromUser: "gh_账号", createTime };
    return { kind: "xml", xml: buildReplyXml(reply, address.toUser, address.fromUser, createTime), reply, address };
  };

  test("every reply type comes back with the same XML, rebuilt from the address", () => {
    const table = new ReplyTable();
    replies.forEach((r, i) => table.set(`m:${i}`, hashKey(`m:${i}`), addressed(r, i)));
    replies.forEach((r, i) => {
      const got = table.get(`m:${i}`, hashKey(`m:${i}`));
      expect(got).toEqual(addressed(r, i));
      expect(got?.kind === "xml" && got.xml).toBe((addressed(r, i) as { xml: string }).xml);
    });
  });

  test("a CreateTime that is not a 32-bit unsigned number keeps the XML itself", () => {
    const table = new ReplyTable();
    const odd = addressed(replies[0]!, 1, 2 ** 33);
    table.set("k", hashKey("k"), odd);
    const got = table.get("k", hashKey("k"));
    expect(got?.kind).toBe("xml");
    if (got?.kind !== "xml" || odd.kind !== "xml") throw new Error("unreachable");
    expect([got.xml, got.reply]).toEqual([odd.xml, odd.reply]);
  });

  test("an addressed entry takes far fewer bytes than the XML would", () => {
    const full = new ReplyTable();
    const compact = new ReplyTable();
    for (let i = 0; i < 20_000; i++) {
      const r = addressed(replies[0]!, i);
      compact.set(`m:${i}`, hashKey(`m:${i}`), r);
      const { address: _, ...withoutAddress } = r as WechatReply & { address?: unknown };
      full.set(`m:${i}`, hashKey(`m:${i}`), withoutAddress as WechatReply);
    }
    expect(compact.bytesStored * 2).toBeLessThan(full.bytesStored);
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
