/**
 * @module contract/events-jobs
 * Result and notification events that carry nested lists: MASSSENDJOBFINISH (WeChat's "群发结果"
 * page, Batch_Sends_and_Originality_Checks), TEMPLATESENDJOBFINISH ("模板消息 事件推送") and
 * subscribe_msg_popup_event ("订阅通知 用户操作订阅通知弹窗"). Elements named `item` or `List` are
 * arrays even with one entry; an empty container element (e.g. `<ResultList></ResultList>`) arrives
 * as "", because XML cannot tell an empty list from an empty string.
 */
import { Type as t, type Static, type TSchema } from "@sinclair/typebox";
import { count, eventProperties, idString, open, text } from "./common";

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

const popupEntry = t.Object(
  {
    TemplateId: text("template id of the subscription"),
    SubscribeStatusString: text('"accept" or "reject"'),
    PopupScene: text("where the popup was shown: 1 profile page, 2 article, …"),
  },
  open("SubscribeMsgPopupEntry", "The user's choice for one template."),
);

export const subscribeMsgPopupEventSchema = t.Object(
  eventProperties("subscribe_msg_popup_event", {
    SubscribeMsgPopupEvent: t.Object(
      { List: t.Array(popupEntry, { description: "one entry per template; always an array, even with one entry" }) },
      open("SubscribeMsgPopupEventInfo", "The templates the user accepted or rejected."),
    ),
  }),
  open("SubscribeMsgPopupEvent", "The user answered a subscription-message popup (订阅通知), forwarded to /event/subscribe_msg_popup_event."),
);
export type SubscribeMsgPopupEvent = Static<typeof subscribeMsgPopupEventSchema>;
