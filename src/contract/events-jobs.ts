/**
 * @module contract/events-jobs
 * Result and notification events that carry nested lists: MASSSENDJOBFINISH (WeChat's "群发结果"
 * page, Batch_Sends_and_Originality_Checks), TEMPLATESENDJOBFINISH ("模板消息 事件推送"), the three
 * subscription-message events ("订阅通知": popup, change, sent) and PUBLISHJOBFINISH ("发布能力 事件推送",
 * Publish/Callback_on_finish). Elements named `item` or `List` are arrays even with one entry; an empty
 * container element (e.g. `<ResultList></ResultList>`) arrives as "", because XML cannot tell an
 * empty list from an empty string.
 */
import { type Static, type TSchema, Type as t } from "@sinclair/typebox";
import { count, eventProperties, eventSchema, idString, open, text } from "./common";

/** `<X><item>…</item>…</X>` → `{item: [...]}`, or "" when WeChat sent the element empty. */
const itemList = (title: string, item: TSchema) =>
  t.Union([t.Object({ item: t.Array(item, { description: "always an array, even with one entry" }) }, open(title, `${title} items.`)), t.Literal("")], {
    description: `${title}: {item: [...]}, or "" when the element is empty`,
  });

const copyrightItem = t.Object(
  {
    ArticleIdx: text("position of the article in the mass message, from 1"),
    UserDeclareState: t.Optional(text("the state the author declared")),
    AuditState: t.Optional(text("WeChat's originality check state")),
    OriginalArticleUrl: t.Optional(text("URL of the similar original article")),
    OriginalArticleType: t.Optional(text("type of the similar original article")),
    CanReprint: t.Optional(text("1 when reprinting is allowed")),
    NeedReplaceContent: t.Optional(text("1 when the content must be replaced by the original")),
    NeedShowReprintSource: t.Optional(text("1 when the reprint source must be shown")),
  },
  open("CopyrightCheckItem", "Originality check result of one article."),
);

const articleUrlItem = t.Object(
  { ArticleIdx: text("position of the article, from 1"), ArticleUrl: text("URL of the published article") },
  open("ArticleUrlItem", "URL of one published article."),
);

export const massSendJobFinishEventSchema = t.Object(
  eventProperties("MASSSENDJOBFINISH", {
    MsgID: idString("the mass message's id (note the capital D), as a string"),
    Status: text('"send success", "send fail" or "err(<num>)" (review failure reason)'),
    TotalCount: count("followers targeted (tag or openid list)"),
    FilterCount: count("followers left after filtering; FilterCount = SentCount + ErrorCount in principle"),
    SentCount: count("followers the message reached"),
    ErrorCount: count("followers the message did not reach"),
    CopyrightCheckResult: t.Optional(
      t.Object(
        {
          Count: count("number of articles checked"),
          ResultList: itemList("CopyrightCheckResultList", copyrightItem),
          CheckState: text("1 not a reprint, may be sent; 2 a reprint, may be sent; 3 a reprint, may not be sent"),
        },
        open("CopyrightCheckResult", "Originality (reprint) check of the articles."),
      ),
    ),
    ArticleUrlResult: t.Optional(
      t.Object(
        { Count: count("number of article URLs"), ResultList: itemList("ArticleUrlResultList", articleUrlItem) },
        open("ArticleUrlResult", "URLs of the published articles."),
      ),
    ),
  }),
  open("MassSendJobFinishEvent", "A mass message (群发) finished, forwarded to /event/MASSSENDJOBFINISH."),
);
export type MassSendJobFinishEvent = Static<typeof massSendJobFinishEventSchema>;

export const templateSendJobFinishEventSchema = t.Object(
  eventProperties("TEMPLATESENDJOBFINISH", {
    MsgID: idString("the template message's id (msgid of template/send), as a string"),
    Status: text('"success", "failed:user block" or "failed: system failed"'),
  }),
  open("TemplateSendJobFinishEvent", "A template message was delivered or failed, forwarded to /event/TEMPLATESENDJOBFINISH."),
);
export type TemplateSendJobFinishEvent = Static<typeof templateSendJobFinishEventSchema>;

