/**
 * @module wechat/channels
 * Channels shop (视频号小店) callbacks are JSON, and WeChat writes 64-bit ids such as `order_id`
 * (3705115058471208928) as bare JSON integers, which JSON.parse would round. Integers of 16 or more
 * digits are quoted before parsing, and the known id fields always become strings.
 */
import type { InboundMessage } from "./message";
import { MessageError } from "./message";

/** Fields that are ids in Channels events: strings in the forwarded body whatever their size. */
const ID_FIELDS = new Set(["order_id", "after_sale_order_id", "aftersale_id", "product_id", "sku_id", "out_product_id"]);

/** Quotes every integer literal of 16+ digits that stands outside a string. */
export function quoteBigIntegers(json: string): string {
  let out = "";
  let last = 0;
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash: skip the escaped char
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

function stringifyIds(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stringifyIds);
  if (typeof value !== "object" || value === null) return value;
  const obj = value as Record<string, unknown>;
  for (const key in obj) {
    const v = obj[key];
    if (ID_FIELDS.has(key) && typeof v === "number") obj[key] = String(v);
    else if (typeof v === "object") stringifyIds(v);
  }
  return obj;
}

/** Parses a decrypted (or plain) Channels callback into the forwarded body. */
export function toChannelsMessage(text: string): InboundMessage {
  let parsed: unknown;
  try {
    parsed = JSON.parse(quoteBigIntegers(text));
  } catch {
    throw new MessageError("Channels callback is not valid JSON");
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new MessageError("Channels callback is not a JSON object");
  const msg = stringifyIds(parsed) as Record<string, unknown>;
  if (typeof msg.Event !== "string" || !msg.Event) throw new MessageError("Event is missing");
  if (typeof msg.MsgType !== "string" || !msg.MsgType) msg.MsgType = "event";
  if (typeof msg.CreateTime === "string" && /^\d+$/.test(msg.CreateTime)) msg.CreateTime = Number(msg.CreateTime);
  return msg as InboundMessage;
}
