/**
 * @module contract/common
 * Building blocks shared by the forwarded-body schemas (SPEC §4.3): the header every callback carries,
 * id and count field shapes, and the appended `userInfo`/`userInfoError`.
 *
 * Conventions, so the exported JSON Schema stays plain (ajv reads it as is):
 * - ids (`MsgId`, `MsgID`, Channels `order_id`) are decimal strings: they are 64-bit and a JSON number
 *   loses digits above 2^53;
 * - `CreateTime` and the counts are integers; every other XML value is a string, verbatim;
 * - objects allow additional properties: WeChat adds fields without notice and the gateway forwards them.
 */
import { type Static, type TProperties, Type as t } from "@sinclair/typebox";

/**
 * What the gateway enforces for a field, by its name, wherever it occurs in a callback; read off the
 * schemas by contract/fields. Kept under a symbol, so the exported JSON Schema does not show it.
 * - "integer": a JSON integer (XML digits are converted; anything else is refused);
 * - "id": a string of 1 to MAX_ID_DIGITS decimal digits (a bare JSON number is read digit for digit);
 * - "text-id": a string; a bare JSON number there must be digits and is forwarded as a string of them.
 */
export type FieldRole = "integer" | "id" | "text-id";
export const FIELD_ROLE: unique symbol = Symbol("wx-gateway.field-role");
const role = (r: FieldRole) => ({ [FIELD_ROLE]: r });

/** A 64-bit id has at most 20 digits; the bound leaves room and keeps dedup keys short. */
export const MAX_ID_DIGITS = 32;
export const ID_PATTERN = `^[0-9]{1,${MAX_ID_DIGITS}}$`;

/** A 64-bit id written as a decimal string, e.g. "7362551834723893410". */
export const idString = (description: string) => t.String({ pattern: ID_PATTERN, description, examples: ["7362551834723893410"], ...role("id") });

/** A merchant's own id: any string, or a bare JSON number kept as its digits. */
export const textId = (description: string) => t.String({ description, ...role("text-id") });

/** One of the integer counts (CreateTime, Scale, Count, TotalCount, …): a JSON number. */
export const count = (description: string) => t.Integer({ description, ...role("integer") });

/** A string value as WeChat sent it (CDATA content or element text, whitespace kept). */
export const text = (description: string) => t.String({ description });

/** Options for an object WeChat may extend: titled, described, open to new fields. */
export const open = (title: string, description: string) => ({ title, description, additionalProperties: true });

/** The answer of `cgi-bin/user/info` (or `sns/userinfo` for OAuth2), passed through as WeChat gave it. */
export const userInfoSchema = t.Object(
  {
    subscribe: t.Optional(t.Integer({ description: "1 when the user follows the account, 0 otherwise (then most fields are absent)" })),
    openid: t.Optional(text("the user's openId for this account")),
    language: t.Optional(text("e.g. zh_CN")),
    subscribe_time: t.Optional(t.Integer({ description: "unix seconds of the last follow" })),
    unionid: t.Optional(text("present when the account is bound to an Open Platform account")),
    remark: t.Optional(text("the account's remark for this user")),
    groupid: t.Optional(t.Integer({ description: "legacy group id" })),
    tagid_list: t.Optional(t.Array(t.Integer(), { description: "tag ids" })),
    subscribe_scene: t.Optional(text("how the user followed, e.g. ADD_SCENE_QR_CODE")),
    qr_scene: t.Optional(t.Integer({ description: "QR scene id when followed by a QR code" })),
    qr_scene_str: t.Optional(text("QR scene string when followed by a QR code")),
    nickname: t.Optional(text("only from sns/userinfo (snsapi_userinfo); cgi-bin/user/info no longer returns it")),
    headimgurl: t.Optional(text("only from sns/userinfo (snsapi_userinfo)")),
  },
  open("UserInfo", "WeChat's user info answer, every field it returned (WeChat keeps adding and retiring fields)."),
);
export type UserInfo = Static<typeof userInfoSchema>;

/**
 * Appended to Official Account bodies unless `dont-append-userinfo` is true: the user info (null when
 * the lookup failed or was not possible) and the failure reason ("" when none).
 */
export const userInfoFields = {
  userInfo: t.Optional(t.Union([userInfoSchema, t.Null()], { description: "WeChat's cgi-bin/user/info answer; null when the lookup failed" })),
  userInfoError: t.Optional(text('why userInfo is null; "" when the lookup succeeded')),
};

/** `MsgType` of every event; titled, so a generator names its type once (EventMsgType) rather than after whichever event it met first. */
export const eventMsgType = t.Literal("event", { title: "EventMsgType", description: 'always "event"' });

/** The four header fields of every XML callback. */
export const headerFields = {
  ToUserName: text("the account's original id (gh_…)"),
  FromUserName: text("the sender's openId"),
  CreateTime: count("unix seconds"),
};

/** Fields WeChat adds to a message that comes from an article (文章留言/来自图文). */
const articleFields = {
  MsgDataId: t.Optional(idString("data id of the article the message comes from (only then), as a string")),
  Idx: t.Optional(text("which article of a multi-article message, from 1 (only with MsgDataId)")),
};

/** Properties of a message body with `MsgType` = `type` plus its own fields. */
export function messageProperties<P extends TProperties>(type: string, own: P) {
  return {
    ...headerFields,
    MsgType: t.Literal(type, { description: `the message type, always "${type}"` }),
    ...own,
    MsgId: idString("message id (64-bit, as a string)"),
    ...articleFields,
    ...userInfoFields,
  };
}

/** Properties of an event body with `Event` = `event` plus its own fields. */
export function eventProperties<P extends TProperties>(event: string, own: P) {
  return {
    ...headerFields,
    MsgType: eventMsgType,
    Event: t.Literal(event, { description: `the event name, always "${event}" (case-sensitive)` }),
    ...own,
    ...userInfoFields,
  };
}

/** The schema of one event body: `Event` = `event`, the header, its own fields and userInfo; open to new fields. */
export function eventSchema<P extends TProperties>(event: string, title: string, description: string, own: P) {
  return t.Object(eventProperties(event, own), open(title, `${description} Forwarded to /event/${event}.`));
}