/** `<Wrapper><List>…</List>…</Wrapper>`: one entry per template, always an array. */
const templateList = (title: string, description: string, entry: TSchema) =>
  t.Object({ List: t.Array(entry, { description: "one entry per template; always an array, even with one entry" }) }, open(title, description));

const popupEntry = t.Object(
  {
    TemplateId: text("template id of the subscription"),
    SubscribeStatusString: text('"accept" or "reject"'),
    PopupScene: text("where the popup was shown: 1 profile page, 2 article, …"),
  },
  open("SubscribeMsgPopupEntry", "The user's choice for one template."),
);

export const subscribeMsgPopupEventSchema = eventSchema(
  "subscribe_msg_popup_event",
  "SubscribeMsgPopupEvent",
  "The user answered a subscription-message popup (订阅通知).",
  { SubscribeMsgPopupEvent: templateList("SubscribeMsgPopupEventInfo", "The templates the user accepted or rejected.", popupEntry) },
);
export type SubscribeMsgPopupEvent = Static<typeof subscribeMsgPopupEventSchema>;

const changeEntry = t.Object(
  { TemplateId: text("template id of the subscription"), SubscribeStatusString: text('"reject" (the user turned it off) or "accept"') },
  open("SubscribeMsgChangeEntry", "The user's new choice for one template."),
);

export const subscribeMsgChangeEventSchema = eventSchema(
  "subscribe_msg_change_event",
  "SubscribeMsgChangeEvent",
  "The user changed a subscription-message choice in the settings (订阅通知 用户管理订阅通知).",
  { SubscribeMsgChangeEvent: templateList("SubscribeMsgChangeEventInfo", "The templates whose subscription changed.", changeEntry) },
);
export type SubscribeMsgChangeEvent = Static<typeof subscribeMsgChangeEventSchema>;

const sentEntry = t.Object(
  {
    TemplateId: text("template id of the message"),
    MsgID: idString("id of the sent message (msgid of subscribe/bizsend), as a string"),
    ErrorCode: text('"0" on success, else the error code'),
    ErrorStatus: text('"success", or why it failed (e.g. "failed:user block")'),
  },
  open("SubscribeMsgSentEntry", "The delivery result of one message."),
);

export const subscribeMsgSentEventSchema = eventSchema(
  "subscribe_msg_sent_event",
  "SubscribeMsgSentEvent",
  "A subscription message was delivered or failed (订阅通知 发送订阅通知).",
  { SubscribeMsgSentEvent: templateList("SubscribeMsgSentEventInfo", "The delivery results.", sentEntry) },
);
export type SubscribeMsgSentEvent = Static<typeof subscribeMsgSentEventSchema>;

const publishedArticle = t.Object(
  { idx: text("position of the article, from 1"), article_url: text("URL of the published article") },
  open("PublishedArticle", "One published article."),
);

export const publishJobFinishEventSchema = eventSchema(
  "PUBLISHJOBFINISH",
  "PublishJobFinishEvent",
  "A publishing job (发布, freepublish/submit) finished (upper case, as WeChat sends it).",
  {
    PublishEventInfo: t.Object(
      {
        publish_id: text("the publishing job's id"),
        publish_status: text(
          '"0" published, "1" publishing, "2" originality check failed, "3" regular failure, "4" platform review failed, "5" deleted after success, "6" banned after success',
        ),
        article_id: t.Optional(text("id of the published article (on success)")),
        article_detail: t.Optional(
          t.Object(
            {
              count: text("number of articles (lower-case count: a string, as every field not listed in SPEC §4.3)"),
              item: t.Array(publishedArticle, { description: "always an array, even with one article" }),
            },
            open("PublishedArticleDetail", "The published articles (on success)."),
          ),
        ),
        fail_idx: t.Optional(
          t.Union([text("position of the failed article"), t.Array(t.String())], {
            description: "positions of the articles that failed (status 2 or 4): one string when one failed, an array when several did",
          }),
        ),
      },
      open("PublishEventInfo", "The result of the publishing job."),
    ),
  },
);
export type PublishJobFinishEvent = Static<typeof publishJobFinishEventSchema>;
