/**
 * @module test/wechat/wecom
 * WeCom callback crypto (wechat/wecom) against WeCom's published sample (test/fixtures/wecom): the
 * verification GET answers its plaintext, the sample POST decrypts to the sample XML byte for byte,
 * every refusal names its reason and status, replies round-trip through WeCom's own npm package
 * `@wecom/crypto`, and events get a dedup identity that separates distinct events.
 */
import { describe, expect, test } from "bun:test";
import { createCipheriv } from "node:crypto";
import { join } from "node:path";
import { getSignature, decrypt as wecomDecrypt, encrypt as wecomEncrypt } from "@wecom/crypto";
import { decodeAesKey } from "../../src/wechat/crypto";
import { extractXmlEncrypt } from "../../src/wechat/envelope";
import { dedupKeyOf, parseInboundXml } from "../../src/wechat/message";
import { createWecomCallback, readWecomQuery, WecomError, type WecomErrorReason, withWecomDedupKey } from "../../src/wechat/wecom";
import samples from "../fixtures/wecom/samples.json";

const DIR = join(import.meta.dir, "../fixtures/wecom");
const fixture = (name: string) => Bun.file(join(DIR, name)).text();
const params = { token: samples.token, aesKey: samples.encodingAesKey, corpId: samples.corpId };
const wecom = createWecomCallback(params);
const queryOf = (raw: string) => Object.fromEntries(new URLSearchParams(raw));

function refusal(fn: () => unknown): { reason: WecomErrorReason; status: number; message: string } {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(WecomError);
    const e = err as WecomError;
    return { reason: e.reason, status: e.status, message: e.message };
  }
  throw new Error("expected a WecomError");
}

/** A ciphertext of `plain` (already framed) with WeCom's key, no padding added: lets a test break the padding. */
function rawEncrypt(plain: Buffer): string {
  const key = decodeAesKey(samples.encodingAesKey);
  const cipher = createCipheriv("aes-256-cbc", key, key.subarray(0, 16)).setAutoPadding(false);
  return Buffer.concat([cipher.update(plain), cipher.final()]).toString("base64");
}

describe("WeCom's published sample", () => {
  test("URL verification: the sample GET (URL-encoded as WeCom sends it) answers the echostr's plaintext", () => {
    const answer = wecom.verifyUrl(queryOf(samples.verifyUrl.rawQuery));
    expect(answer).toBe(samples.verifyUrl.plaintext);
    expect(answer).toBe("1616140317555161061");
  });

  test("POST: the sample body decrypts to the sample message XML byte for byte", async () => {
    const query = readWecomQuery(queryOf(samples.callback.rawQuery));
    const xml = wecom.decryptMessage(query, await fixture(samples.callback.body));
    expect(xml).toBe(await fixture(samples.callback.plaintext));
    const msg = parseInboundXml(xml);
    expect(msg).toMatchObject({ MsgType: "text", Content: "hello", MsgId: "4561255354251345929", AgentID: "218", CreateTime: 1409659813 });
  });

  test("@wecom/crypto agrees on the sample: its signature and its decryption", async () => {
    const v = samples.verifyUrl;
    expect(getSignature(samples.token, v.timestamp, v.nonce, v.echostr)).toBe(v.msgSignature);
    expect(wecomDecrypt(samples.encodingAesKey, v.echostr)).toMatchObject({ message: v.plaintext, id: samples.corpId });
    const encrypt = extractXmlEncrypt(await fixture(samples.callback.body))!;
    expect(wecomDecrypt(samples.encodingAesKey, encrypt).message).toBe(await fixture(samples.callback.plaintext));
  });
});

describe("replies", () => {
  const { timestamp, nonce } = samples.callback;
  const envelopeParts = (xml: string) => ({
    encrypt: extractXmlEncrypt(xml)!,
    signature: /<MsgSignature><!\[CDATA\[([0-9a-f]{40})\]\]><\/MsgSignature>/.exec(xml)?.[1],
    timestamp: /<TimeStamp>(\d+)<\/TimeStamp>/.exec(xml)?.[1],
    nonce: /<Nonce><!\[CDATA\[(\d+)\]\]><\/Nonce>/.exec(xml)?.[1],
  });

  test("the sample reply is enveloped, signed with the request's timestamp and nonce, and @wecom/crypto decrypts it for the corp-id", () => {
    const reply = wecom.encryptReply(samples.reply.plaintext, timestamp, nonce);
    const parts = envelopeParts(reply);
    expect(parts).toMatchObject({ timestamp, nonce });
    expect(parts.signature).toBe(getSignature(samples.token, timestamp, nonce, parts.encrypt));
    expect(wecomDecrypt(samples.encodingAesKey, parts.encrypt)).toMatchObject({ message: samples.reply.plaintext, id: samples.corpId });
  });

  test("with the same 16 random bytes, our ciphertext is @wecom/crypto's byte for byte, and ours decrypts theirs", () => {
    const random = Buffer.from("0123456789abcdef");
    const ours = envelopeParts(wecom.encryptReply(samples.reply.plaintext, timestamp, nonce, random)).encrypt;
    const theirs = wecomEncrypt(samples.encodingAesKey, samples.reply.plaintext, samples.corpId, random);
    expect(ours).toBe(theirs);
    const theirSignature = getSignature(samples.token, timestamp, nonce, theirs);
    expect(wecom.decryptMessage({ msgSignature: theirSignature, timestamp, nonce }, `<xml><Encrypt><![CDATA[${theirs}]]></Encrypt></xml>`)).toBe(
      samples.reply.plaintext,
    );
  });
});

