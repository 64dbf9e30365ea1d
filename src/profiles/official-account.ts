/**
 * @module profiles/official-account
 * The Official Account (公众号) push surface: XML messages, plain or in the AES envelope
 * (wechat/envelope), passive replies as XML, encrypted when the message was, and `success` for no reply;
 * late or oversized replies as customer-service messages (message/custom/send).
 * https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Passive_user_reply_message.html
 */
import type { ServiceConfig } from "../config/types";
import { customMessage } from "../wechat/custom-message";
import { encryptReply, extractXmlEncrypt } from "../wechat/envelope";
import { parseInboundXml } from "../wechat/message";
import { buildReplyXml } from "../wechat/reply";
import { type PushProfile, textResponse, xmlResponse } from "./profile";
import { cryptoOf, openBody, signedQuery } from "./signed-callback";

export function createOfficialAccountProfile(svc: ServiceConfig): PushProfile {
  const crypto = cryptoOf(svc);
  const profile: PushProfile = {
    kind: "official-account",
    ...signedQuery(svc),
    decode: (body, signed) => ({ text: openBody(body, signed, svc, crypto, extractXmlEncrypt), format: "xml", encrypted: signed.aes }),
    parse: (decoded) => parseInboundXml(decoded.text),
    asyncMessage: customMessage,
    render: (r) => buildReplyXml(r.reply, r.toUser, r.fromUser, r.createTime),
    encode(reply, signed, decoded) {
      const xml = reply.rendered ?? profile.render(reply);
      if (!decoded.encrypted || crypto === null) return xmlResponse(xml);
      return xmlResponse(encryptReply(crypto, svc.token, xml, signed.timestamp, signed.nonce));
    },
    noReply: () => textResponse("success"),
  };
  return profile;
}
