/**
 * @module contract/events-menu
 * Events of custom menu buttons (WeChat's "自定义菜单事件推送", Custom_Menu_Push_Events) beyond CLICK and
 * VIEW: scan, picture and location pickers and mini program links. Nested elements stay objects, and
 * the Go original's flattened copies (ScanType/ScanResult, Count/PicList, Location_X…Poiname) are at
 * the top level too.
 */
import { type Static, Type as t } from "@sinclair/typebox";
import { count, eventProperties, eventSchema, open, text } from "./common";

const eventKey = (what: string) => text(`EventKey: ${what}`);

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
      {
        item: t.Array(t.Object({ PicMd5Sum: text("MD5 of the picture") }, open("PicItem", "One picture.")), {
          description: "always an array, even with one picture",
        }),
      },
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

export const viewMiniprogramEventSchema = eventSchema(
  "view_miniprogram",
  "ViewMiniprogramEvent",
  "A menu button that opens a mini program was pressed (点击菜单跳转小程序).",
  {
    EventKey: eventKey("the page path of the mini program that was opened"),
    MenuId: t.Optional(text("menu id; tells which conditional (personalised) menu was used")),
  },
);
export type ViewMiniprogramEvent = Static<typeof viewMiniprogramEventSchema>;

/** Menu event schemas by Event. */
export const menuEventSchemas = {
  scancode_push: scancodePushEventSchema,
  scancode_waitmsg: scancodeWaitmsgEventSchema,
  pic_sysphoto: picSysphotoEventSchema,
  pic_photo_or_album: picPhotoOrAlbumEventSchema,
  pic_weixin: picWeixinEventSchema,
  location_select: locationSelectEventSchema,
  view_miniprogram: viewMiniprogramEventSchema,
};

export type MenuEvent =
  | ScancodePushEvent
  | ScancodeWaitmsgEvent
  | PicSysphotoEvent
  | PicPhotoOrAlbumEvent
  | PicWeixinEvent
  | LocationSelectEvent
  | ViewMiniprogramEvent;
