/**
 * @module wechat/json-message
 * Mini Program (小程序/小游戏) pushes in JSON format → the forwarded body (SPEC §8). The console lets
 * a Mini Program choose XML or JSON; an XML push goes through wechat/message like an Official
 * Account's, a JSON push through here, and both give the same body: every key as WeChat sent it,
 * `MsgId` (a bare 64-bit integer in WeChat's JSON) a digit string read from the source text,
 * `CreateTime` an integer, `MsgType`/`Event` plain path segments (wechat/input-rules). A refusal is a
 * MessageError (400) naming the field, never its value.
 */

import { integerOf, isSafeSegment, MAX_SEGMENT_LENGTH } from "./input-rules";
import { losslessReviver, parseJsonObject } from "./lossless-json";
import { checkHeader, DEDUP_KEY, type InboundMessage, MessageError } from "./message";

/** Ids in Mini Program pushes, as in XML callbacks (wechat/message). */
const ID_FIELDS: ReadonlySet<string> = new Set(["MsgId", "MsgID", "MsgDataId"]);
const reviver = losslessReviver(ID_FIELDS);

/** Parses a decrypted (or plain) Mini Program JSON push. @throws MessageError */
export function parseMiniProgramJson(text: string): InboundMessage {
  const msg = parseJsonObject(text, reviver, "Mini Program push");
  if (msg.CreateTime !== undefined) msg.CreateTime = createTimeOf(msg.CreateTime);
  checkHeader(msg);
  plainName("MsgType", msg.MsgType);
  if (msg.MsgType === "event") {
    if (typeof msg.Event !== "string" || msg.Event === "") throw new MessageError("Event is missing or not a single text value");
    plainName("Event", msg.Event);
  }
  return withMiniProgramDedupKey(msg as InboundMessage);
}

function plainName(field: string, value: unknown): void {
  if (!isSafeSegment(value as string)) throw new MessageError(`${field} is not a plain name (letters, digits, _ and -, at most ${MAX_SEGMENT_LENGTH})`);
}

/** CreateTime is an integer (SPEC §4.3); WeChat writes it bare, some tools quote it. */
function createTimeOf(value: unknown): number {
  const n = typeof value === "number" ? (Number.isSafeInteger(value) ? value : undefined) : typeof value === "string" ? integerOf(value) : undefined;
  if (n === undefined) throw new MessageError("CreateTime is not an integer");
  return n;
}

/**
 * The virtual-payment notifications and the field that identifies what they are about. WeChat
 * re-pushes one until it is answered `{"ErrCode":0,"ErrMsg":"success"}` (15 s, 15 s, 30 s, 3 min, …
 * 6 h: about a day), and the resend need not repeat CreateTime (xpay_refund_notify even counts its
 * `RetryTimes`), so the generic event key (FromUserName + CreateTime + Event, where FromUserName is
 * WeChat's fixed sender) would treat each resend as new and also merge two orders paid in the same
 * second. The order (or refund) id is the identity WeChat's docs tell developers to deduplicate on.
 */
const XPAY_IDS: Readonly<Record<string, readonly string[]>> = {
  xpay_goods_deliver_notify: ["OutTradeNo"],
  xpay_coin_pay_notify: ["OutTradeNo"],
  xpay_refund_notify: ["MchRefundId", "WxRefundId"],
};

/**
 * Gives a virtual-payment notification its dedup identity (`x:<Event>:<id>`) and returns the message;
 * every other push keeps the generic key (MsgId, or the event key). Used for JSON and XML pushes alike.
 */
export function withMiniProgramDedupKey(msg: InboundMessage): InboundMessage {
  const fields = msg.MsgType === "event" && typeof msg.Event === "string" ? XPAY_IDS[msg.Event] : undefined;
  if (fields) {
    for (const field of fields) {
      const id = msg[field];
      if ((typeof id === "string" && id !== "") || typeof id === "number") {
        Object.defineProperty(msg, DEDUP_KEY, { value: `x:${msg.Event}:${field}:${id}` });
        break;
      }
    }
  }
  return msg;
}
