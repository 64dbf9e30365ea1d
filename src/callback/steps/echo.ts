/**
 * @module callback/steps/echo
 * The echo step, instead of forward when there is no msg-proxy-pass (SPEC §4.5): the gateway answers
 * by itself, so enabling the server configuration in WeChat's admin console and talking to yourself
 * works with nothing but the gateway.
 */
import type { InboundMessage, Route } from "../../wechat/message";
import type { NormalizedReply, WechatReply } from "../../wechat/reply";
import type { ServiceRuntime } from "../runtime";
import { toReply } from "./reply";

const str = (v: unknown) => (typeof v === "string" ? v : "");

/** The echo answer for a message, addressed back to its sender (the reply step's `toReply`). */
export function echo(msg: InboundMessage, route: Route, rt: ServiceRuntime): Promise<WechatReply> {
  const reply = echoReply(msg);
  return Promise.resolve(reply ? toReply(reply, msg, route, rt) : { kind: "success", reason: "echo mode: nothing to echo" });
}

/** The echo answer for a message, or null for "success". */
export function echoReply(msg: InboundMessage): NormalizedReply | null {
  switch (msg.MsgType) {
    case "text":
      return str(msg.Content) ? { type: "text", msg: str(msg.Content) } : null;
    case "image":
    case "voice":
      return str(msg.MediaId) ? { type: msg.MsgType, msg: str(msg.MediaId) } : null;
    case "video":
      return str(msg.MediaId) ? { type: "video", msg: str(msg.MediaId), title: "", desc: "" } : null;
    case "event":
      if (msg.Event === "subscribe") return { type: "text", msg: "Welcome! This account is served by wx-gateway (echo mode)." };
      if (msg.Event === "CLICK") return { type: "text", msg: `event key ${str(msg.EventKey)} clicked` };
      return null;
    default:
      return null;
  }
}
