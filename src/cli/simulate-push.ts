/**
 * @module cli/simulate-push
 * How `wx-gateway simulate` sends a message as the service's push surface does (SPEC §8) — its kind
 * comes from the config — and opens the answer as WeChat or WeCom would:
 * - Official Account, Channels shop, Mini Program: `signature` over [token, timestamp, nonce]; with an
 *   aes-key also `encrypt_type=aes` and `msg_signature`, the message in the XML or JSON envelope
 *   (`{"ToUserName","Encrypt"}`); the answer decrypted from either envelope;
 * - WeCom: `msg_signature` only, always encrypted for the corp-id, in `<xml><ToUserName/><AgentID/><Encrypt/></xml>`;
 *   an empty answer is WeCom's "no reply".
 */
import type { ServiceConfig } from "../config/types";
import { createMessageCrypto, type MessageCrypto } from "../wechat/crypto";
import { extractJsonEncrypt, extractXmlEncrypt } from "../wechat/envelope";
import { verifySignature, wechatSignature } from "../wechat/signature";
import { cdata } from "../wechat/xml";

export type PushFormat = "xml" | "json";

/** A push ready to send, and how to read its answer. */
export interface SignedPush {
  readonly query: URLSearchParams;
  readonly body: string;
  readonly contentType: string;
  /** the answer's plaintext, and whether its signature held (null when it came unencrypted) */
  open(answer: string): { readonly plain: string; readonly signatureOk: boolean | null };
}

/**
 * The format the service's pushes come in: JSON for a Channels shop, XML for an Official Account and
 * a WeCom app; a Mini Program's is chosen in its console, so `wanted` (the --format flag) or JSON.
 */
export function pushFormatOf(svc: ServiceConfig, wanted?: string): PushFormat {
  if (svc.kind === "channels-ec") return "json";
  if (svc.kind === "mini-program") return wanted === "xml" ? "xml" : "json";
  return "xml";
}

/** The fields a surface's messages carry besides the built ones: a WeCom message names the corp and the app. */
export function surfaceFields(svc: ServiceConfig, fields: Record<string, string>, to?: string): Record<string, string> {
  if (svc.kind !== "wecom") return fields;
  return { ...fields, ToUserName: to ?? svc.corpId, AgentID: fields.AgentID ?? svc.agentId };
}

const CONTENT_TYPE: Record<PushFormat, string> = { xml: "text/xml", json: "application/json" };

/**
 * `message` (its text, in `format`) signed and, when the service encrypts, encrypted as its surface
 * sends it; `to` and `from` are its ToUserName (the envelope's too) and FromUserName (the query's openid).
 */
export function signPush(
  svc: ServiceConfig,
  message: string,
  format: PushFormat,
  who: { to: string; from: string },
  timestamp: string,
  nonce: string,
): SignedPush {
  const wecom = svc.kind === "wecom";
  const crypto = svc.aesKey ? createMessageCrypto(svc.aesKey, wecom ? svc.corpId : svc.appId) : null;
  const query = new URLSearchParams({ timestamp, nonce });
  if (!wecom) {
    query.set("signature", wechatSignature([svc.token, timestamp, nonce]));
    query.set("openid", who.from);
  }
  const contentType = CONTENT_TYPE[format];
  if (crypto === null) return { query, body: message, contentType, open: (plain) => ({ plain, signatureOk: null }) };
  const encrypt = crypto.encrypt(message);
  query.set("msg_signature", wechatSignature([svc.token, timestamp, nonce, encrypt]));
  if (!wecom) query.set("encrypt_type", "aes");
  const to = cdata(wecom ? svc.corpId : who.to);
  const body =
    format === "json"
      ? JSON.stringify({ ToUserName: who.to, Encrypt: encrypt })
      : `<xml><ToUserName>${to}</ToUserName>${wecom ? `<AgentID>${cdata(svc.agentId)}</AgentID>` : ""}<Encrypt>${cdata(encrypt)}</Encrypt></xml>`;
  return { query, body, contentType, open: (answer) => openAnswer(answer, svc.token, crypto) };
}

/** An encrypted answer (XML or JSON envelope) decrypted with its signature checked; anything else as it came. */
function openAnswer(answer: string, token: string, crypto: MessageCrypto): { plain: string; signatureOk: boolean | null } {
  const json = answer.startsWith("{");
  const encrypt = json ? extractJsonEncrypt(answer) : answer.startsWith("<xml>") ? extractXmlEncrypt(answer) : null;
  if (!encrypt) return { plain: answer, signatureOk: null };
  const envelope = json ? (JSON.parse(answer) as Record<string, unknown>) : null;
  const field = (name: string) => (envelope ? String(envelope[name] ?? "") : (new RegExp(`<${name}>(?:<!\\[CDATA\\[)?([^<\\]]*)`).exec(answer)?.[1] ?? ""));
  const signed = verifySignature(field("MsgSignature"), [token, field("TimeStamp"), field("Nonce"), encrypt]);
  return { plain: crypto.decrypt(encrypt), signatureOk: signed };
}
