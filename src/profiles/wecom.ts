/**
 * @module profiles/wecom
 * The WeCom (企业微信) self-built app push surface (SPEC §8): every request signed with `msg_signature`
 * only and encrypted with the corp-id as receive id (wechat/wecom) — the URL verification's echostr
 * included; the decrypted XML parsed as an Official Account's (WeCom's event names as they come,
 * AgentID kept); passive replies as XML, always encrypted; "no reply" an empty body; late or oversized
 * replies sent with message/send from the app's agent (async-reply).
 * https://developer.work.weixin.qq.com/document/path/90930 (接收消息与事件) and 90968 (加解密方案说明)
 */
import { Type as t } from "@sinclair/typebox";
import type { ServiceConfig } from "../config/types";
import { wecomReplySchema } from "../contract/wecom";
import { GatewayError } from "../http/errors";
import { wecomAppMessage } from "../wechat/custom-message";
import { parseInboundXml } from "../wechat/message";
import { buildReplyXml } from "../wechat/reply";
import { replyNormalizer } from "../wechat/reply-normalize";
import { createWecomCallback, readWecomQuery, WECOM_NO_REPLY, WecomError, type WecomQuery, withWecomDedupKey } from "../wechat/wecom";
import { type PushProfile, type Query, type SignedQuery, textResponse, xmlResponse } from "./profile";

const SIGNED = {
  msg_signature: t.String({ description: "sha1 of the sorted token, timestamp, nonce and encrypted value" }),
  timestamp: t.String({ description: "unix seconds" }),
  nonce: t.String(),
};

const querySchemas: PushProfile["querySchemas"] = {
  verify: t.Object({ ...SIGNED, echostr: t.String({ description: "encrypted; the answer is its plaintext" }) }, { additionalProperties: true }),
  callback: t.Object(SIGNED, { additionalProperties: true }),
};

/** WeCom's passive replies: text, image, voice, video and news (no music, no transfer to customer service). */
const normalizeWecomReply = replyNormalizer(wecomReplySchema);

/** A WecomError as the gateway's HTTP error: 401 for a signature, 400 otherwise, its message naming no value. */
function refusing<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof WecomError) throw new GatewayError(err.status, err.message);
    throw err;
  }
}

const signedOf = (q: WecomQuery): SignedQuery => ({ timestamp: q.timestamp, nonce: q.nonce, aes: true, msgSignature: q.msgSignature });

export function createWecomProfile(svc: ServiceConfig): PushProfile {
  // config/rules requires aes-key and corp-id for this kind; a bad key fails here, at start
  const wecom = createWecomCallback({ token: svc.token, aesKey: svc.aesKey ?? "", corpId: svc.corpId });
  const profile: PushProfile = {
    kind: "wecom",
    querySchemas,
    verifyUrl: (query: Query) => refusing(() => ({ signed: signedOf(readWecomQuery(query)), echo: wecom.verifyUrl(query) })),
    verifyQuery: (query) => refusing(() => signedOf(readWecomQuery(query))),
    decode: (body, signed) => ({
      text: refusing(() => wecom.decryptMessage({ msgSignature: signed.msgSignature, timestamp: signed.timestamp, nonce: signed.nonce }, body)),
      format: "xml",
      encrypted: true,
    }),
    parse: (decoded) => withWecomDedupKey(parseInboundXml(decoded.text)),
    normalizeReply: normalizeWecomReply,
    asyncMessage: (toUser, reply) => wecomAppMessage(toUser, svc.agentId, reply),
    render: (r) => buildReplyXml(r.reply, r.toUser, r.fromUser, r.createTime),
    encode: (reply, signed) => xmlResponse(wecom.encryptReply(reply.rendered ?? profile.render(reply), signed.timestamp, signed.nonce)),
    noReply: () => textResponse(WECOM_NO_REPLY),
  };
  return profile;
}
