/**
 * @module wechat/message
 * Parsed callback (XML object or Channels JSON) → the JSON body forwarded to the backend (SPEC §4.3):
 * counts and CreateTime become numbers, ids stay digit strings, and the Go original's flattened fields
 * are added. What the route, the dedup key and the contract rely on is checked here (wechat/input-rules):
 * a non-integer count, an id that is not digits, a repeated header field or a MsgType/Event that is not
 * a plain path segment is a MessageError (400), whose message names the element, never its value.
 */

import { type FieldRole, xmlFields } from "../contract/fields";
import { integerOf, isIdString, isSafeSegment, MAX_ID_DIGITS, MAX_SEGMENT_LENGTH } from "./input-rules";
import { parseWechatXml } from "./xml";
import { scanFlatXml } from "./xml-scan";
import type { XmlObject, XmlValue } from "./xml-shape";

/** The body forwarded to the backend; its exact per-type shapes are the schemas in contract/. */
export type InboundMessage = Record<string, unknown> & {
  readonly MsgType: string;
  readonly FromUserName?: string;
  readonly ToUserName?: string;
  readonly CreateTime?: number;
  readonly Event?: string;
};

/** Where a message goes: "msg" + MsgType, or "event" + Event exactly as WeChat spells it. */
export interface Route {
  readonly kind: "msg" | "event";
  readonly type: string;
  /** backend path: /msg/<MsgType> or /event/<Event> */
  readonly path: string;
}

export class MessageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MessageError";
  }
}

function integerField(name: string, value: string): number {
  const n = integerOf(value);
  if (n === undefined) throw new MessageError(`<${name}> is not an integer`);
  return n;
}

function idField(name: string, value: string): string {
  // an id as WeChat writes it is all digits: trim() (whitespace around it is layout) only otherwise
  if (isIdString(value)) return value;
  const id = value.trim();
  if (!isIdString(id)) throw new MessageError(`<${name}> is not an id (1 to ${MAX_ID_DIGITS} digits)`);
  return id;
}

type Rule = (name: string, value: string) => unknown;
/** XML has no bare numbers: a text id is any text. */
const RULE_OF: Record<FieldRole, Rule | undefined> = { integer: integerField, id: idField, "text-id": undefined };

/**
 * The integers and ids the contract marks (SPEC §4.3), at any depth: one lookup per value on the hot
 * path (scanFlatXml calls this for every element).
 */
const RULES = new Map<string, Rule>();
for (const [name, role] of xmlFields) {
  const rule = RULE_OF[role];
  if (rule !== undefined) RULES.set(name, rule);
}

const convertText = (key: string, value: string): unknown => {
  const rule = RULES.get(key);
  return rule === undefined ? value : rule(key, value);
};

function convert(value: XmlValue, key: string): unknown {
  if (typeof value === "string") return convertText(key, value);
  // a repeated or nested integer/id would reach the backend as an array or object
  if (RULES.has(key)) throw new MessageError(`<${key}> must be a single value`);
  if (Array.isArray(value)) return value.map((v) => convert(v, key));
  const out: Record<string, unknown> = {};
  for (const k in value) out[k] = convert(value[k] as XmlValue, k);
  return out;
}

const asObject = (v: unknown): Record<string, unknown> | undefined =>
  typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;

/** The Go original flattened these nested structures; backends written for it read them at top level. */
function addFlattenedFields(msg: Record<string, unknown>): void {
  const scan = asObject(msg.ScanCodeInfo);
  if (scan) {
    msg.ScanType ??= scan.ScanType ?? "";
    msg.ScanResult ??= scan.ScanResult ?? "";
  }
  const pics = asObject(msg.SendPicsInfo);
  if (pics) {
    const items = asObject(pics.PicList)?.item;
    msg.Count ??= pics.Count ?? 0;
    msg.PicList ??= Array.isArray(items) ? items.map((it) => String(asObject(it)?.PicMd5Sum ?? "")) : [];
  }
  const loc = asObject(msg.SendLocationInfo);
  if (loc) {
    for (const k of ["Location_X", "Location_Y", "Scale", "Label", "Poiname"]) msg[k] ??= loc[k] ?? "";
  }
}

/** Converts the parsed `<xml>` content into the forwarded body. Throws MessageError when MsgType/Event is missing. */
export function toInboundMessage(root: XmlObject): InboundMessage {
  return checked(convert(root, "xml") as Record<string, unknown>);
}

/**
 * Callback XML → the forwarded body; the same as `toInboundMessage(parseWechatXml(text))`, with flat
 * documents (most of the traffic) converted while they are scanned. Throws XmlError or MessageError.
 */
export function parseInboundXml(text: string): InboundMessage {
  const flat = scanFlatXml(text, convertText);
  return flat === undefined ? toInboundMessage(parseWechatXml(text)) : checked(flat);
}

function checked(msg: Record<string, unknown>): InboundMessage {
  checkHeader(msg);
  if (msg.MsgType === "event" && (typeof msg.Event !== "string" || msg.Event === "")) throw new MessageError("Event is missing or not a single text value");
  addFlattenedFields(msg);
  return msg as InboundMessage;
}

/**
 * The fields every callback's route, dedup key and userInfo lookup read must be single text values
 * (a repeated element would be an array). Also used for Channels JSON (wechat/channels).
 */
export function checkHeader(msg: Record<string, unknown>): void {
  if (typeof msg.MsgType !== "string" || msg.MsgType === "") throw new MessageError("MsgType is missing or not a single text value");
  for (const name of HEADER_TEXT_FIELDS) {
    if (msg[name] !== undefined && typeof msg[name] !== "string") throw new MessageError(`${name} must be a single text value`);
  }
}

/** besides MsgType, the header fields that must be text when present */
const HEADER_TEXT_FIELDS = ["ToUserName", "FromUserName", "Event", "EventKey"] as const;

/**
 * The backend route of a message. Types are used as URL segments, so they must be plain names; the
 * error names the field, never its value (which may come from a decrypted message).
 */
export function routeOf(msg: InboundMessage): Route {
  const kind = msg.MsgType === "event" ? "event" : "msg";
  const type = kind === "event" ? (msg.Event as string) : msg.MsgType;
  if (!isSafeSegment(type)) {
    throw new MessageError(`${kind === "event" ? "Event" : "MsgType"} is not a plain name (letters, digits, _ and -, at most ${MAX_SEGMENT_LENGTH})`);
  }
  return { kind, type, path: `/${kind}/${type}` };
}

/**
 * Where a parser that knows a better identity than the generic one stores it (Channels shop events,
 * see wechat/channels). A symbol: JSON.stringify skips it, so the backend never sees it.
 */
export const DEDUP_KEY: unique symbol = Symbol("wx-gateway.dedup-key");

/**
 * Identity of a callback for absorbing WeChat's retries (SPEC §4.3): the parser's own key when it set
 * one; MsgId for messages; for events FromUserName + CreateTime + Event + EventKey (events carry no id).
 */
export function dedupKeyOf(msg: InboundMessage): string {
  const own = (msg as { [DEDUP_KEY]?: unknown })[DEDUP_KEY];
  if (typeof own === "string") return own;
  const id = msg.MsgId ?? msg.MsgID;
  if (msg.MsgType !== "event" && typeof id === "string" && id !== "") return `m:${id}`;
  const eventKey = typeof msg.EventKey === "string" ? msg.EventKey : "";
  return `e:${msg.FromUserName ?? ""}:${msg.CreateTime ?? ""}:${msg.Event ?? msg.MsgType}:${eventKey}`;
}
