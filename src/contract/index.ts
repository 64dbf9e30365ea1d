/**
 * @module contract
 * The backend contract in one module (SPEC §5): the schema of every forwarded body by backend path,
 * the reply, the OAuth2 forward body, and their TypeScript types. Read by `wx-gateway schema`, the
 * OpenAPI document and the tests; TypeScript backends can import the types from here.
 */
import type { TSchema } from "@sinclair/typebox";
import { channelsEventSchemas, genericChannelsEventSchema } from "./channels";
import { eventSchemas, genericEventSchema } from "./events";
import { genericMessageSchema, messageSchemas } from "./messages";
import { backendReplySchema, channelsReplySchema } from "./reply";
import { oauth2ForwardSchema } from "./oauth2";

export { backendReplySchema, channelsReplySchema, genericChannelsEventSchema, genericEventSchema, genericMessageSchema, oauth2ForwardSchema };
export { channelsEventSchemas, eventSchemas, messageSchemas };
export { userInfoSchema } from "./common";

function byPath(prefix: string, schemas: Record<string, TSchema>): Record<string, TSchema> {
  return Object.fromEntries(Object.entries(schemas).map(([type, schema]) => [`${prefix}${type}`, schema]));
}

/**
 * Every forwarded body with a schema of its own, by backend path ("/msg/text", "/event/subscribe",
 * "/event/channels_ec_order_pay"). Other types are forwarded too and match the generic schemas.
 */
export const forwardedSchemas: Readonly<Record<string, TSchema>> = Object.freeze({
  ...byPath("/msg/", messageSchemas),
  ...byPath("/event/", eventSchemas),
  ...byPath("/event/", channelsEventSchemas),
});

export interface SchemaLookupOptions {
  /** the service is a Channels shop (`is-channels-ec`): unknown events fall back to the generic Channels schema */
  readonly channels?: boolean;
}

/**
 * The schema of the body POSTed to `path` (a backend path, `/msg/<MsgType>` or `/event/<Event>`;
 * a leading msg-proxy-pass prefix is ignored): the type's own schema, else the generic message or
 * event schema. Throws for a path that is neither.
 */
export function schemaForPath(path: string, options: SchemaLookupOptions = {}): TSchema {
  const match = /\/(msg|event)\/([^/?#]+)$/.exec(path.replace(/[?#].*$/, ""));
  if (!match) throw new Error(`not a backend path: ${JSON.stringify(path)} (expected /msg/<MsgType> or /event/<Event>)`);
  const key = `/${match[1]}/${match[2]}`;
  const own = forwardedSchemas[key];
  if (own) return own;
  if (match[1] === "msg") return genericMessageSchema;
  return options.channels ? genericChannelsEventSchema : genericEventSchema;
}

export type { UserInfo } from "./common";
export type {
  GenericMessage,
  ImageMessage,
  LinkMessage,
  LocationMessage,
  ShortVideoMessage,
  TextMessage,
  VideoMessage,
  VoiceMessage,
  WechatMessage,
} from "./messages";
export type {
  ClickEvent,
  GenericEvent,
  LocationEvent,
  ScanEvent,
  SubscribeEvent,
  UnsubscribeEvent,
  ViewEvent,
  WechatEvent,
} from "./events";
export type * from "./events-menu";
export type * from "./events-jobs";
export type * from "./events-card";
export type * from "./events-account";
export type {
  ChannelsAftersaleUpdateEvent,
  ChannelsEvent,
  ChannelsOrderCancelEvent,
  ChannelsOrderConfirmEvent,
  ChannelsOrderPayEvent,
  ChannelsOrderSettleEvent,
  GenericChannelsEvent,
} from "./channels";
export type {
  BackendReply,
  ChannelsReply,
  ImageReply,
  MusicReply,
  NewsArticle,
  NewsReply,
  SuccessReply,
  TextReply,
  TransferCustomerServiceReply,
  VideoReply,
  VoiceReply,
} from "./reply";
export type { OAuth2Forward } from "./oauth2";
