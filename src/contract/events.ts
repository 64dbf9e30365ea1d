/**
 * @module contract/events
 * The JSON bodies POSTed to `<msg-proxy-pass>/event/<Event>` (SPEC §4.3), `Event` exactly as WeChat
 * spells it: the basic events of WeChat's "接收事件推送" page here, and the registry of every event with a
 * schema of its own — menu events (contract/events-menu), job results and subscription messages
 * (contract/events-jobs), card events (contract/events-card), customer-service sessions, verification,
 * store, Wi-Fi and Shake Nearby notifications (contract/events-account). Any other event is forwarded
 * too and matches the generic schema.
 */
import { type Static, type TSchema, Type as t } from "@sinclair/typebox";
import { count, eventMsgType, eventProperties, headerFields, open, text, userInfoFields } from "./common";
import { type AccountEvent, accountEventSchemas } from "./events-account";
import { type CardEvent, cardEventSchemas } from "./events-card";
import {
  type MassSendJobFinishEvent,
  massSendJobFinishEventSchema,
  type PublishJobFinishEvent,
  publishJobFinishEventSchema,
  type SubscribeMsgChangeEvent,
  type SubscribeMsgPopupEvent,
  type SubscribeMsgSentEvent,
  subscribeMsgChangeEventSchema,
  subscribeMsgPopupEventSchema,
  subscribeMsgSentEventSchema,
  type TemplateSendJobFinishEvent,
  templateSendJobFinishEventSchema,
} from "./events-jobs";
import { type MenuEvent, menuEventSchemas } from "./events-menu";

const eventKey = (what: string) => text(`EventKey: ${what}`);

export const subscribeEventSchema = t.Object(
  eventProperties("subscribe", {
    EventKey: t.Optional(eventKey('"qrscene_" + scene when the user followed by scanning a parameterised QR code; may be empty')),
    Ticket: t.Optional(text("QR code ticket (only when followed by a QR code)")),
  }),
  open("SubscribeEvent", "The user followed the account, forwarded to /event/subscribe."),
);
export type SubscribeEvent = Static<typeof subscribeEventSchema>;

export const unsubscribeEventSchema = t.Object(
  eventProperties("unsubscribe", { EventKey: t.Optional(eventKey("usually empty")) }),
  open("UnsubscribeEvent", "The user unfollowed the account, forwarded to /event/unsubscribe. userInfo is then mostly empty (subscribe 0)."),
);
export type UnsubscribeEvent = Static<typeof unsubscribeEventSchema>;

export const scanEventSchema = t.Object(
  eventProperties("SCAN", {
    EventKey: eventKey("the QR code's scene value (no qrscene_ prefix)"),
    Ticket: t.Optional(text("QR code ticket")),
  }),
  open("ScanEvent", "A follower scanned a parameterised QR code, forwarded to /event/SCAN."),
);
export type ScanEvent = Static<typeof scanEventSchema>;

export const locationEventSchema = t.Object(
  eventProperties("LOCATION", {
    Latitude: text("latitude, as WeChat wrote it"),
    Longitude: text("longitude, as WeChat wrote it"),
    Precision: text("precision, as WeChat wrote it"),
  }),
  open("LocationEvent", "Location reported on entering the conversation (上报地理位置), forwarded to /event/LOCATION."),
);
export type LocationEvent = Static<typeof locationEventSchema>;

export const clickEventSchema = t.Object(
  eventProperties("CLICK", { EventKey: eventKey("the key of the clicked menu button") }),
  open("ClickEvent", "A click menu button was pressed, forwarded to /event/CLICK (upper case, as WeChat sends it)."),
);
export type ClickEvent = Static<typeof clickEventSchema>;

export const viewEventSchema = t.Object(
  eventProperties("VIEW", {
    EventKey: eventKey("the URL the view button opens"),
    MenuId: t.Optional(text("menu id; tells which conditional (personalised) menu was used")),
  }),
  open("ViewEvent", "A view (link) menu button was pressed, forwarded to /event/VIEW."),
);
export type ViewEvent = Static<typeof viewEventSchema>;

/** Any Event without its own schema, e.g. user_info_modified or an event WeChat adds later. */
export const genericEventSchema = t.Object(
  {
    ...headerFields,
    MsgType: eventMsgType,
    Event: text("WeChat's event name, also the last segment of the URL"),
    EventKey: t.Optional(text("the event's key, when it has one")),
    ResultCount: t.Optional(count("a result count, when an event carries one (an integer, like every count)")),
    ...userInfoFields,
  },
  open(
    "GenericEvent",
    "Any event, including ones this contract does not list: every XML element becomes a key; CreateTime and counts are numbers, ids strings, all else strings; nested elements stay objects, item/List elements are arrays.",
  ),
);
export type GenericEvent = Static<typeof genericEventSchema>;

/** Schemas by Event: the body POSTed to /event/<Event>. */
export const eventSchemas: Record<string, TSchema> = {
  subscribe: subscribeEventSchema,
  unsubscribe: unsubscribeEventSchema,
  SCAN: scanEventSchema,
  LOCATION: locationEventSchema,
  CLICK: clickEventSchema,
  VIEW: viewEventSchema,
  ...menuEventSchemas,
  MASSSENDJOBFINISH: massSendJobFinishEventSchema,
  TEMPLATESENDJOBFINISH: templateSendJobFinishEventSchema,
  PUBLISHJOBFINISH: publishJobFinishEventSchema,
  subscribe_msg_popup_event: subscribeMsgPopupEventSchema,
  subscribe_msg_change_event: subscribeMsgChangeEventSchema,
  subscribe_msg_sent_event: subscribeMsgSentEventSchema,
  ...cardEventSchemas,
  ...accountEventSchemas,
};

/** Every event a backend may receive at /event/<Event>. */
export type WechatEvent =
  | SubscribeEvent
  | UnsubscribeEvent
  | ScanEvent
  | LocationEvent
  | ClickEvent
  | ViewEvent
  | MenuEvent
  | MassSendJobFinishEvent
  | TemplateSendJobFinishEvent
  | PublishJobFinishEvent
  | SubscribeMsgPopupEvent
  | SubscribeMsgChangeEvent
  | SubscribeMsgSentEvent
  | CardEvent
  | AccountEvent
  | GenericEvent;
