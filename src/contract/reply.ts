/**
 * @module contract/reply
 * What the backend answers (SPEC §4.4): HTTP 200 with JSON `{"type": …, …}`, turned into WeChat's
 * passive reply XML (被动回复用户消息). `type` may be left out for a text reply. An empty `msg` for
 * text/image/voice/video, an unknown `type`, a non-2xx status, invalid JSON or no answer in time make
 * the gateway answer WeChat `success` (nothing is shown to the user).
 */
import { type Static, Type as t } from "@sinclair/typebox";
import { open } from "./common";

/** The discriminator of a reply type. */
const kind = <T extends string>(type: T) => t.Literal(type, { description: `the reply type, always "${type}"` });
const msg = (what: string) => t.String({ description: `${what}; "" means: do not reply (the gateway answers success)` });

export const textReplySchema = t.Object(
  {
    type: t.Optional(
      t.Union([t.Literal("text"), t.Literal(""), t.Null()], {
        description: 'may be left out, "" or null (an unset field of a Go struct): text is the default',
      }),
    ),
    msg: msg("the text to send back"),
  },
  open("TextReply", "Reply with a text message."),
);
export type TextReply = Static<typeof textReplySchema>;

export const imageReplySchema = t.Object({ type: kind("image"), msg: msg("MediaId of the picture") }, open("ImageReply", "Reply with a picture."));
export type ImageReply = Static<typeof imageReplySchema>;

export const voiceReplySchema = t.Object({ type: kind("voice"), msg: msg("MediaId of the voice") }, open("VoiceReply", "Reply with a voice message."));
export type VoiceReply = Static<typeof voiceReplySchema>;

export const videoReplySchema = t.Object(
  {
    type: kind("video"),
    msg: msg("MediaId of the video"),
    title: t.Optional(t.String({ description: "video title" })),
    desc: t.Optional(t.String({ description: "video description" })),
  },
  open("VideoReply", "Reply with a video."),
);
export type VideoReply = Static<typeof videoReplySchema>;

export const musicReplySchema = t.Object(
  {
    type: kind("music"),
    title: t.Optional(t.String({ description: "music title" })),
    desc: t.Optional(t.String({ description: "music description" })),
    musicUrl: t.Optional(t.String({ description: "music URL" })),
    hqMusicUrl: t.Optional(t.String({ description: "high-quality music URL, used on Wi-Fi" })),
    thumbMediaId: t.Optional(t.String({ description: "MediaId of the thumbnail" })),
  },
  open("MusicReply", "Reply with a music message."),
);
export type MusicReply = Static<typeof musicReplySchema>;

export const newsArticleSchema = t.Object(
  {
    title: t.String({ description: "article title" }),
    description: t.String({ description: "article description" }),
    picUrl: t.String({ description: "picture URL (large 360x200, small 200x200)" }),
    url: t.String({ description: "URL opened on click" }),
  },
  open("NewsArticle", "One article of a news reply."),
);
export type NewsArticle = Static<typeof newsArticleSchema>;

export const newsReplySchema = t.Object(
  { type: kind("news"), articles: t.Array(newsArticleSchema, { minItems: 1, maxItems: 8, description: "1 to 8 articles (WeChat's limit)" }) },
  open("NewsReply", "Reply with articles (图文消息)."),
);
export type NewsReply = Static<typeof newsReplySchema>;

export const transferReplySchema = t.Object(
  {
    type: kind("transfer_customer_service"),
    kfAccount: t.Optional(t.String({ description: "a specific customer-service account (kf2001@gh_…); any available one when absent" })),
  },
  open("TransferCustomerServiceReply", "Hand the conversation to WeChat's customer service (多客服)."),
);
export type TransferCustomerServiceReply = Static<typeof transferReplySchema>;

export const successReplySchema = t.Object({ type: kind("success") }, open("SuccessReply", "No reply: the gateway answers WeChat plain success."));
export type SuccessReply = Static<typeof successReplySchema>;

/** The backend's answer to a forwarded message or event of an Official Account. */
export const backendReplySchema = t.Union(
  [textReplySchema, imageReplySchema, voiceReplySchema, videoReplySchema, musicReplySchema, newsReplySchema, transferReplySchema, successReplySchema],
  { title: "BackendReply", description: "The backend's JSON answer, one of the reply types, selected by type (text when absent)." },
);
export type BackendReply = Static<typeof backendReplySchema>;

/** The backend's answer to a Channels shop event (SPEC §4.6). */
export const channelsReplySchema = t.Object(
  { msg: t.Optional(t.String({ description: 'sent to WeChat as plain text when non-empty; otherwise the gateway answers "success"' })) },
  open("ChannelsReply", "The backend's answer to a Channels shop event; {} is enough."),
);
export type ChannelsReply = Static<typeof channelsReplySchema>;
