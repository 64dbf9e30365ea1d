/**
 * @module profiles/mini-program
 * The Mini Program (小程序/小游戏 消息推送) push surface (SPEC §8): signed like an Official Account
 * (profiles/signed-callback), the body XML or JSON as chosen in the console — plain, or in the XML or
 * JSON envelope (`{"ToUserName","Encrypt"}`) — and answered in the request's format. A Mini Program has
 * no passive text reply: the passive answers are `success`, `transfer_customer_service` (XML as an
 * Official Account's, or WeChat's JSON form) and `{"type":"json","json":{…}}`, whose object is the answer
 * (what the virtual-payment notifications demand); text, image, link and miniprogrampage replies are
 * customer-service messages (message/custom/send, with async-reply). An encrypted push gets an
 * encrypted answer, in the XML or the JSON envelope; `success` stays plain.
 * https://developers.weixin.qq.com/miniprogram/dev/framework/server-ability/message-push.html
 */
import type { Static } from "@sinclair/typebox";
import type { ServiceConfig } from "../config/types";
import { miniProgramReplySchema } from "../contract/mini-program";
import { miniProgramCustomMessage } from "../wechat/custom-message";
import { encryptReply, extractJsonEncrypt, extractXmlEncrypt } from "../wechat/envelope";
import { parseMiniProgramJson, withMiniProgramDedupKey } from "../wechat/json-message";
import { encryptJsonReply, jsonReplyBody, transferCustomerServiceJson } from "../wechat/json-reply";
import { parseInboundXml } from "../wechat/message";
import { type AddressedReply, buildReplyXml, type NormalizedReply } from "../wechat/reply";
import { replyNormalizer, type SentReply } from "../wechat/reply-normalize";
import { type DecodedBody, type PushProfile, textResponse, xmlResponse } from "./profile";
import { cryptoOf, openBody, signedQuery } from "./signed-callback";

const isJson = (text: string) => text.trimStart().startsWith("{");

type MiniProgramReply = Exclude<SentReply<Static<typeof miniProgramReplySchema>>, { type: "success" }>;

/**
 * The json, link and miniprogrampage replies are this surface's own: only this profile's members ever
 * look into them, so they travel through the shared steps (and the dedup's stored-reply codec, which
 * keeps any reply's JSON) typed as replies of the Official Account's union.
 */
const normalizeMiniProgramReply = replyNormalizer(miniProgramReplySchema) as (body: unknown) => NormalizedReply | string;

const PASSIVE: ReadonlySet<string> = new Set(["json", "transfer_customer_service", "success"]);

const JSON_TYPE = { headers: new Headers({ "content-type": "application/json; charset=utf-8" }) };
const jsonResponse = (body: string): Response => new Response(body, JSON_TYPE);

export function createMiniProgramProfile(svc: ServiceConfig): PushProfile {
  const crypto = cryptoOf(svc);

  /** The answer's text in the request's format; null for a reply a Mini Program cannot take passively. */
  function renderAs(r: AddressedReply, format: DecodedBody["format"]): string | null {
    const reply = r.reply as NormalizedReply | MiniProgramReply;
    if (reply.type === "json") return jsonReplyBody(reply);
    if (reply.type !== "transfer_customer_service") return null;
    return format === "json" ? transferCustomerServiceJson(r.toUser, r.fromUser, r.createTime) : buildReplyXml(reply, r.toUser, r.fromUser, r.createTime);
  }

  const profile: PushProfile = {
    kind: "mini-program",
    ...signedQuery(svc),
    decode(body, signed) {
      const json = isJson(body);
      const text = openBody(body, signed, svc, crypto, json ? extractJsonEncrypt : extractXmlEncrypt);
      return { text, format: json ? "json" : "xml", encrypted: signed.aes };
    },
    parse: (decoded) => (decoded.format === "json" ? parseMiniProgramJson(decoded.text) : withMiniProgramDedupKey(parseInboundXml(decoded.text))),
    normalizeReply: normalizeMiniProgramReply,
    passive: (reply) => PASSIVE.has((reply as MiniProgramReply | NormalizedReply).type),
    asyncMessage: miniProgramCustomMessage,
    // the size WeChat limits is about the same in either format: the XML one stands for both
    render: (r) => renderAs(r, "xml") ?? "",
    encode(reply, signed, decoded) {
      const text = renderAs(reply, decoded.format);
      // an echo-mode text or any other Official Account reply: a Mini Program takes none passively
      if (text === null) return profile.noReply();
      const asJson = decoded.format === "json" || (reply.reply as NormalizedReply | MiniProgramReply).type === "json";
      if (!decoded.encrypted || crypto === null) return asJson ? jsonResponse(text) : xmlResponse(text);
      if (decoded.format === "json") return jsonResponse(encryptJsonReply(crypto, svc.token, text, signed.timestamp, signed.nonce));
      return xmlResponse(encryptReply(crypto, svc.token, text, signed.timestamp, signed.nonce));
    },
    noReply: () => textResponse("success"),
  };
  return profile;
}
