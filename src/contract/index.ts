/**
 * @module contract
 * The backend contract in one module (SPEC §5): the schema of every forwarded body by backend path,
 * the reply, the OAuth2 forward body, and their TypeScript types — for every push surface (SPEC §8):
 * `surfaceContracts` says what a service of each `kind` forwards and may be answered. Read by
 * `wx-gateway schema`, the OpenAPI document and the tests; TypeScript backends can import the types from here.
 */
import type { TSchema } from "@sinclair/typebox";
import type { ServiceKind } from "../config/schema";
import { channelsEventSchemas, genericChannelsEventSchema } from "./channels";
import { eventSchemas, genericEventSchema } from "./events";
import { genericMessageSchema, messageSchemas } from "./messages";
import { miniProgramReplySchema, miniProgramSchemas } from "./mini-program";
import { oauth2ForwardSchema } from "./oauth2";
import { backendReplySchema, channelsReplySchema } from "./reply";
import { genericWecomBodySchema, wecomReplySchema, wecomSchemas } from "./wecom";

export { userInfoSchema } from "./common";
export {
  backendReplySchema,
  channelsEventSchemas,
  channelsReplySchema,
  eventSchemas,
  genericChannelsEventSchema,
  genericEventSchema,
  genericMessageSchema,
  genericWecomBodySchema,
  messageSchemas,
  miniProgramReplySchema,
  miniProgramSchemas,
  oauth2ForwardSchema,
  wecomReplySchema,
  wecomSchemas,
};

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

/** What the backend of one push surface receives and may answer. */
export interface SurfaceContract {
  /** bodies with a schema of their own, by backend path */
  readonly forwarded: Readonly<Record<string, TSchema>>;
  /** any other `/msg/<MsgType>` */
  readonly genericMessage: TSchema;
  /** any other `/event/<Event>` */
  readonly genericEvent: TSchema;
  /** the backend's answer */
  readonly reply: TSchema;
}

/** Each service kind's contract: a Mini Program's `/msg/text` is not an Official Account's. */
export const surfaceContracts: Readonly<Record<ServiceKind, SurfaceContract>> = Object.freeze({
  "official-account": { forwarded: forwardedSchemas, genericMessage: genericMessageSchema, genericEvent: genericEventSchema, reply: backendReplySchema },
  "channels-ec": { forwarded: forwardedSchemas, genericMessage: genericMessageSchema, genericEvent: genericChannelsEventSchema, reply: channelsReplySchema },
  "mini-program": { forwarded: miniProgramSchemas, genericMessage: genericMessageSchema, genericEvent: genericEventSchema, reply: miniProgramReplySchema },
  wecom: { forwarded: wecomSchemas, genericMessage: genericWecomBodySchema, genericEvent: genericWecomBodySchema, reply: wecomReplySchema },
});

export interface SchemaLookupOptions {
  /** the service's kind (default official-account) */
  readonly kind?: ServiceKind;
  /** the service is a Channels shop (`is-channels-ec`): the same as kind channels-ec */
  readonly channels?: boolean;
}

/**
 * The schema of the body POSTed to `path` (a backend path, `/msg/<MsgType>` or `/event/<Event>`;
 * a leading msg-proxy-pass prefix is ignored) by a service of `options.kind`: the type's own schema,
 * else the surface's generic message or event schema. Throws for a path that is neither.
 */
export function schemaForPath(path: string, options: SchemaLookupOptions = {}): TSchema {
  const match = /\/(msg|event)\/([^/?#]+)$/.exec(path.replace(/[?#].*$/, ""));
  if (!match) throw new Error(`not a backend path: ${JSON.stringify(path)} (expected /msg/<MsgType> or /event/<Event>)`);
  const surface = surfaceContracts[options.kind ?? (options.channels ? "channels-ec" : "official-account")];
  const own = surface.forwarded[`/${match[1]}/${match[2]}`];
  if (own) return own;
  return match[1] === "msg" ? surface.genericMessage : surface.genericEvent;
}

export type {
  ChannelsAftersaleUpdateEvent,
  ChannelsEvent,
  ChannelsOrderCancelEvent,
  ChannelsOrderConfirmEvent,
  ChannelsOrderPayEvent,
  ChannelsOrderSettleEvent,
  GenericChannelsEvent,
} from "./channels";
export type { UserInfo } from "./common";
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
export type * from "./events-account";
export type * from "./events-card";
export type * from "./events-jobs";
export type * from "./events-menu";
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
export type * from "./mini-program";
export type { OAuth2Forward } from "./oauth2";
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
export type * from "./wecom";
