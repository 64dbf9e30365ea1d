/**
 * @module wechat/envelope
 * The outer layer of safe-mode callbacks: pulls the `Encrypt` value out of the body WeChat POSTs
 * (XML for Official Accounts, JSON for Channels shop pushes) and builds the encrypted passive reply
 * envelope documented in WeChat's "消息加解密说明":
 * `<xml><Encrypt/><MsgSignature/><TimeStamp/><Nonce/></xml>`.
 *
 * Extraction runs on every callback before anything is verified, so it is a string scan, not an
 * XML parse: the value it returns is only trusted after msg_signature covers it.
 */
import { type MessageCrypto, msgSignature } from "./crypto";
import { jsonNestingBeyond, MAX_NESTING } from "./input-rules";

const OPEN = "<Encrypt>";
const CLOSE = "</Encrypt>";
const CDATA_OPEN = "<![CDATA[";
const CDATA_CLOSE = "]]>";
/** A DTD is how entity-expansion and XXE attacks start; WeChat never sends one. */
const DTD = /<!(?:DOCTYPE|ENTITY)/i;

/**
 * The `Encrypt` value of an encrypted XML callback
 * (`<xml><ToUserName><![CDATA[…]]></ToUserName><Encrypt><![CDATA[…]]></Encrypt></xml>`),
 * as CDATA or as plain text, surrounding whitespace trimmed.
 *
 * Returns null — never throws — when there is no usable value: no `<Encrypt>` element, an empty or
 * unterminated one, markup inside it, or a `<!DOCTYPE`/`<!ENTITY` declaration in the prolog (before
 * `<xml`, the only place XML allows one). The caller answers such a body with 400.
 *
 * In compatible mode (兼容模式) the body also carries the plaintext fields, so a user's text can
 * contain "<Encrypt>" or "<!DOCTYPE html>" inside CDATA: WeChat puts the real `<Encrypt>` last, so
 * the last one is taken, and only the prolog is checked for a DTD. A wrong pick cannot do harm:
 * msg_signature covers the value.
 */
export function extractXmlEncrypt(body: string): string | null {
  const root = body.indexOf("<xml");
  if (DTD.test(root === -1 ? body : body.slice(0, root))) return null;
  const open = body.lastIndexOf(OPEN);
  if (open === -1) return null;
  const start = open + OPEN.length;
  const close = body.indexOf(CLOSE, start);
  if (close === -1) return null;
  let value = body.slice(start, close).trim();
  if (value.startsWith(CDATA_OPEN)) {
    if (!value.endsWith(CDATA_CLOSE)) return null;
    value = value.slice(CDATA_OPEN.length, -CDATA_CLOSE.length).trim();
  }
  // base64 never contains markup or entities; anything like that is not WeChat's envelope.
  if (value.length === 0 || /[<>&]/.test(value)) return null;
  return value;
}

/**
 * The `Encrypt` value of an encrypted Channels shop (视频号小店) JSON callback
 * (`{"ToUserName":"…","Encrypt":"…"}`). Returns null, never throws, when the body is not a JSON
 * object, nests deeper than the callbacks' limit, or has no non-empty string `Encrypt`.
 */
export function extractJsonEncrypt(body: string): string | null {
  if (jsonNestingBeyond(body, MAX_NESTING) !== -1) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return null;
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return null;
  const value = (parsed as Record<string, unknown>).Encrypt;
  return typeof value === "string" && value.length > 0 ? value : null;
}

/**
 * WeChat's encrypted passive-reply envelope. `encrypt` (base64) and `signature` (hex) cannot break
 * CDATA; `timestamp` and `nonce` come from the request, so they are written safely anyway.
 */
export function encryptedReplyXml(encrypt: string, signature: string, timestamp: string, nonce: string): string {
  return (
    `<xml><Encrypt>${cdata(encrypt)}</Encrypt>` +
    `<MsgSignature>${cdata(signature)}</MsgSignature>` +
    `<TimeStamp>${escapeText(timestamp)}</TimeStamp>` +
    `<Nonce>${cdata(nonce)}</Nonce></xml>`
  );
}

/**
 * Encrypts a passive reply (the plaintext reply XML) and wraps it in the envelope, signed with
 * msg_signature over [token, timestamp, nonce, Encrypt]. Pass the request's timestamp and nonce.
 */
export function encryptReply(crypto: MessageCrypto, token: string, replyXml: string, timestamp: string, nonce: string): string {
  const encrypt = crypto.encrypt(replyXml);
  return encryptedReplyXml(encrypt, msgSignature(token, timestamp, nonce, encrypt), timestamp, nonce);
}

/** CDATA section that survives a `]]>` inside the text (split across two sections). */
function cdata(text: string): string {
  return `${CDATA_OPEN}${text.replaceAll("]]>", "]]]]><![CDATA[>")}${CDATA_CLOSE}`;
}

function escapeText(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}
