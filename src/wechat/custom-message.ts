/**
 * @module wechat/custom-message
 * A backend reply as a message the surface's API sends on its own (`async-reply`, SPEC §4.4 and §8): the
 * API path and its JSON body, or null for a reply that API has no form of. Pure: values in, values out.
 * - Official Account: `message/custom/send` (text, image, voice, video, music, news)
 *   https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Service_Center_messages.html
 * - Mini Program: `message/custom/send` (text, image, link, miniprogrampage)
 *   https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/kf-mgnt/kf-message/sendCustomMessage.html
 * - WeCom app: `message/send` with the app's `agentid` (text, image, voice, video, news)
 *   https://developer.work.weixin.qq.com/document/path/90236
 */
import type { LinkReply, MiniProgramPageReply } from "../contract/mini-program";
import type { NormalizedReply } from "./reply";
import type { SentReply } from "./reply-normalize";

/** What async-reply sends: `POST <path>` with `body` as JSON, on the service's access_token. */
export interface OutgoingMessage {
  readonly path: string;
  readonly body: Record<string, unknown>;
}

type Reply = NormalizedReply | SentReply<LinkReply | MiniProgramPageReply>;
type Body = Record<string, unknown>;

const CUSTOM_SEND = "/cgi-bin/message/custom/send";

/** The message's own part (`{content}`, `{media_id}`, …) of the replies both WeChat APIs share the shape of. */
function sharedPart(reply: Reply): Body | null {
  switch (reply.type) {
    case "text":
      return { content: reply.msg };
    case "image":
    case "voice":
      return { media_id: reply.msg };
    case "video":
      return { media_id: reply.msg, title: reply.title, description: reply.desc };
    case "news":
      return { articles: reply.articles.map((a) => ({ title: a.title, description: a.description, url: a.url, picurl: a.picUrl })) };
    default:
      return null;
  }
}

const message = (path: string, touser: string, type: string, part: Body | null, extra: Body = {}): OutgoingMessage | null =>
  part === null ? null : { path, body: { touser, msgtype: type, ...extra, [type]: part } };

/** An Official Account's customer-service message; transfer_customer_service has none. */
export function customMessage(toUser: string, reply: NormalizedReply): OutgoingMessage | null {
  if (reply.type !== "music") return message(CUSTOM_SEND, toUser, reply.type, sharedPart(reply));
  const music = { title: reply.title, description: reply.desc, musicurl: reply.musicUrl, hqmusicurl: reply.hqMusicUrl, thumb_media_id: reply.thumbMediaId };
  return message(CUSTOM_SEND, toUser, "music", music);
}

/** A Mini Program's customer-service message: text, image, link and miniprogrampage only. */
export function miniProgramCustomMessage(toUser: string, reply: Reply): OutgoingMessage | null {
  switch (reply.type) {
    case "text":
    case "image":
      return message(CUSTOM_SEND, toUser, reply.type, sharedPart(reply));
    case "link":
      return message(CUSTOM_SEND, toUser, "link", { title: reply.title, description: reply.description, url: reply.url, thumb_url: reply.thumbUrl });
    case "miniprogrampage":
      return message(CUSTOM_SEND, toUser, "miniprogrampage", { title: reply.title, pagepath: reply.pagePath, thumb_media_id: reply.thumbMediaId });
    default:
      return null;
  }
}

/** A WeCom app's message to one member (`toUser` is the UserID), from the app `agentId` (digits). */
export function wecomAppMessage(toUser: string, agentId: string, reply: NormalizedReply): OutgoingMessage | null {
  return message("/cgi-bin/message/send", toUser, reply.type, sharedPart(reply), { agentid: Number(agentId) });
}
