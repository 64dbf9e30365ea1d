/**
 * @module wechat/json-reply
 * What the gateway answers a Mini Program push with when the push came as JSON (SPEC §8), as WeChat's
 * message-push page ("消息推送", developers.weixin.qq.com/miniprogram/dev/framework/server-ability/message-push.html)
 * and its customer-service pages describe it:
 * - `{"type":"json","json":{…}}` from the backend: that object is the answer, for events that demand
 *   a specific body (virtual payment's `{"ErrCode":0,"ErrMsg":"success"}`);
 * - transfer_customer_service: `{"ToUserName","FromUserName","CreateTime","MsgType"}`;
 * - to an encrypted push, the answer encrypted in the envelope `{"Encrypt","MsgSignature","TimeStamp","Nonce"}`
 *   (TimeStamp a number, as in WeChat's example; signed with msg_signature over the Encrypt).
 * Pure: strings and values in, the body text out.
 */
import { type MessageCrypto, msgSignature } from "./crypto";

/** The backend's `json` reply, validated. */
export interface JsonBodyReply {
  readonly type: "json";
  readonly json: Readonly<Record<string, unknown>>;
}

/**
 * The backend's answer as a `json` reply: the reply; a reason to answer "success" instead when `json`
 * is not a JSON object; undefined when the answer is another reply type (wechat/reply's business).
 */
export function jsonReplyOf(body: unknown): JsonBodyReply | string | undefined {
  if (typeof body !== "object" || body === null || (body as { type?: unknown }).type !== "json") return undefined;
  const json = (body as { json?: unknown }).json;
  if (typeof json !== "object" || json === null || Array.isArray(json)) return 'a "json" reply needs a JSON object in "json"';
  return { type: "json", json: json as Record<string, unknown> };
}

/** The body of a `json` reply: the object as JSON text. */
export const jsonReplyBody = (reply: JsonBodyReply): string => JSON.stringify(reply.json);

/**
 * WeChat's passive transfer_customer_service reply in JSON (转发客服消息), addressed back to the
 * sender: `toUser` is the user's openId, `fromUser` the Mini Program's original id.
 */
export function transferCustomerServiceJson(toUser: string, fromUser: string, createTime: number): string {
  return JSON.stringify({ ToUserName: toUser, FromUserName: fromUser, CreateTime: createTime, MsgType: "transfer_customer_service" });
}

/** The request's timestamp is digits (checked when `timeout` is set); anything else stays a string. */
const timeStampJson = (timestamp: string): string => (/^[0-9]{1,15}$/.test(timestamp) ? timestamp : JSON.stringify(timestamp));

/** WeChat's encrypted JSON envelope around an `Encrypt` value and its signature. */
export function encryptedReplyJson(encrypt: string, signature: string, timestamp: string, nonce: string): string {
  return `{"Encrypt":${JSON.stringify(encrypt)},"MsgSignature":${JSON.stringify(signature)},"TimeStamp":${timeStampJson(timestamp)},"Nonce":${JSON.stringify(nonce)}}`;
}

/**
 * Encrypts a reply body (JSON text) and wraps it in the JSON envelope, signed with msg_signature over
 * [token, timestamp, nonce, Encrypt]. Pass the request's timestamp and nonce; `random16` is for tests.
 */
export function encryptJsonReply(crypto: MessageCrypto, token: string, body: string, timestamp: string, nonce: string, random16?: Uint8Array): string {
  const encrypt = crypto.encrypt(body, random16);
  return encryptedReplyJson(encrypt, msgSignature(token, timestamp, nonce, encrypt), timestamp, nonce);
}
