/**
 * @module wechat/reply
 * The backend's JSON answer (SPEC §4.4) → WeChat's passive reply XML, or the reason it becomes "success".
 * Replies are built from templates (not a generic XML builder): the shapes are fixed and this is the hot path.
 */
import { cdata } from "./xml";
import type { NormalizedReply } from "./reply-normalize";

export { normalizeReply, type NormalizedReply } from "./reply-normalize";

/** What the callback answers WeChat with. */
export type WechatReply =
  | { readonly kind: "xml"; readonly xml: string; readonly reply: NormalizedReply; readonly address?: ReplyAddress }
  | { readonly kind: "success"; readonly reason: string };

/**
 * What `xml` was built from besides the reply: buildReplyXml(reply, toUser, fromUser, createTime)
 * gives `xml` again, so the dedup table keeps these few bytes instead of the XML.
 */
export interface ReplyAddress {
  readonly toUser: string;
  readonly fromUser: string;
  readonly createTime: number;
}

export const SUCCESS_REPLY: WechatReply = Object.freeze({ kind: "success", reason: "success" });

/** Builds the reply XML addressed back to the sender (To/From swapped). */
export function buildReplyXml(reply: Exclude<NormalizedReply, { type: "success" }>, toUser: string, fromUser: string, createTime: number): string {
  const head = `<xml><ToUserName>${cdata(toUser)}</ToUserName><FromUserName>${cdata(fromUser)}</FromUserName><CreateTime>${createTime}</CreateTime><MsgType>${cdata(reply.type)}</MsgType>`;
  switch (reply.type) {
    case "text":
      return `${head}<Content>${cdata(reply.msg)}</Content></xml>`;
    case "image":
      return `${head}<Image><MediaId>${cdata(reply.msg)}</MediaId></Image></xml>`;
    case "voice":
      return `${head}<Voice><MediaId>${cdata(reply.msg)}</MediaId></Voice></xml>`;
    case "video":
      return `${head}<Video><MediaId>${cdata(reply.msg)}</MediaId><Title>${cdata(reply.title)}</Title><Description>${cdata(reply.desc)}</Description></Video></xml>`;
    case "music":
      return `${head}<Music><Title>${cdata(reply.title)}</Title><Description>${cdata(reply.desc)}</Description><MusicUrl>${cdata(reply.musicUrl)}</MusicUrl><HQMusicUrl>${cdata(reply.hqMusicUrl)}</HQMusicUrl><ThumbMediaId>${cdata(reply.thumbMediaId)}</ThumbMediaId></Music></xml>`;
    case "news": {
      const items = reply.articles
        .map((a) => `<item><Title>${cdata(a.title)}</Title><Description>${cdata(a.description)}</Description><PicUrl>${cdata(a.picUrl)}</PicUrl><Url>${cdata(a.url)}</Url></item>`)
        .join("");
      return `${head}<ArticleCount>${reply.articles.length}</ArticleCount><Articles>${items}</Articles></xml>`;
    }
    case "transfer_customer_service":
      return reply.kfAccount ? `${head}<TransInfo><KfAccount>${cdata(reply.kfAccount)}</KfAccount></TransInfo></xml>` : `${head}</xml>`;
  }
}

/** WeChat silently drops passive replies above this many bytes. */
export const MAX_PASSIVE_REPLY_BYTES = 2048;
