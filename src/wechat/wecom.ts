/**
 * @module wechat/wecom
 * WeCom (企业微信) self-built app callbacks, as described in WeCom's "加解密方案说明"
 * (developer.work.weixin.qq.com/document/path/90968) and implemented by its WXBizMsgCrypt samples:
 * the same AES-256-CBC scheme as an Official Account's safe mode (wechat/crypto), with the corp-id as
 * the receive id, but every request is encrypted and signed with `msg_signature` only:
 *
 * - GET (URL verification): `msg_signature == sha1(sort([token, timestamp, nonce, echostr]))`; the
 *   echostr is encrypted and the answer is its plaintext (no quotes, newline or BOM).
 * - POST: `<xml><ToUserName/><AgentID/><Encrypt/></xml>`, `msg_signature` over the Encrypt value; the
 *   plaintext is the message XML.
 * - Replies are always the encrypted envelope of wechat/envelope; "no reply" is an empty body.
 *
 * Pure and synchronous: strings in, strings out, a WecomError naming what was wrong (never a value).
 */
import { channelsDedupKey } from "./channels";
import { CryptoError, type CryptoErrorReason, createMessageCrypto, msgSignature } from "./crypto";
import { encryptedReplyXml, extractXmlEncrypt } from "./envelope";
import { DEDUP_KEY, type InboundMessage } from "./message";
import { verifySignature } from "./signature";

/** WeCom answers "no reply" with an empty 200 body (its docs: 直接回复空串). */
export const WECOM_NO_REPLY = "";

/**
 * Why a WeCom callback was refused: `missing` (a query argument), `envelope` (no usable `<Encrypt>`),
 * `signature` (msg_signature), `receive-id` (the plaintext is for another corp-id), or why the
 * ciphertext could not be decrypted (wechat/crypto's reasons).
 */
export type WecomErrorReason = "missing" | "envelope" | "signature" | "receive-id" | Exclude<CryptoErrorReason, "app-id">;

export class WecomError extends Error {
  override readonly name = "WecomError";
  constructor(
    readonly reason: WecomErrorReason,
    message: string,
  ) {
    super(message);
  }

  /** 401 for a signature that does not match, 400 for everything else (as for an Official Account). */
  get status(): 400 | 401 {
    return this.reason === "signature" ? 401 : 400;
  }
}

/** The query arguments every WeCom callback carries (already URL-decoded). */
export interface WecomQuery {
  readonly msgSignature: string;
  readonly timestamp: string;
  readonly nonce: string;
}

type Query = Readonly<Record<string, string | undefined>>;

/** Reads msg_signature, timestamp and nonce; any of them missing or empty is a WecomError("missing"). */
export function readWecomQuery(query: Query): WecomQuery {
  const { msg_signature: msgSignature, timestamp, nonce } = query;
  if (!msgSignature || !timestamp || !nonce) throw new WecomError("missing", "msg_signature, timestamp and nonce are required");
  return { msgSignature, timestamp, nonce };
}

export interface WecomParams {
  readonly token: string;
  /** the app's 43-character EncodingAESKey */
  readonly aesKey: string;
  /** the corp-id (企业ID): the receive id every plaintext must end with */
  readonly corpId: string;
}

/** The callback crypto of one WeCom app. */
export interface WecomCallback {
  /** GET: checks msg_signature over the echostr and answers its plaintext. */
  verifyUrl(query: Query): string;
  /** POST: checks msg_signature over the body's Encrypt and returns the message XML. */
  decryptMessage(query: WecomQuery, body: string): string;
  /** The encrypted reply envelope for a reply XML, signed with the request's timestamp and nonce. */
  encryptReply(replyXml: string, timestamp: string, nonce: string, random16?: Uint8Array): string;
}

/** Creates the callback crypto of one app; the key is decoded here, so a bad key fails at start. */
export function createWecomCallback(params: WecomParams): WecomCallback {
  const crypto = createMessageCrypto(params.aesKey, params.corpId);
  const { token } = params;

  function open(encrypt: string, query: WecomQuery): string {
    if (!verifySignature(query.msgSignature, [token, query.timestamp, query.nonce, encrypt])) {
      throw new WecomError("signature", "msg_signature mismatch");
    }
    try {
      return crypto.decrypt(encrypt);
    } catch (err) {
      if (!(err instanceof CryptoError)) throw err;
      if (err.reason === "app-id") throw new WecomError("receive-id", "message is not for this corp-id (receive id)");
      throw new WecomError(err.reason, `cannot decrypt: ${err.reason}`);
    }
  }

  return {
    verifyUrl(query) {
      const echostr = query.echostr;
      if (!echostr) throw new WecomError("missing", "echostr is required");
      return open(echostr, readWecomQuery(query));
    },
    decryptMessage(query, body) {
      const encrypt = extractXmlEncrypt(body);
      if (!encrypt) throw new WecomError("envelope", "no Encrypt element in the body");
      return open(encrypt, query);
    },
    encryptReply(replyXml, timestamp, nonce, random16) {
      const encrypt = crypto.encrypt(replyXml, random16);
      return encryptedReplyXml(encrypt, msgSignature(token, timestamp, nonce, encrypt), timestamp, nonce);
    },
  };
}

/**
 * Gives a WeCom event its dedup identity and returns the message. Events carry no MsgId, and the
 * generic key (FromUserName + CreateTime + Event + EventKey) merges distinct events: contact changes
 * come from the fixed sender `sys`, so two members created in the same second would share a key and
 * the second would never reach the backend. WeCom's retry resends the same plaintext, so the
 * whole-event hash the Channels shop uses for the same problem (wechat/channels) is the same for a
 * retry and differs between events. Messages keep the generic MsgId key.
 */
export function withWecomDedupKey(msg: InboundMessage): InboundMessage {
  if (msg.MsgType === "event") Object.defineProperty(msg, DEDUP_KEY, { value: channelsDedupKey(msg) });
  return msg;
}
