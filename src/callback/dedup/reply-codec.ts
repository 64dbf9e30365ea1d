/**
 * @module callback/dedup/reply-codec
 * The one stored form of an answered message's reply, kept by the memory dedup's byte table and in the
 * Redis dedup's entries alike. It holds what the service's profile needs to render the answer again
 * (profiles/: `render`/`encode`) — the backend reply and its address (to, from, CreateTime) — never
 * the rendered XML: a retry's answer is rendered from the same fields, so it is the same bytes, and
 * the stored text is a fraction of the XML's size.
 *
 * Forms: `s<reason>` (no reply) · `t<createTime>,<to length>,<from length>,<to><from><text>` (a text
 * reply: its message as it is, the common case) · `j<createTime>,<to length>,<from length>,<to><from><reply JSON>`
 * (every other type). Lengths count UTF-16 units; a round trip through UTF-8 keeps them (a lone
 * surrogate becomes U+FFFD, one unit too).
 */
import type { AddressedReply, WechatReply } from "../../wechat/reply";

/** The stored text of a reply. */
export function encodeStoredReply(reply: WechatReply): string {
  if (reply.kind === "success") return `s${reply.reason}`;
  const inner = reply.reply;
  const head = `${reply.createTime},${reply.toUser.length},${reply.fromUser.length},${reply.toUser}${reply.fromUser}`;
  return inner.type === "text" ? `t${head}${inner.msg}` : `j${head}${JSON.stringify(inner)}`;
}

/** The reply a stored text holds, or null when the text is not one (an entry of another version, garbage). */
export function decodeStoredReply(text: string): WechatReply | null {
  const form = text[0];
  if (form === "s") return { kind: "success", reason: text.slice(1) };
  if (form !== "t" && form !== "j") return null;
  const c1 = text.indexOf(",", 1);
  const c2 = text.indexOf(",", c1 + 1);
  const c3 = text.indexOf(",", c2 + 1);
  const createTime = Number(text.slice(1, c1));
  const toLength = Number(text.slice(c1 + 1, c2));
  const fromLength = Number(text.slice(c2 + 1, c3));
  const at = c3 + 1;
  if (c3 < 0 || !Number.isSafeInteger(createTime) || !(toLength >= 0 && fromLength >= 0 && at + toLength + fromLength <= text.length)) return null;
  const toUser = text.slice(at, at + toLength);
  const fromUser = text.slice(at + toLength, at + toLength + fromLength);
  const payload = text.slice(at + toLength + fromLength);
  let reply: AddressedReply["reply"];
  if (form === "t") reply = { type: "text", msg: payload };
  else {
    try {
      reply = JSON.parse(payload) as AddressedReply["reply"];
    } catch {
      return null;
    }
    if (typeof reply !== "object" || reply === null || typeof reply.type !== "string") return null;
  }
  return { kind: "reply", reply, toUser, fromUser, createTime };
}
