/**
 * @module test/_helpers/wechat
 * Builds callbacks the way WeChat sends them: signed query strings, message XML, and (safe mode)
 * the encrypted envelope with msg_signature.
 */

import { createMessageCrypto } from "../../src/wechat/crypto";
import { extractXmlEncrypt } from "../../src/wechat/envelope";
import { wechatSignature } from "../../src/wechat/signature";
import { TOKEN } from "./config";

let nonceCounter = 0;

export interface SignedQueryOptions {
  token?: string;
  timestamp?: string;
  nonce?: string;
}

export function signedQuery(opts: SignedQueryOptions = {}): URLSearchParams {
  const timestamp = opts.timestamp ?? String(Math.floor(Date.now() / 1000));
  const nonce = opts.nonce ?? `n${Date.now()}${++nonceCounter}`;
  const signature = wechatSignature([opts.token ?? TOKEN, timestamp, nonce]);
  return new URLSearchParams({ signature, timestamp, nonce });
}

const esc = (s: string) => `<![CDATA[${s.replaceAll("]]>", "]]]]><![CDATA[>")}]]>`;

/** A message XML from flat fields; numbers are written bare, strings as CDATA. */
export function messageXml(fields: Record<string, string | number>): string {
  const inner = Object.entries(fields)
    .map(([k, v]) => `<${k}>${typeof v === "number" ? v : esc(v)}</${k}>`)
    .join("");
  return `<xml>${inner}</xml>`;
}

let msgIdCounter = 7_362_551_834_723_893_000n;
export function nextMsgId(): string {
  return String(++msgIdCounter);
}

export function textXml(content: string, msgId = nextMsgId(), from = "oUser1"): string {
  return messageXml({ ToUserName: "gh_test", FromUserName: from, CreateTime: 1700000000, MsgType: "text", Content: content, MsgId: msgId });
}

export function eventXml(event: string, extra: Record<string, string | number> = {}, from = "oUser1"): string {
  return messageXml({ ToUserName: "gh_test", FromUserName: from, CreateTime: 1700000000 + ++nonceCounter, MsgType: "event", Event: event, ...extra });
}

/** A plaintext POST callback. */
export function plainCallback(base: string, path: string, xml: string, query = signedQuery()): Request {
  return new Request(`${base}${path}?${query}`, { method: "POST", body: xml, headers: { "content-type": "text/xml" } });
}

/** A safe-mode POST callback: the XML encrypted into WeChat's envelope, msg_signature set. */
export function aesCallback(base: string, path: string, xml: string, aesKey: string, appId: string, opts: SignedQueryOptions = {}): Request {
  const query = signedQuery(opts);
  const encrypt = createMessageCrypto(aesKey, appId).encrypt(xml);
  query.set("encrypt_type", "aes");
  query.set("msg_signature", wechatSignature([opts.token ?? TOKEN, query.get("timestamp")!, query.get("nonce")!, encrypt]));
  query.set("openid", "oUser1");
  const body = `<xml><ToUserName><![CDATA[gh_test]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`;
  return new Request(`${base}${path}?${query}`, { method: "POST", body });
}

/** Decrypts an encrypted reply envelope and checks its signature; returns the inner XML. */
export function openEncryptedReply(body: string, aesKey: string, appId: string, token = TOKEN): { xml: string; signatureOk: boolean } {
  const encrypt = extractXmlEncrypt(body);
  if (!encrypt) throw new Error(`not an encrypted reply: ${body}`);
  const sig = /<MsgSignature><!\[CDATA\[([^\]]*)\]\]><\/MsgSignature>/.exec(body)?.[1];
  const ts = /<TimeStamp>(?:<!\[CDATA\[)?(\d+)/.exec(body)?.[1] ?? "";
  const nonce = /<Nonce><!\[CDATA\[([^\]]*)\]\]><\/Nonce>/.exec(body)?.[1] ?? "";
  return { xml: createMessageCrypto(aesKey, appId).decrypt(encrypt), signatureOk: sig === wechatSignature([token, ts, nonce, encrypt]) };
}

/** The query of an encrypted callback (signature, encrypt_type=aes, msg_signature over `encrypt`). */
export function aesQuery(encrypt: string, opts: SignedQueryOptions & { msgToken?: string } = {}): URLSearchParams {
  const query = signedQuery(opts);
  query.set("encrypt_type", "aes");
  query.set("msg_signature", wechatSignature([opts.msgToken ?? opts.token ?? TOKEN, query.get("timestamp")!, query.get("nonce")!, encrypt]));
  query.set("openid", "oUser1");
  return query;
}

/**
 * A compatible-mode (兼容模式) POST callback: the plaintext fields of `visibleXml` and, last, the
 * `<Encrypt>` of `xml` (pass a different `visibleXml` to show which one the gateway trusts).
 */
export function compatibleCallback(
  base: string,
  path: string,
  xml: string,
  aesKey: string,
  appId: string,
  opts: SignedQueryOptions = {},
  visibleXml = xml,
): Request {
  const encrypt = createMessageCrypto(aesKey, appId).encrypt(xml);
  const body = visibleXml.replace(/<\/xml>\s*$/, `<Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`);
  return new Request(`${base}${path}?${aesQuery(encrypt, opts)}`, { method: "POST", body, headers: { "content-type": "text/xml" } });
}

/** The four parts of an encrypted reply envelope, or null when the body is not exactly that envelope. */
export function readReplyEnvelope(body: string): { encrypt: string; msgSignature: string; timeStamp: string; nonce: string } | null {
  const m =
    /^<xml><Encrypt><!\[CDATA\[([A-Za-z0-9+/=]+)\]\]><\/Encrypt><MsgSignature><!\[CDATA\[([0-9a-f]{40})\]\]><\/MsgSignature><TimeStamp>(\d+)<\/TimeStamp><Nonce><!\[CDATA\[([^\]]*)\]\]><\/Nonce><\/xml>$/.exec(
      body,
    );
  return m ? { encrypt: m[1]!, msgSignature: m[2]!, timeStamp: m[3]!, nonce: m[4]! } : null;
}

/** A plaintext Channels shop (视频号小店) POST callback: the JSON as WeChat writes it (ids as bare integers). */
export function channelsCallback(base: string, path: string, json: string, query = signedQuery()): Request {
  return new Request(`${base}${path}?${query}`, { method: "POST", body: json, headers: { "content-type": "application/json" } });
}

/** An encrypted Channels shop POST callback: `{"ToUserName":…,"Encrypt":…}` with msg_signature. */
export function channelsAesCallback(base: string, path: string, json: string, aesKey: string, appId: string, opts: SignedQueryOptions = {}): Request {
  const encrypt = createMessageCrypto(aesKey, appId).encrypt(json);
  const body = JSON.stringify({ ToUserName: "gh_shop", Encrypt: encrypt });
  return new Request(`${base}${path}?${aesQuery(encrypt, opts)}`, { method: "POST", body, headers: { "content-type": "application/json" } });
}
