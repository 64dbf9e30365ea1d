import { describe, expect, test } from "bun:test";
import { decodeStoredReply, encodeStoredReply } from "../../../src/callback/dedup/reply-codec";
import { ReplyTable } from "../../../src/callback/dedup/reply-table";
import { type AddressedReply, buildReplyXml, type WechatReply } from "../../../src/wechat/reply";

const replies: Array<AddressedReply["reply"]> = [
  { type: "text", msg: "你好 😀 ]]> <b>, 1,2,3" },
  { type: "text", msg: "" },
  { type: "image", msg: "media-1" },
  { type: "video", msg: "m", title: "标题", desc: "" },
  { type: "music", title: "t", desc: "d", musicUrl: "http://m", hqMusicUrl: "", thumbMediaId: "th" },
  { type: "news", articles: [{ title: "a", description: "b", picUrl: "http://p", url: "http://u" }] },
  { type: "transfer_customer_service", kfAccount: "kf@x" },
];
const addressed = (reply: AddressedReply["reply"], i: number, createTime = 1_700_000_000 + i): AddressedReply => ({
  kind: "reply",
  reply,
  toUser: `oUser,${i}`,
  fromUser: i % 2 ? "gh_账号" : "",
  createTime,
});
const xmlOf = (r: AddressedReply) => buildReplyXml(r.reply, r.toUser, r.fromUser, r.createTime);

describe("stored reply codec", () => {
  test("every reply type and `success` come back equal, through the byte table too", () => {
    const table = new ReplyTable();
    const all: WechatReply[] = [
      ...replies.map((r, i) => addressed(r, i)),
      { kind: "success", reason: "backend asked, for success" },
      { kind: "success", reason: "" },
    ];
    all.forEach((r, i) => table.set(`m:${i}`, encodeStoredReply(r)));
    all.forEach((r, i) => {
      expect(decodeStoredReply(encodeStoredReply(r))).toEqual(r);
      expect(decodeStoredReply(table.get(`m:${i}`)!)).toEqual(r);
    });
  });

  test("a stored reply renders to the same bytes as the first answer; what was rendered is not stored", () => {
    for (const [i, reply] of replies.entries()) {
      const first: AddressedReply = { ...addressed(reply, i), rendered: xmlOf(addressed(reply, i)) };
      const again = decodeStoredReply(encodeStoredReply(first)) as AddressedReply;
      expect(again.rendered).toBeUndefined();
      expect(xmlOf(again)).toBe(first.rendered!);
    }
  });

  test("any CreateTime, and strings with surrogate pairs, keep their values", () => {
    const r: AddressedReply = { kind: "reply", reply: { type: "text", msg: "😀😀" }, toUser: "😀u", fromUser: "f😀", createTime: 2 ** 40 };
    expect(decodeStoredReply(encodeStoredReply(r))).toEqual(r);
  });

  test("a text reply is stored in a fraction of its XML's bytes", () => {
    const r = addressed({ type: "text", msg: "hello there" }, 1);
    expect(Buffer.byteLength(encodeStoredReply(r)) * 3).toBeLessThan(Buffer.byteLength(xmlOf(r)));
  });

  test("text that is not a stored reply decodes to null", () => {
    const good = encodeStoredReply(addressed({ type: "image", msg: "m" }, 3));
    for (const bad of [
      "",
      "x",
      "t",
      "t1,2",
      "t1,2,3",
      "t1,9,9,short",
      "tx,0,0,",
      "j1,0,0,not json",
      "j1,0,0,null",
      "j1,0,0,{}",
      good.slice(0, -1),
      `{"kind":"xml"}`,
    ]) {
      expect(decodeStoredReply(bad)).toBeNull();
    }
  });
});
