/**
 * @module test/wechat/json-message
 * Mini Program JSON pushes (wechat/json-message): every sample in test/fixtures/mini-program/json
 * becomes exactly its forwarded body, the published encrypted push decrypts and parses, 64-bit ids
 * keep every digit, the input rules refuse what the route and dedup cannot use, and virtual-payment
 * notifications are deduplicated by their order or refund id.
 */
import { describe, expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { createMessageCrypto } from "../../src/wechat/crypto";
import { extractJsonEncrypt } from "../../src/wechat/envelope";
import { parseMiniProgramJson, withMiniProgramDedupKey } from "../../src/wechat/json-message";
import { dedupKeyOf, MessageError, parseInboundXml, routeOf } from "../../src/wechat/message";
import { verifySignature } from "../../src/wechat/signature";
import samples from "../fixtures/mini-program/samples.json";

const DIR = join(import.meta.dir, "../fixtures/mini-program");
const names = readdirSync(join(DIR, "json")).filter((f) => f.endsWith(".json"));
const read = (path: string) => Bun.file(join(DIR, path)).text();
const sent = (body: unknown) => JSON.parse(JSON.stringify(body)) as unknown;

function refused(text: string): string {
  try {
    parseMiniProgramJson(text);
  } catch (err) {
    expect(err).toBeInstanceOf(MessageError);
    return (err as Error).message;
  }
  throw new Error("expected a MessageError");
}

describe("samples", () => {
  test("every JSON sample has its forwarded body", () => {
    expect(names.length).toBeGreaterThanOrEqual(8);
    expect(readdirSync(join(DIR, "forwarded")).sort()).toEqual([...names].sort());
  });

  test.each(names)("json/%s is forwarded as forwarded/%s", async (name) => {
    expect(sent(parseMiniProgramJson(await read(`json/${name}`)))).toStrictEqual(JSON.parse(await read(`forwarded/${name}`)));
  });

  test("a 64-bit MsgId reaches the body digit for digit (JSON.parse alone would round it)", async () => {
    const text = await read("json/msg-text-64bit.json");
    expect(String((JSON.parse(text) as { MsgId: number }).MsgId)).not.toBe("7362551834723893410");
    const msg = parseMiniProgramJson(text);
    expect(msg.MsgId).toBe("7362551834723893410");
    expect(dedupKeyOf(msg)).toBe("m:7362551834723893410");
  });

  test("the published encrypted push: msg_signature over the body's Encrypt, decrypted for the AppID, parsed", async () => {
    const p = samples.encryptedPush;
    const encrypt = extractJsonEncrypt(await read(p.body))!;
    expect(verifySignature(p.msgSignature, [samples.token, p.timestamp, p.nonce, encrypt])).toBe(true);
    expect(verifySignature(p.signature, [samples.token, p.timestamp, p.nonce])).toBe(true);
    const crypto = createMessageCrypto(samples.encodingAesKey, samples.appId);
    const plaintext = crypto.decrypt(encrypt);
    expect(plaintext).toBe(p.plaintext);
    expect(crypto.encrypt(plaintext, Buffer.from(p.random16))).toBe(encrypt);
    const msg = parseMiniProgramJson(plaintext);
    expect(sent(msg)).toStrictEqual(JSON.parse(p.plaintext));
    expect(routeOf(msg).path).toBe("/event/debug_demo");
  });

  test("the published plaintext push (pretty-printed) and its signature", async () => {
    const p = samples.plainPush;
    expect(verifySignature(p.signature, [samples.token, p.timestamp, p.nonce])).toBe(true);
    expect(parseMiniProgramJson(await read(p.body))).toMatchObject({ Event: "debug_demo", CreateTime: 1714037059, debug_str: "hello world" });
  });
});

describe("input rules", () => {
  const base = { ToUserName: "gh_1", FromUserName: "o1", CreateTime: 1714112445, MsgType: "text", Content: "hi", MsgId: "1" };
  const json = (over: Record<string, unknown>) => JSON.stringify({ ...base, ...over });

  test("MsgId must be digits, bare or quoted; the message names the field, not the value", () => {
    expect(parseMiniProgramJson(json({ MsgId: "42" })).MsgId).toBe("42");
    for (const bad of ["4.2", "-1", "abc_123", 1.5, true, null]) {
      const message = refused(json({ MsgId: bad }));
      expect(message).toContain("MsgId is not an id");
      expect(message).not.toContain("abc_123");
    }
    expect(refused(`{"MsgType":"text","MsgId":1e400}`)).toContain("MsgId is not an id");
  });

  test("CreateTime is an integer (quoted digits accepted); MsgType and Event are plain path segments", () => {
    expect(parseMiniProgramJson(json({ CreateTime: "1714112445" })).CreateTime).toBe(1714112445);
    expect(refused(json({ CreateTime: 1.5 }))).toBe("CreateTime is not an integer");
    expect(refused(json({ CreateTime: "soon" }))).toBe("CreateTime is not an integer");
    expect(refused(json({ MsgType: "../admin" }))).toContain("MsgType is not a plain name");
    expect(refused(json({ MsgType: "event", Event: "a.b" }))).toContain("Event is not a plain name");
    expect(refused(json({ MsgType: "event" }))).toContain("Event is missing");
    expect(refused(json({ MsgType: undefined }))).toContain("MsgType is missing");
    expect(refused(json({ FromUserName: ["o1", "o2"] }))).toContain("FromUserName must be a single text value");
  });

  test("not JSON, not an object, too deep, or a number out of range is refused without quoting the text", () => {
    expect(refused("<xml>secret</xml>")).toBe("Mini Program push is not valid JSON");
    expect(refused("[1,2]")).toBe("Mini Program push is not a JSON object");
    expect(refused(`{"a":${"[".repeat(40)}${"]".repeat(40)}}`)).toContain("nested deeper than 32 levels");
    expect(refused(`{"MsgType":"text","Amount":1e400}`)).toBe("Amount is out of range");
  });

  test("other integers keep their value; 16 or more digits become digit strings", () => {
    const msg = parseMiniProgramJson(`{"MsgType":"text","RefundFee":1000,"Big":12345678901234567890,"Ratio":0.5}`);
    expect(msg).toMatchObject({ RefundFee: 1000, Big: "12345678901234567890", Ratio: 0.5 });
  });
});

describe("virtual-payment dedup identity", () => {
  const deliver = async () => JSON.parse(await read("json/event-xpay_goods_deliver_notify.json")) as Record<string, unknown>;

  test("a resend of the same order with a new CreateTime has the same key; another order in the same second has another", async () => {
    const first = parseMiniProgramJson(JSON.stringify(await deliver()));
    const resend = parseMiniProgramJson(JSON.stringify({ ...(await deliver()), CreateTime: 1714112460 }));
    const other = parseMiniProgramJson(JSON.stringify({ ...(await deliver()), OutTradeNo: "vip_20240426_000099" }));
    expect(dedupKeyOf(first)).toBe("x:xpay_goods_deliver_notify:OutTradeNo:vip_20240426_000042");
    expect(dedupKeyOf(resend)).toBe(dedupKeyOf(first));
    expect(dedupKeyOf(other)).not.toBe(dedupKeyOf(first));
  });

  test("a refund notification is keyed by its refund id whatever RetryTimes says; XML pushes get the same key", async () => {
    const refund = JSON.parse(await read("json/event-xpay_refund_notify.json")) as Record<string, unknown>;
    const a = parseMiniProgramJson(JSON.stringify(refund));
    const b = parseMiniProgramJson(JSON.stringify({ ...refund, RetryTimes: 3, CreateTime: 1714200000 }));
    expect(dedupKeyOf(a)).toBe("x:xpay_refund_notify:MchRefundId:refund_20240427_000042");
    expect(dedupKeyOf(b)).toBe(dedupKeyOf(a));
    const xml = withMiniProgramDedupKey(
      parseInboundXml(
        "<xml><ToUserName>gh</ToUserName><FromUserName>o</FromUserName><CreateTime>1</CreateTime><MsgType>event</MsgType><Event>xpay_refund_notify</Event><MchRefundId>refund_20240427_000042</MchRefundId></xml>",
      ),
    );
    expect(dedupKeyOf(xml)).toBe(dedupKeyOf(a));
  });

  test("other events keep the generic event key", async () => {
    const msg = parseMiniProgramJson(await read("json/event-user_enter_tempsession.json"));
    expect(dedupKeyOf(msg)).toBe("e:fromUser:1482048670:user_enter_tempsession:");
  });
});
