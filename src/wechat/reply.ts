/**
 * @module wechat/reply
 * The backend's JSON answer (SPEC §4.4) → WeChat's passive reply XML, or the reason it becomes "success".
 * Replies are built from templates (not a generic XML builder): the shapes are fixed and this is the hot path.
 */

import type { NormalizedReply } from "./reply-normalize";
import { cdata } from "./xml";

export { type NormalizedReply, normalizeReply } from "./reply-normalize";

/**
 * What the callback answers WeChat with: a backend reply addressed back to the sender, or nothing
 * (`success`: the surface's "no reply"). It holds what the surface's encode step needs to render the
 * answer (profiles/), so a stored reply renders to the same bytes on a retry.
 */
export type WechatReply = AddressedReply | { readonly kind: "success"; readonly reason: string };

export interface AddressedReply {
  readonly kind: "reply";
  readonly reply: Exclude<NormalizedReply, { readonly type: "success" }>;
  /** the message's sender (its FromUserName) */
  readonly toUser: string;
  /** the account (the message's ToUserName) */
  readonly fromUser: string;
  /** unix seconds */
  readonly createTime: number;
  /** the surface's rendering, kept when the reply step made it (to check its size); never stored */
  rendered?: string;
}

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
        .map(
          (a) =>
            `<item><Title>${cdata(a.title)}</Title><Description>${cdata(a.description)}</Description><PicUrl>${cdata(a.picUrl)}</PicUrl><Url>${cdata(a.url)}</Url></item>`,
        )
        .join("");
      return `${head}<ArticleCount>${reply.articles.length}</ArticleCount><Articles>${items}</Articles></xml>`;
    }
    case "transfer_customer_service":
      return reply.kfAccount ? `${head}<TransInfo><KfAccount>${cdata(reply.kfAccount)}</KfAccount></TransInfo></xml>` : `${head}</xml>`;
  }
}

/** WeChat silently drops passive replies above this many bytes. */
export const MAX_PASSIVE_REPLY_BYTES = 2048;
