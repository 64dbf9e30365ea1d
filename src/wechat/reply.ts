/**
 * @module wechat/reply
 * The backend's JSON answer (SPEC §4.4) → WeChat's passive reply XML, or the reason it becomes "success".
 * Replies are built from templates (not a generic XML builder): the shapes are fixed and this is the hot path.
 */
import { cdata } from "./xml";

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

/** A validated backend reply, in the shape the customer-service API needs too (async-reply). */
export type NormalizedReply =
  | { readonly type: "text"; readonly msg: string }
  | { readonly type: "image" | "voice"; readonly msg: string }
  | { readonly type: "video"; readonly msg: string; readonly title: string; readonly desc: string }
  | { readonly type: "music"; readonly title: string; readonly desc: string; readonly musicUrl: string; readonly hqMusicUrl: string; readonly thumbMediaId: string }
  | { readonly type: "news"; readonly articles: readonly Article[] }
  | { readonly type: "transfer_customer_service"; readonly kfAccount: string }
  /** the backend chose not to reply: `type: "success"`, or an empty msg */
  | { readonly type: "success"; readonly why: string };

export interface Article {
  readonly title: string;
  readonly description: string;
  readonly picUrl: string;
  readonly url: string;
}

const str = (v: unknown): string => (typeof v === "string" ? v : typeof v === "number" ? String(v) : "");

/** Validates the backend's JSON; returns the reply or a reason for answering "success". */
export function normalizeReply(body: unknown): NormalizedReply | string {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return "reply is not a JSON object";
  const b = body as Record<string, unknown>;
  const type: unknown = b.type === undefined || b.type === null || b.type === "" ? "text" : b.type;
  const msg = str(b.msg);
  switch (type) {
    case "text":
    case "image":
    case "voice":
      return msg ? { type, msg } : { type: "success", why: `empty msg for ${type} reply` };
    case "video":
      return msg ? { type, msg, title: str(b.title), desc: str(b.desc) } : { type: "success", why: "empty msg for video reply" };
    case "music":
      return {
        type, title: str(b.title), desc: str(b.desc), musicUrl: str(b.musicUrl), hqMusicUrl: str(b.hqMusicUrl), thumbMediaId: str(b.thumbMediaId),
      };
    case "news": {
      if (!Array.isArray(b.articles) || b.articles.length < 1 || b.articles.length > 8) return "news reply needs 1 to 8 articles";
      const articles = b.articles.map((a) => {
        const o = (typeof a === "object" && a !== null ? a : {}) as Record<string, unknown>;
        return { title: str(o.title), description: str(o.description), picUrl: str(o.picUrl), url: str(o.url) };
      });
      return { type, articles };
    }
    case "transfer_customer_service":
      return { type, kfAccount: str(b.kfAccount) };
    case "success":
      return { type: "success", why: "backend asked for success" };
    default:
      return `unknown reply type ${JSON.stringify(type)}`;
  }
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