describe("refusals", () => {
  const v = samples.verifyUrl;
  const good = { msg_signature: v.msgSignature, timestamp: v.timestamp, nonce: v.nonce, echostr: v.echostr };

  test("a missing argument is 400 'missing'", () => {
    for (const key of Object.keys(good)) {
      expect(refusal(() => wecom.verifyUrl({ ...good, [key]: undefined }))).toMatchObject({ reason: "missing", status: 400 });
    }
    expect(refusal(() => readWecomQuery({ timestamp: "1", nonce: "2" }))).toMatchObject({ reason: "missing", status: 400 });
  });

  test("a wrong signature, another token or a changed timestamp is 401 'signature'", () => {
    expect(refusal(() => wecom.verifyUrl({ ...good, msg_signature: "0".repeat(40) }))).toMatchObject({ reason: "signature", status: 401 });
    expect(refusal(() => wecom.verifyUrl({ ...good, timestamp: "1409659590" }))).toMatchObject({ reason: "signature", status: 401 });
    const other = createWecomCallback({ ...params, token: "another" });
    expect(refusal(() => other.verifyUrl(good))).toMatchObject({ reason: "signature", status: 401 });
  });

  test("a plaintext for another corp-id is 400 'receive-id' (WeCom's -40005), naming neither id", () => {
    const other = createWecomCallback({ ...params, corpId: "ww0123456789abcdef" });
    const r = refusal(() => other.verifyUrl(good));
    expect(r).toMatchObject({ reason: "receive-id", status: 400 });
    expect(r.message).not.toContain(samples.corpId);
    expect(r.message).not.toContain("ww0123456789abcdef");
  });

  test("bad padding (WeCom's -40007), non-canonical base64 and a body without Encrypt are 400", () => {
    const framed = Buffer.concat([Buffer.alloc(16, 1), Buffer.from([0, 0, 0, 2]), Buffer.from("hi"), Buffer.from(samples.corpId)]);
    const badPad = Buffer.concat([framed, Buffer.alloc(32 - (framed.length % 32), 33)]);
    const encrypt = rawEncrypt(badPad);
    const sign = (e: string) => ({ ...good, echostr: e, msg_signature: getSignature(samples.token, v.timestamp, v.nonce, e) });
    expect(refusal(() => wecom.verifyUrl(sign(encrypt)))).toMatchObject({ reason: "padding", status: 400 });
    expect(refusal(() => wecom.verifyUrl(sign(`${v.echostr} `)))).toMatchObject({ reason: "base64", status: 400 });
    const query = readWecomQuery(good);
    expect(refusal(() => wecom.decryptMessage(query, "<xml><ToUserName>x</ToUserName></xml>"))).toMatchObject({ reason: "envelope", status: 400 });
  });

  test("a bad EncodingAESKey fails when the app is set up, not per message", () => {
    expect(() => createWecomCallback({ ...params, aesKey: "short" })).toThrow("EncodingAESKey must be 43 base64 characters");
  });
});

describe("dedup identity", () => {
  const event = (fields: string) =>
    withWecomDedupKey(
      parseInboundXml(
        `<xml><ToUserName>ww1</ToUserName><FromUserName>sys</FromUserName><CreateTime>1403610513</CreateTime><MsgType>event</MsgType><Event>change_contact</Event>${fields}</xml>`,
      ),
    );

  test("two contact changes from `sys` in the same second get different keys; a resend gets the same key", () => {
    const a = event("<ChangeType>create_user</ChangeType><UserID>zhangsan</UserID>");
    const b = event("<ChangeType>create_user</ChangeType><UserID>lisi</UserID>");
    const resend = event("<UserID>zhangsan</UserID><ChangeType>create_user</ChangeType>");
    expect(dedupKeyOf(a)).not.toBe(dedupKeyOf(b));
    expect(dedupKeyOf(resend)).toBe(dedupKeyOf(a));
  });

  test("messages keep the MsgId key", async () => {
    const msg = withWecomDedupKey(parseInboundXml(await fixture("callback-text.plain.xml")));
    expect(dedupKeyOf(msg)).toBe("m:4561255354251345929");
  });
});
