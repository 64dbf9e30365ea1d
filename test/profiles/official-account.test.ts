import { describe, expect, test } from "bun:test";
import { GatewayError } from "../../src/http/errors";
import { createOfficialAccountProfile } from "../../src/profiles/official-account";
import { createMessageCrypto, msgSignature } from "../../src/wechat/crypto";
import { type AddressedReply, buildReplyXml } from "../../src/wechat/reply";
import { AES_KEY, APP_ID, makeConfig, TOKEN } from "../_helpers/config";
import { openEncryptedReply, signedQuery, textXml } from "../_helpers/wechat";

const svc = (extra: Record<string, unknown> = {}) => makeConfig(extra).services[0]!;
const aesSvc = (extra: Record<string, unknown> = {}) =>
  svc({ "wx-params": { token: TOKEN, "app-id": APP_ID, "app-secret": "s", "aes-key": AES_KEY }, ...extra });
const query = (extra: Record<string, string> = {}) => ({ ...Object.fromEntries(signedQuery()), ...extra });
const statusOf = (fn: () => unknown): number => {
  try {
    fn();
  } catch (err) {
    if (err instanceof GatewayError) return err.status;
    throw err;
  }
  return 0;
};
const reply: AddressedReply = { kind: "reply", reply: { type: "text", msg: "hi ]]> there" }, toUser: "oUser1", fromUser: "gh_test", createTime: 1_700_000_123 };

describe("official account profile", () => {
  test("the query: arguments (400), signature (401), encrypt_type (400); what it proved", () => {
    const p = createOfficialAccountProfile(svc());
    expect(statusOf(() => p.verifyQuery({ timestamp: "1", nonce: "n" }))).toBe(400);
    expect(statusOf(() => p.verifyQuery(query({ signature: "0".repeat(40) })))).toBe(401);
    expect(statusOf(() => p.verifyQuery(query({ encrypt_type: "des" })))).toBe(400);
    const q = query({ encrypt_type: "aes", msg_signature: "abc" });
    expect(p.verifyQuery(q)).toEqual({ timestamp: q.timestamp!, nonce: q.nonce!, aes: true, msgSignature: "abc" });
    expect(p.verifyQuery(query({ encrypt_type: "raw" })).aes).toBe(false);
  });

  test("URL verification answers echostr once the signature holds", () => {
    const p = createOfficialAccountProfile(svc());
    expect(p.verifyUrl(query({ echostr: "e-123" })).echo).toBe("e-123");
    expect(statusOf(() => p.verifyUrl(query({ echostr: "e", signature: "0".repeat(40) })))).toBe(401);
    expect(statusOf(() => p.verifyUrl(query()))).toBe(400);
  });

  test("plaintext is taken as is, and refused (401) with an aes-key unless allow-plaintext", () => {
    const plain = createOfficialAccountProfile(svc());
    const q = plain.verifyQuery(query());
    const xml = textXml("a");
    expect(plain.decode(xml, q)).toEqual({ text: xml, format: "xml", encrypted: false });
    expect(statusOf(() => createOfficialAccountProfile(aesSvc()).decode(xml, q))).toBe(401);
    expect(createOfficialAccountProfile(aesSvc({ "allow-plaintext": true })).decode(xml, q).encrypted).toBe(false);
  });

  test("an aes body: msg_signature checked (400 missing, 401 wrong), then decrypted", () => {
    const p = createOfficialAccountProfile(aesSvc());
    const xml = textXml("secret");
    const encrypt = createMessageCrypto(AES_KEY, APP_ID).encrypt(xml);
    const body = `<xml><ToUserName><![CDATA[gh]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`;
    const q = p.verifyQuery(query({ encrypt_type: "aes" }));
    expect(statusOf(() => p.decode(body, q))).toBe(400);
    expect(statusOf(() => p.decode(body, { ...q, msgSignature: "0".repeat(40) }))).toBe(401);
    expect(statusOf(() => p.decode("<xml></xml>", q))).toBe(400);
    const signed = { ...q, msgSignature: msgSignature(TOKEN, q.timestamp, q.nonce, encrypt) };
    expect(p.decode(body, signed)).toEqual({ text: xml, format: "xml", encrypted: true });
    expect(statusOf(() => createOfficialAccountProfile(svc()).decode(body, signed))).toBe(400); // no aes-key
  });

  test("parse gives the typed message", () => {
    const msg = createOfficialAccountProfile(svc()).parse({ text: textXml("hello", "7362551834723893001"), format: "xml", encrypted: false });
    expect([msg.MsgType, msg.Content, msg.MsgId]).toEqual(["text", "hello", "7362551834723893001"]);
  });

  test("a reply is XML, encrypted in the envelope when the message was; no reply is a plain `success`", async () => {
    const p = createOfficialAccountProfile(aesSvc());
    const xml = buildReplyXml(reply.reply, reply.toUser, reply.fromUser, reply.createTime);
    expect(p.render(reply)).toBe(xml);
    const q = p.verifyQuery(query({ encrypt_type: "aes" }));
    const plain = p.encode(reply, q, { text: "", format: "xml", encrypted: false });
    expect([plain.headers.get("content-type"), await plain.text()]).toEqual(["application/xml; charset=utf-8", xml]);
    const sealed = await p.encode(reply, q, { text: "", format: "xml", encrypted: true }).text();
    expect(openEncryptedReply(sealed, AES_KEY, APP_ID)).toEqual({ xml, signatureOk: true });
    expect(sealed).toContain(`<TimeStamp>${q.timestamp}</TimeStamp>`);
    const none = p.noReply();
    expect([none.headers.get("content-type"), await none.text()]).toEqual(["text/plain; charset=utf-8", "success"]);
  });
});
