/**
 * @module test/_helpers/surfaces
 * A push of any surface (SPEC §8: kind × format × mode) as WeChat or WeCom sends it, and the answer
 * opened as they would open it (signature checked, decrypted). Credentials are the suite's: TOKEN,
 * AES_KEY, APP_ID, and CORP_ID for WeCom.
 *
 *   const res = await fetch(pushRequest(`${gw.url}/mp`, { kind: "mini-program", format: "json", mode: "safe" }, fields));
 *   expect(await openAnswer(res, push)).toContain("transfer_customer_service");
 */
import { expect } from "bun:test";
import { getSignature, decrypt as wecomDecrypt, encrypt as wecomEncrypt } from "@wecom/crypto";
import type { ServiceKind } from "../../src/config/schema";
import { createMessageCrypto } from "../../src/wechat/crypto";
import { wechatSignature } from "../../src/wechat/signature";
import { AES_KEY, APP_ID, TOKEN } from "./config";
import { aesQuery, messageXml, openEncryptedReply, readReplyEnvelope, signedQuery } from "./wechat";

export const CORP_ID = "ww0123456789abcdef";
export const AGENT_ID = "1000002";

export type Mode = "plaintext" | "compatible" | "safe";
export interface Push {
  readonly kind: ServiceKind;
  readonly format: "xml" | "json";
  readonly mode: Mode;
}

/** the message's fields: flat for XML; JSON pushes may nest (a Channels order) */
type Fields = Record<string, unknown>;

const CONTENT_TYPE = { xml: "text/xml", json: "application/json" } as const;

/** The push of `fields` to a service's URL, as its surface sends it in `format` and `mode`. */
export function pushRequest(url: string, push: Push, fields: Fields): Request {
  const headers = { "content-type": CONTENT_TYPE[push.format] };
  const xml = () => messageXml(fields as Record<string, string | number>);
  if (push.kind === "wecom") return wecomPost(url, xml());
  const text = push.format === "json" ? JSON.stringify(fields) : xml();
  if (push.mode === "plaintext") return new Request(`${url}?${signedQuery()}`, { method: "POST", body: text, headers });
  const encrypt = createMessageCrypto(AES_KEY, APP_ID).encrypt(text);
  const body =
    push.format === "json"
      ? JSON.stringify(push.mode === "compatible" ? { ...fields, Encrypt: encrypt } : { ToUserName: fields.ToUserName, Encrypt: encrypt })
      : push.mode === "compatible"
        ? text.replace(/<\/xml>$/, `<Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`)
        : `<xml><ToUserName><![CDATA[${fields.ToUserName}]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`;
  return new Request(`${url}?${aesQuery(encrypt)}`, { method: "POST", body, headers });
}

let nonce = 0;

/** A WeCom callback: `xml` encrypted for CORP_ID, signed with msg_signature only. */
export function wecomPost(url: string, xml: string, opts: { receiveId?: string } = {}): Request {
  const encrypt = wecomEncrypt(AES_KEY, xml, opts.receiveId ?? CORP_ID);
  const timestamp = String(Math.floor(Date.now() / 1000));
  const n = `wc${++nonce}`;
  const body = `<xml><ToUserName><![CDATA[${CORP_ID}]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt><AgentID><![CDATA[${AGENT_ID}]]></AgentID></xml>`;
  return new Request(`${url}?msg_signature=${getSignature(TOKEN, timestamp, n, encrypt)}&timestamp=${timestamp}&nonce=${n}`, { method: "POST", body });
}

/** The answer as the surface reads it: decrypted (its signature checked) when encrypted, else the body. */
export async function openAnswer(res: Response, push: Push): Promise<string> {
  const text = await res.text();
  if (push.kind === "wecom") {
    if (text === "") return "";
    const env = readReplyEnvelope(text);
    if (!env) throw new Error(`not WeCom's reply envelope: ${text}`);
    expect(getSignature(TOKEN, env.timeStamp, env.nonce, env.encrypt)).toBe(env.msgSignature);
    const { message, id } = wecomDecrypt(AES_KEY, env.encrypt);
    expect(id).toBe(CORP_ID);
    return message;
  }
  if (text.startsWith("<xml><Encrypt>")) {
    const opened = openEncryptedReply(text, AES_KEY, APP_ID);
    expect(opened.signatureOk).toBe(true);
    return opened.xml;
  }
  if (text.startsWith('{"Encrypt"')) {
    const env = JSON.parse(text) as { Encrypt: string; MsgSignature: string; TimeStamp: number; Nonce: string };
    expect(wechatSignature([TOKEN, String(env.TimeStamp), env.Nonce, env.Encrypt])).toBe(env.MsgSignature);
    return createMessageCrypto(AES_KEY, APP_ID).decrypt(env.Encrypt);
  }
  return text;
}
