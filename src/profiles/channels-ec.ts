/**
 * @module profiles/channels-ec
 * The Channels shop (视频号小店, `is-channels-ec`) push surface: events as JSON (wechat/channels) — or
 * XML, as an Official Account sends them — plain or encrypted, signed like an Official Account's. WeChat
 * wants `success` back, plain, never encrypted (微信小店 消息推送: "回复 success 或空字符串(无需加密)");
 * a backend reply's non-empty msg, whatever its type, is passed on as the answer, as the Go original does.
 */
import type { ServiceConfig } from "../config/types";
import { toChannelsMessage } from "../wechat/channels";
import { extractJsonEncrypt, extractXmlEncrypt } from "../wechat/envelope";
import { parseInboundXml } from "../wechat/message";
import { type PushProfile, textResponse } from "./profile";
import { cryptoOf, openBody, signedQuery } from "./signed-callback";

const isJson = (text: string) => text.trimStart().startsWith("{");

export function createChannelsEcProfile(svc: ServiceConfig): PushProfile {
  const crypto = cryptoOf(svc);
  const profile: PushProfile = {
    kind: "channels-ec",
    ...signedQuery(svc),
    decode(body, signed) {
      const text = openBody(body, signed, svc, crypto, isJson(body) ? extractJsonEncrypt : extractXmlEncrypt);
      return { text, format: isJson(text) ? "json" : "xml", encrypted: signed.aes };
    },
    parse: (decoded) => (decoded.format === "json" ? toChannelsMessage(decoded.text) : parseInboundXml(decoded.text)),
    render: (r) => ("msg" in r.reply ? r.reply.msg : ""),
    encode: (reply) => textResponse((reply.rendered ?? profile.render(reply)) || "success"),
    noReply: () => textResponse("success"),
  };
  return profile;
}
