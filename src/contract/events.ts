/**
 * @module contract/events
 * The JSON bodies POSTed to `<msg-proxy-pass>/event/<Event>` (SPEC §4.3), `Event` exactly as WeChat
 * spells it. Sources: WeChat's "接收事件推送", "自定义菜单事件推送", "群发结果" (Batch_Sends),
 * "模板消息 事件推送" and "订阅通知" pages. Nested elements stay objects; the Go original's flattened
 * copies (ScanType/ScanResult, Count/PicList, Location_X…Poiname) are at the top level too.
 */
import { Type as t, type Static, type TSchema } from "@sinclair/typebox";
import { count, eventProperties, headerFields, open, text, userInfoFields } from "./common";
import {
  massSendJobFinishEventSchema,
  subscribeMsgPopupEventSchema,
  templateSendJobFinishEventSchema,
  type MassSendJobFinishEvent,
  type SubscribeMsgPopupEvent,
  type TemplateSendJobFinishEvent,
} from "./events-jobs";

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

const scanCodeInfo = t.Object(
  { ScanType: text("e.g. qrcode or barcode"), ScanResult: text("the scanned content") },
  open("ScanCodeInfo", "The scan result of a scancode_* menu button."),
);
const scanCodeFields = {
  EventKey: eventKey("the key of the menu button"),
  ScanCodeInfo: scanCodeInfo,
  ScanType: text("copy of ScanCodeInfo.ScanType (Go original's flattened field)"),
  ScanResult: text("copy of ScanCodeInfo.ScanResult (Go original's flattened field)"),
};

export const scancodePushEventSchema = t.Object(
  eventProperties("scancode_push", scanCodeFields),
  open("ScancodePushEvent", "Scan-and-push menu button, forwarded to /event/scancode_push."),
);
export type ScancodePushEvent = Static<typeof scancodePushEventSchema>;

export const scancodeWaitmsgEventSchema = t.Object(
  eventProperties("scancode_waitmsg", scanCodeFields),
  open("ScancodeWaitmsgEvent", 'Scan menu button with a "message arriving" prompt, forwarded to /event/scancode_waitmsg.'),
);
export type ScancodeWaitmsgEvent = Static<typeof scancodeWaitmsgEventSchema>;

const sendPicsInfo = t.Object(
  {
    Count: count("number of pictures"),
    PicList: t.Object(
      { item: t.Array(t.Object({ PicMd5Sum: text("MD5 of the picture") }, open("PicItem", "One picture.")), { description: "always an array, even with one picture" }) },
      open("PicList", "The pictures."),
    ),
  },
  open("SendPicsInfo", "The pictures sent through a pic_* menu button."),
);
const picFields = {
  EventKey: eventKey("the key of the menu button"),
  SendPicsInfo: sendPicsInfo,
  Count: count("copy of SendPicsInfo.Count (Go original's flattened field)"),
  PicList: t.Array(t.String(), { description: "the PicMd5Sum of every picture (Go original's flattened field)" }),
};

export const picSysphotoEventSchema = t.Object(
  eventProperties("pic_sysphoto", picFields),
  open("PicSysphotoEvent", "Camera menu button, forwarded to /event/pic_sysphoto."),
);
export type PicSysphotoEvent = Static<typeof picSysphotoEventSchema>;

export const picPhotoOrAlbumEventSchema = t.Object(
  eventProperties("pic_photo_or_album", picFields),
  open("PicPhotoOrAlbumEvent", "Camera-or-album menu button, forwarded to /event/pic_photo_or_album."),
);
export type PicPhotoOrAlbumEvent = Static<typeof picPhotoOrAlbumEventSchema>;

export const picWeixinEventSchema = t.Object(
  eventProperties("pic_weixin", picFields),
  open("PicWeixinEvent", "WeChat album menu button, forwarded to /event/pic_weixin."),
);
export type PicWeixinEvent = Static<typeof picWeixinEventSchema>;

const locationInfo = {
  Location_X: text("latitude, as WeChat wrote it"),
  Location_Y: text("longitude, as WeChat wrote it"),
  Scale: count("map zoom level"),
  Label: text("address label"),
};

export const locationSelectEventSchema = t.Object(
  eventProperties("location_select", {
    EventKey: eventKey("the key of the menu button"),
    SendLocationInfo: t.Object(
      { ...locationInfo, Poiname: t.Optional(text("name of the selected place; may be empty")) },
      open("SendLocationInfo", "The location picked with the location_select menu button."),
    ),
    ...locationInfo,
    Poiname: text('copy of SendLocationInfo.Poiname, "" when absent (Go original\'s flattened field; so are Location_X…Label)'),
  }),
  open("LocationSelectEvent", 'Location picker menu button, forwarded to /event/location_select (the Go original listed it as "location").'),
);
export type LocationSelectEvent = Static<typeof locationSelectEventSchema>;

export { massSendJobFinishEventSchema, subscribeMsgPopupEventSchema, templateSendJobFinishEventSchema };
export type { MassSendJobFinishEvent, SubscribeMsgPopupEvent, TemplateSendJobFinishEvent };

/** Any Event without its own schema, e.g. view_miniprogram or subscribe_msg_change_event. */
export const genericEventSchema = t.Object(
  {
    ...headerFields,
    MsgType: t.Literal("event", { description: 'always "event"' }),
    Event: text("WeChat's event name, also the last segment of the URL"),
    EventKey: t.Optional(text("the event's key, when it has one")),
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
  scancode_push: scancodePushEventSchema,
  scancode_waitmsg: scancodeWaitmsgEventSchema,
  pic_sysphoto: picSysphotoEventSchema,
  pic_photo_or_album: picPhotoOrAlbumEventSchema,
  pic_weixin: picWeixinEventSchema,
  location_select: locationSelectEventSchema,
  MASSSENDJOBFINISH: massSendJobFinishEventSchema,
  TEMPLATESENDJOBFINISH: templateSendJobFinishEventSchema,
  subscribe_msg_popup_event: subscribeMsgPopupEventSchema,
};

/** Every event a backend may receive at /event/<Event>. */
export type WechatEvent =
  | SubscribeEvent
  | UnsubscribeEvent
  | ScanEvent
  | LocationEvent
  | ClickEvent
  | ViewEvent
  | ScancodePushEvent
  | ScancodeWaitmsgEvent
  | PicSysphotoEvent
  | PicPhotoOrAlbumEvent
  | PicWeixinEvent
  | LocationSelectEvent
  | MassSendJobFinishEvent
  | TemplateSendJobFinishEvent
  | SubscribeMsgPopupEvent
  | GenericEvent;
