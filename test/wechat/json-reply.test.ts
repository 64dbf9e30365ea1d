/**
 * @module test/wechat/json-reply
 * Replies to Mini Program JSON pushes (wechat/json-reply): the encrypted JSON envelope reproduces
 * WeChat's published example byte for byte, the `json` reply type is recognised and validated, and
 * transfer_customer_service has WeChat's JSON shape.
 */
import { describe, expect, test } from "bun:test";
import { createMessageCrypto } from "../../src/wechat/crypto";
import { extractJsonEncrypt } from "../../src/wechat/envelope";
import { encryptedReplyJson, encryptJsonReply, jsonReplyBody, jsonReplyOf, transferCustomerServiceJson } from "../../src/wechat/json-reply";
import { verifySignature } from "../../src/wechat/signature";
import samples from "../fixtures/mini-program/samples.json";

const crypto = createMessageCrypto(samples.encodingAesKey, samples.appId);
const r = samples.encryptedReply;

describe("encrypted JSON envelope", () => {
  test("WeChat's example reply: same Encrypt, MsgSignature, a numeric TimeStamp and the Nonce, byte for byte", () => {
    const body = encryptJsonReply(crypto, samples.token, r.plaintext, r.timestamp, r.nonce, Buffer.from(r.random16));
    expect(body).toBe(JSON.stringify(r.body));
    expect(JSON.parse(body)).toStrictEqual(r.body);
  });

  test("a reply with fresh random bytes decrypts to the reply and verifies like WeChat does", () => {
    const body = encryptJsonReply(crypto, samples.token, r.plaintext, r.timestamp, r.nonce);
    const envelope = JSON.parse(body) as Record<string, unknown>;
    const encrypt = extractJsonEncrypt(body)!;
    expect(encrypt).not.toBe(r.encrypt);
    expect(verifySignature(String(envelope.MsgSignature), [samples.token, String(envelope.TimeStamp), String(envelope.Nonce), encrypt])).toBe(true);
    expect(crypto.decrypt(encrypt)).toBe(r.plaintext);
  });

  test("a timestamp that is not digits stays a JSON string; every value is escaped", () => {
    expect(JSON.parse(encryptedReplyJson("e", "s", "17x", 'n"1'))).toStrictEqual({ Encrypt: "e", MsgSignature: "s", TimeStamp: "17x", Nonce: 'n"1' });
  });
});

describe("the json reply type", () => {
  test('{"type":"json","json":{…}} is a reply whose body is that object', () => {
    const reply = jsonReplyOf({ type: "json", json: { ErrCode: 0, ErrMsg: "success" } });
    expect(reply).toEqual({ type: "json", json: { ErrCode: 0, ErrMsg: "success" } });
    expect(jsonReplyBody(reply as Exclude<typeof reply, string | undefined>)).toBe('{"ErrCode":0,"ErrMsg":"success"}');
  });

  test("a json reply without an object is a reason to answer success; other types are not this module's", () => {
    for (const json of [undefined, null, "ok", [1], 0]) expect(jsonReplyOf({ type: "json", json })).toBe('a "json" reply needs a JSON object in "json"');
    expect(jsonReplyOf({ type: "text", msg: "hi" })).toBeUndefined();
    expect(jsonReplyOf({ msg: "hi" })).toBeUndefined();
    expect(jsonReplyOf("json")).toBeUndefined();
  });
});

test("transfer_customer_service in JSON is WeChat's four fields, addressed back to the sender", () => {
  expect(JSON.parse(transferCustomerServiceJson("o9AgO5Kd5ggOC-bXrbNODIiE3bGY", "gh_97417a04a28d", 1714112445))).toStrictEqual({
    ToUserName: "o9AgO5Kd5ggOC-bXrbNODIiE3bGY",
    FromUserName: "gh_97417a04a28d",
    CreateTime: 1714112445,
    MsgType: "transfer_customer_service",
  });
});
