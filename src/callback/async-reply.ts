/**
 * @module callback/async-reply
 * `async-reply` (SPEC §4.4): a reply that came too late, or is too large for a passive reply, is sent
 * with `POST /cgi-bin/message/custom/send`. WeChat refuses such messages outside the window after the
 * user's last interaction (45015) or over the count (45047): those refusals are final, so the sender
 * never retries; the reply step (callback/steps/reply) logs and counts them.
 */
import type { ServiceConfig } from "../config/types";
import type { WxApi } from "../wxapi/client";
import { sendCustomMessage } from "../wxapi/message";
import type { NormalizedReply } from "../wechat/reply";
import type { AsyncReplySender } from "./runtime";

/** The customer-service message body for a reply, or null when the reply type cannot be sent that way. */
export function customMessageBody(toUser: string, reply: NormalizedReply): Record<string, unknown> | null {
  const base = { touser: toUser, msgtype: reply.type };
  switch (reply.type) {
    case "text":
      return { ...base, text: { content: reply.msg } };
    case "image":
      return { ...base, image: { media_id: reply.msg } };
    case "voice":
      return { ...base, voice: { media_id: reply.msg } };
    case "video":
      return { ...base, video: { media_id: reply.msg, title: reply.title, description: reply.desc } };
    case "music":
      return {
        ...base,
        music: { title: reply.title, description: reply.desc, musicurl: reply.musicUrl, hqmusicurl: reply.hqMusicUrl, thumb_media_id: reply.thumbMediaId },
      };
    case "news":
      return { ...base, news: { articles: reply.articles.map((a) => ({ title: a.title, description: a.description, url: a.url, picurl: a.picUrl })) } };
    default:
      return null; // transfer_customer_service and success have no customer-service form
  }
}

export function createAsyncReplySender(api: WxApi): AsyncReplySender {
  return async (svc: ServiceConfig, toUser: string, reply: NormalizedReply) => {
    const body = customMessageBody(toUser, reply);
    if (!body) throw new Error(`a ${reply.type} reply cannot be sent as a customer-service message`);
    await sendCustomMessage(api, svc, body);
  };
}
