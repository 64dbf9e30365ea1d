import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { XMLParser } from "fast-xml-parser";
import { createMessageCrypto, msgSignature } from "../../src/wechat/crypto";
import { encryptedReplyXml, encryptReply, extractJsonEncrypt, extractXmlEncrypt } from "../../src/wechat/envelope";
import vectorFile from "../fixtures/crypto/vectors.json";

const fixture = (name: string) => readFileSync(join(import.meta.dir, "../fixtures/crypto", name), "utf8");
const [mp, wecom] = vectorFile.vectors;
const wechatpy = vectorFile.vectors.find((v) => v.name === "wechatpy-encrypt-message")!;
// Entities on, numbers off: reads the envelope the way a strict XML reader would.
const parser = new XMLParser({ parseTagValue: false });

describe("extractXmlEncrypt", () => {
  test("safe mode body (CDATA)", () => {
    expect(extractXmlEncrypt(fixture("callback-safe.xml"))).toBe(mp!.encrypt);
  });

  test("compatible mode body: plaintext fields and Encrypt side by side", () => {
    expect(extractXmlEncrypt(fixture("callback-compatible.xml"))).toBe(mp!.encrypt);
  });

  test("whitespace and line breaks around the value", () => {
    expect(extractXmlEncrypt(fixture("callback-multiline.xml"))).toBe(wecom!.encrypt);
  });

  test("plain text instead of CDATA", () => {
    expect(extractXmlEncrypt(`<xml><ToUserName>gh_x</ToUserName><Encrypt> ${mp!.encrypt} </Encrypt></xml>`)).toBe(mp!.encrypt);
  });

  test("the value it returns decrypts and is covered by the published msg_signature", () => {
    const value = extractXmlEncrypt(fixture("callback-safe.xml"))!;
    expect(msgSignature(mp!.token!, mp!.timestamp!, mp!.nonce!, value)).toBe(mp!.msgSignature!);
    expect(createMessageCrypto(mp!.encodingAesKey, mp!.appId).decrypt(value)).toBe(mp!.plaintext!);
  });

  test("a DOCTYPE or ENTITY declaration → null (never throws)", () => {
    expect(extractXmlEncrypt(fixture("doctype-bomb.xml"))).toBeNull();
    expect(extractXmlEncrypt(`<!doctype xml><xml><Encrypt>abcd</Encrypt></xml>`)).toBeNull();
    expect(extractXmlEncrypt(`<!ENTITY x "y"><Encrypt>abcd</Encrypt>`)).toBeNull();
    expect(extractXmlEncrypt(`<xml><Encrypt>&x;</Encrypt></xml>`)).toBeNull();
  });

  test("compatible mode: a user's text with <Encrypt> or <!DOCTYPE> in it does not hide the real value", () => {
    const body = fixture("callback-compatible.xml").replace(
      "<Content><![CDATA[abcdteT]]></Content>",
      "<Content><![CDATA[<!DOCTYPE html><Encrypt>fake</Encrypt>]]></Content>",
    );
    expect(body).toContain("fake");
    expect(extractXmlEncrypt(body)).toBe(mp!.encrypt);
  });

  test.each([
    ["no Encrypt element", "<xml><ToUserName><![CDATA[gh_x]]></ToUserName></xml>"],
    ["an empty element", "<xml><Encrypt></Encrypt></xml>"],
    ["an empty CDATA", "<xml><Encrypt><![CDATA[]]></Encrypt></xml>"],
    ["no closing tag", "<xml><Encrypt><![CDATA[abcd]]></xml>"],
    ["an unterminated CDATA", "<xml><Encrypt><![CDATA[abcd</Encrypt></xml>"],
    ["markup inside", "<xml><Encrypt><b>abcd</b></Encrypt></xml>"],
    ["an empty body", ""],
    ["JSON", `{"Encrypt":"abcd"}`],
  ])("%s → null", (_label, body) => {
    expect(extractXmlEncrypt(body)).toBeNull();
  });
});

describe("extractJsonEncrypt", () => {
  test("Channels shop encrypted push", () => {
    expect(extractJsonEncrypt(fixture("channels-encrypted.json"))).toBe(mp!.encrypt);
  });

  test.each([
    ["invalid JSON", "{"],
    ["XML", fixture("callback-safe.xml")],
    ["null", "null"],
    ["an array", `[{"Encrypt":"abcd"}]`],
    ["a string", `"abcd"`],
    ["no Encrypt", `{"ToUserName":"gh_x"}`],
    ["Encrypt not a string", `{"Encrypt":123}`],
    ["Encrypt empty", `{"Encrypt":""}`],
    ["lowercase key", `{"encrypt":"abcd"}`],
  ])("%s → null", (_label, body) => {
    expect(extractJsonEncrypt(body)).toBeNull();
  });
});

describe("encryptedReplyXml", () => {
  test("is WeChat's documented envelope, as wechatpy's expected reply (line breaks aside)", () => {
    const xml = encryptedReplyXml(wechatpy.encrypt, wechatpy.msgSignature!, wechatpy.timestamp!, wechatpy.nonce!);
    expect(xml).toBe(
      `<xml><Encrypt><![CDATA[${wechatpy.encrypt}]]></Encrypt>` +
        `<MsgSignature><![CDATA[${wechatpy.msgSignature}]]></MsgSignature>` +
        `<TimeStamp>${wechatpy.timestamp}</TimeStamp>` +
        `<Nonce><![CDATA[${wechatpy.nonce}]]></Nonce></xml>`,
    );
  });

  test("a hostile timestamp or nonce cannot break the XML", () => {
    const xml = encryptedReplyXml("abcd", "ef01", "1<2&3", "n]]><x>");
    expect(parser.parse(xml).xml).toEqual({ Encrypt: "abcd", MsgSignature: "ef01", TimeStamp: "1<2&3", Nonce: "n]]><x>" });
  });
});

describe("encryptReply", () => {
  test("encrypts the reply, signs it with the request's timestamp and nonce", () => {
    const crypto = createMessageCrypto(wechatpy.encodingAesKey, wechatpy.appId);
    const replyXml = "<xml><Content><![CDATA[你好 ]]]]><![CDATA[> 👍]]></Content></xml>";
    const xml = encryptReply(crypto, wechatpy.token!, replyXml, "1700000000", "424242");
    const env = parser.parse(xml).xml as Record<string, string>;
    expect(env.TimeStamp).toBe("1700000000");
    expect(env.Nonce).toBe("424242");
    expect(env.MsgSignature).toBe(msgSignature(wechatpy.token!, "1700000000", "424242", env.Encrypt!));
    expect(crypto.decrypt(env.Encrypt!)).toBe(replyXml);
    expect(extractXmlEncrypt(xml)).toBe(env.Encrypt!);
  });

  test("a fresh random prefix each time", () => {
    const crypto = createMessageCrypto(wechatpy.encodingAesKey, wechatpy.appId);
    const a = encryptReply(crypto, "t", "<xml/>", "1", "2");
    expect(a).not.toBe(encryptReply(crypto, "t", "<xml/>", "1", "2"));
  });
});
