/**
 * @module contract/wecom
 * WeCom (企业微信) self-built app callbacks, decrypted and forwarded like an Official Account's (SPEC §8):
 * `/msg/<MsgType>` and `/event/<Event>` with WeCom's event names as they come (`click`, `view`,
 * `change_contact`, `enter_agent`, …), every value a string except CreateTime (a number) and MsgId (a
 * digit string), `AgentID` kept. Sources: 接收消息与事件 / 消息格式 (document/path/90239), 事件格式
 * (90240) and 通讯录回调通知 (90970).
 *
 * `/msg/text` means another schema for an Official Account: contract/index looks a body up by the
 * service's kind (`surfaceContracts`).
 */
import { type Static, type TProperties, type TSchema, Type as t } from "@sinclair/typebox";
import { count, idString, open, text, userInfoFields } from "./common";
import { imageReplySchema, newsReplySchema, successReplySchema, textReplySchema, videoReplySchema, voiceReplySchema } from "./reply";

const header = {
  ToUserName: text("the corp-id (企业ID)"),
  FromUserName: text("the member's UserID (`sys` for contact changes)"),
  CreateTime: count("unix seconds"),
};

const agentId = text('the app\'s AgentId, as WeCom wrote it (digits, e.g. "1000002")');

/** What a member change (create_user, update_user) carries besides UserID, as 通讯录回调通知 lists it; only the changed fields on update. */
const memberFields = {
  NewUserID: t.Optional(text("the member's new UserID, when it changed (update_user)")),
  Name: t.Optional(text("the member's name, or the department's name (create_party, update_party)")),
  Department: t.Optional(text("the member's department ids, comma-separated")),
  MainDepartment: t.Optional(text("the member's main department id")),
  IsLeaderInDept: t.Optional(text("per department in Department, 1 when the member leads it, comma-separated")),
  DirectLeader: t.Optional(text("the UserIDs of the member's direct leaders, comma-separated")),
  Position: t.Optional(text("the member's position")),
  Mobile: t.Optional(text("the member's mobile number (only for apps allowed to read it)")),
  Gender: t.Optional(text("1 male, 2 female (0 unset)")),
  Email: t.Optional(text("the member's email")),
  BizMail: t.Optional(text("the member's business email")),
  Status: t.Optional(text("1 activated, 2 disabled, 4 not activated, 5 left the company")),
  Avatar: t.Optional(text("the member's avatar URL")),
  Alias: t.Optional(text("the member's alias")),
  Telephone: t.Optional(text("the member's landline")),
  Address: t.Optional(text("the member's address")),
};

function wecomMessage<P extends TProperties>(type: string, title: string, description: string, own: P) {
  const properties = {
    ...header,
    MsgType: t.Literal(type, { description: `always "${type}"` }),
    ...own,
    MsgId: idString("message id (64-bit, as a string)"),
    AgentID: agentId,
    ...userInfoFields,
  };
  return t.Object(properties, open(title, `${description} Forwarded to /msg/${type}.`));
}

function wecomEvent<P extends TProperties>(event: string, title: string, description: string, own: P) {
  const properties = {
    ...header,
    MsgType: t.Literal("event", { description: 'always "event"' }),
    Event: t.Literal(event, { description: `always "${event}" (WeCom's spelling, lower case)` }),
    ...own,
    ...userInfoFields,
  };
  return t.Object(properties, open(title, `${description} Forwarded to /event/${event}.`));
}

export const wecomTextMessageSchema = wecomMessage("text", "WecomTextMessage", "A text a member sent to the app.", {
  Content: text("the text, verbatim"),
});
export type WecomTextMessage = Static<typeof wecomTextMessageSchema>;

export const wecomImageMessageSchema = wecomMessage("image", "WecomImageMessage", "A picture a member sent to the app.", {
  PicUrl: text("picture URL"),
  MediaId: text("media id (get it within three days with the media API)"),
});
export type WecomImageMessage = Static<typeof wecomImageMessageSchema>;

const menuKey = (description: string) => ({ EventKey: text(description), AgentID: agentId });

export const wecomClickEventSchema = wecomEvent("click", "WecomClickEvent", "A member clicked a menu item of type click.", menuKey("the menu item's key"));
export type WecomClickEvent = Static<typeof wecomClickEventSchema>;

export const wecomViewEventSchema = wecomEvent("view", "WecomViewEvent", "A member clicked a menu item that opens a URL.", menuKey("the URL opened"));
export type WecomViewEvent = Static<typeof wecomViewEventSchema>;

export const wecomEnterAgentEventSchema = wecomEvent("enter_agent", "WecomEnterAgentEvent", "A member opened the app.", menuKey("empty for this event"));
export type WecomEnterAgentEvent = Static<typeof wecomEnterAgentEventSchema>;

export const wecomChangeContactEventSchema = wecomEvent(
  "change_contact",
  "WecomChangeContactEvent",
  "The address book changed (a member, department or tag was created, updated or deleted); the other fields depend on ChangeType.",
  {
    ChangeType: text("create_user, update_user, delete_user, create_party, update_party, delete_party or update_tag"),
    UserID: t.Optional(text("the member's UserID (member changes)")),
    ...memberFields,
    Id: t.Optional(text("the department id (department changes)")),
    ParentId: t.Optional(text("the parent department's id (create_party, update_party)")),
    Order: t.Optional(text("the department's order value (create_party)")),
    TagId: t.Optional(text("the tag id (update_tag)")),
    AddUserItems: t.Optional(text("UserIDs added to the tag, comma-separated (update_tag)")),
    DelUserItems: t.Optional(text("UserIDs removed from the tag, comma-separated (update_tag)")),
    AddPartyItems: t.Optional(text("department ids added to the tag, comma-separated (update_tag)")),
    DelPartyItems: t.Optional(text("department ids removed from the tag, comma-separated (update_tag)")),
  },
);
export type WecomChangeContactEvent = Static<typeof wecomChangeContactEventSchema>;

/** Any other WeCom message or event, forwarded as it comes. */
export const genericWecomBodySchema = t.Object(
  {
    ToUserName: t.Optional(text("the corp-id")),
    FromUserName: t.Optional(text("a member's UserID, or sys")),
    CreateTime: t.Optional(count("unix seconds")),
    MsgType: text("the message type; event for events"),
    Event: t.Optional(text("the event name, also the last segment of the URL")),
    AgentID: t.Optional(agentId),
  },
  open("GenericWecomBody", "Any WeCom callback without a schema of its own: every element a string key, CreateTime a number."),
);
export type GenericWecomBody = Static<typeof genericWecomBodySchema>;

/** Every WeCom body with a schema of its own, by backend path. */
export const wecomSchemas: Readonly<Record<string, TSchema>> = Object.freeze({
  "/msg/text": wecomTextMessageSchema,
  "/msg/image": wecomImageMessageSchema,
  "/event/click": wecomClickEventSchema,
  "/event/view": wecomViewEventSchema,
  "/event/enter_agent": wecomEnterAgentEventSchema,
  "/event/change_contact": wecomChangeContactEventSchema,
});

/**
 * What a WeCom app's backend may answer: WeCom's passive replies (text, image, voice, video, news; no
 * music, no transfer to customer service), also what message/send delivers with async-reply.
 */
export const wecomReplySchema = t.Union([textReplySchema, imageReplySchema, voiceReplySchema, videoReplySchema, newsReplySchema, successReplySchema], {
  title: "WecomReply",
  description: "A WeCom app backend's JSON answer, one of the reply types, selected by type (text when absent).",
});
export type WecomReply = Static<typeof wecomReplySchema>;
