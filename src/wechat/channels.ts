/**
 * @module wechat/channels
 * Channels shop (视频号小店) callbacks are JSON, and WeChat writes 64-bit ids such as `order_id`
 * (3705115058471208928) as bare JSON integers, which JSON.parse would round. The parse keeps the
 * source text of every number (JSON.parse's reviver `context.source`): the known id fields must be
 * digit strings, bare or quoted, and are forwarded as strings digit for digit; any other integer of 16
 * or more digits becomes a string too; a number out of range is refused. Nesting is bounded before
 * parsing (wechat/input-rules). Channels events have no MsgId, so the parser also gives each event its
 * dedup identity (`channelsDedupKey`).
 */
import { createHash } from "node:crypto";
import { integerOf } from "./input-rules";
import { losslessReviver, parseJsonObject } from "./lossless-json";
import type { InboundMessage } from "./message";
import { checkHeader, DEDUP_KEY, MessageError } from "./message";

/** Fields that are ids in Channels events: digit strings in the forwarded body whatever their size. */
const ID_FIELDS = new Set(["order_id", "after_sale_order_id", "aftersale_id", "product_id", "sku_id"]);
/** The merchant's own product id: often digits, but not necessarily; a bare number keeps its digits. */
const MERCHANT_ID = "out_product_id";

/** Quotes every integer literal of 16+ digits that stands outside a string. */
export function quoteBigIntegers(json: string): string {
  let out = "";
  let last = 0;
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (inString) {
      if (c === 92)
        i++; // backslash: skip the escaped char
      else if (c === 34) inString = false;
      continue;
    }
    if (c === 34) inString = true;
    else if ((c >= 48 && c <= 57) || c === 45) {
      let j = i + (c === 45 ? 1 : 0);
      while (j < json.length && json.charCodeAt(j) >= 48 && json.charCodeAt(j) <= 57) j++;
      const next = json[j];
      const isInteger = next !== "." && next !== "e" && next !== "E";
      if (isInteger && j - i >= 16) {
        out += `${json.slice(last, i)}"${json.slice(i, j)}"`;
        last = j;
      }
      i = j - 1;
    }
  }
  return last === 0 ? json : out + json.slice(last);
}

/** Numbers as their source text says, ids checked (see the module comment). */
const revive = losslessReviver(ID_FIELDS, new Set([MERCHANT_ID]));

/** Parses a decrypted (or plain) Channels callback into the forwarded body. */
export function toChannelsMessage(text: string): InboundMessage {
  const msg = parseJsonObject(text, revive, "Channels callback");
  if (typeof msg.Event !== "string" || !msg.Event) throw new MessageError("Event is missing or not a single text value");
  if (typeof msg.MsgType !== "string" || !msg.MsgType) msg.MsgType = "event";
  if (msg.CreateTime !== undefined) msg.CreateTime = createTimeOf(msg.CreateTime);
  checkHeader(msg);
  Object.defineProperty(msg, DEDUP_KEY, { value: channelsDedupKey(msg) });
  return msg as InboundMessage;
}

/** CreateTime is an integer (SPEC §4.3); WeChat writes it bare, some tools quote it. */
function createTimeOf(value: unknown): number {
  const n = typeof value === "number" ? (Number.isSafeInteger(value) ? value : undefined) : typeof value === "string" ? integerOf(value) : undefined;
  if (n === undefined) throw new MessageError("CreateTime is not an integer");
  return n;
}

/**
 * The dedup identity of a Channels event: Event + CreateTime + its order (or after-sale order) id +
 * a SHA-256 of the whole event in canonical form (keys sorted, every scalar as a string).
 *
 * WeChat re-pushes an unanswered Channels event for about 3.6 hours (0s/0s/10s/1min/5min/30min/60min…,
 * up to 10 times, per the 微信小店 消息推送 docs), resending the same event, which has no MsgId. The
 * generic event key (FromUserName + CreateTime + Event) is wrong here: one payment can cover several
 * orders of one buyer (several channels_ec_order_pay in the same second from the same FromUserName),
 * and after-sale pushes carry a fixed FromUserName, so distinct events would share a key and all but
 * the first would never reach the backend. A key from a few fields (order_id + Event + CreateTime)
 * still merges two updates of one order in the same second (after-sale status changes,
 * channels_ec_order_ext_info_update) and lets a forged plaintext event shadow a real one. Hashing the
 * whole event cannot merge different events; a re-push of the same event gets the same key whatever
 * its key order or number formatting.
 */
export function channelsDedupKey(msg: Record<string, unknown>): string {
  const digest = createHash("sha256").update(canonical(msg)).digest("base64url");
  return `c:${String(msg.Event)}:${String(msg.CreateTime ?? "")}:${primaryId(msg)}:${digest}`;
}

/** The after-sale or order id at the top level or one level down (order_info, finder_shop_aftersale_status_update). */
function primaryId(msg: Record<string, unknown>): string {
  const scopes = [msg, ...Object.values(msg).filter((v): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v))];
  for (const key of ["after_sale_order_id", "order_id"]) {
    for (const scope of scopes) {
      const v = scope[key];
      if (typeof v === "string" || typeof v === "number") return String(v);
    }
  }
  return "-";
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const obj = value as Record<string, unknown>;
    return `{${Object.keys(obj)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(obj[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(String(value));
}
