/**
 * @module wechat/message
 * Parsed callback (XML object or Channels JSON) → the JSON body forwarded to the backend (SPEC §4.3):
 * counts and CreateTime become numbers, ids stay strings, and the Go original's flattened fields are added.
 */
import { parseWechatXml, type XmlObject, type XmlValue } from "./xml";
import { scanFlatXml } from "./xml-scan";

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

const NUMERIC = new Set(["CreateTime", "Scale", "Count", "TotalCount", "FilterCount", "SentCount", "ErrorCount", "ResultCount"]);
const INTEGER = /^-?\d{1,15}$/;

const convertText = (key: string, value: string): unknown => (NUMERIC.has(key) && INTEGER.test(value.trim()) ? Number(value) : value);

function convert(value: XmlValue, key: string): unknown {
  if (typeof value === "string") return convertText(key, value);
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
  if (typeof msg.MsgType !== "string" || msg.MsgType === "") throw new MessageError("MsgType is missing");
  if (msg.MsgType === "event" && (typeof msg.Event !== "string" || msg.Event === "")) throw new MessageError("Event is missing");
  addFlattenedFields(msg);
  return msg as InboundMessage;
}

const SAFE_SEGMENT = /^[A-Za-z0-9_.-]{1,64}$/;

/** The backend route of a message. Types are used as URL segments, so they must be plain names. */
export function routeOf(msg: InboundMessage): Route {
  const kind = msg.MsgType === "event" ? "event" : "msg";
  const type = kind === "event" ? (msg.Event as string) : msg.MsgType;
  if (!SAFE_SEGMENT.test(type)) throw new MessageError(`unsupported ${kind} type ${JSON.stringify(type.slice(0, 64))}`);
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
