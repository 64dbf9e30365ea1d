/**
 * @module test/_helpers/callback-samples
 * One sample callback per message and event type an Official Account receives, shaped like the
 * examples in WeChat's docs ("接收普通消息", "接收事件推送", "自定义菜单事件推送", "事件推送群发结果",
 * "模板消息 事件推送", "订阅通知 用户操作订阅通知弹窗"), with the backend path and the fields the
 * forwarded JSON must carry (SPEC §4.3: numbers for CreateTime and counts, ids as strings,
 * the Go original's flattened fields).
 */

export interface CallbackSample {
  readonly name: string;
  readonly xml: string;
  /** backend path: /msg/<MsgType> or /event/<Event> */
  readonly path: string;
  /** a subset of the forwarded body */
  readonly fields: Record<string, unknown>;
}

const head = (type: string, from = "oUserSample", time = 1700000100) =>
  `<ToUserName><![CDATA[gh_test]]></ToUserName><FromUserName><![CDATA[${from}]]></FromUserName><CreateTime>${time}</CreateTime><MsgType><![CDATA[${type}]]></MsgType>`;
const msg = (type: string, inner: string, msgId: string) => `<xml>${head(type)}${inner}<MsgId>${msgId}</MsgId></xml>`;
const event = (name: string, inner = "", time = 1700000200) => `<xml>${head("event", "oUserSample", time)}<Event><![CDATA[${name}]]></Event>${inner}</xml>`;
const base = { ToUserName: "gh_test", FromUserName: "oUserSample" };

const messages: CallbackSample[] = [
  {
    name: "text",
    xml: msg("text", "<Content><![CDATA[你好 <b>&amp; 😀]]></Content>", "6054768590064713001"),
    path: "/msg/text",
    fields: { ...base, CreateTime: 1700000100, MsgType: "text", Content: "你好 <b>&amp; 😀", MsgId: "6054768590064713001" },
  },
  {
    name: "image",
    xml: msg("image", "<PicUrl><![CDATA[http://mmbiz.qpic.cn/pic1]]></PicUrl><MediaId><![CDATA[media_image_1]]></MediaId>", "6054768590064713002"),
    path: "/msg/image",
    fields: { MsgType: "image", PicUrl: "http://mmbiz.qpic.cn/pic1", MediaId: "media_image_1", MsgId: "6054768590064713002" },
  },
  {
    name: "voice",
    xml: msg(
      "voice",
      "<MediaId><![CDATA[media_voice_1]]></MediaId><Format><![CDATA[amr]]></Format><MediaId16K><![CDATA[media_voice_16k]]></MediaId16K>",
      "6054768590064713003",
    ),
    path: "/msg/voice",
    fields: { MsgType: "voice", MediaId: "media_voice_1", Format: "amr", MediaId16K: "media_voice_16k", MsgId: "6054768590064713003" },
  },
  {
    name: "video",
    xml: msg("video", "<MediaId><![CDATA[media_video_1]]></MediaId><ThumbMediaId><![CDATA[thumb_1]]></ThumbMediaId>", "6054768590064713004"),
    path: "/msg/video",
    fields: { MsgType: "video", MediaId: "media_video_1", ThumbMediaId: "thumb_1", MsgId: "6054768590064713004" },
  },
  {
    name: "shortvideo",
    xml: msg("shortvideo", "<MediaId><![CDATA[media_short_1]]></MediaId><ThumbMediaId><![CDATA[thumb_2]]></ThumbMediaId>", "6054768590064713005"),
    path: "/msg/shortvideo",
    fields: { MsgType: "shortvideo", MediaId: "media_short_1", ThumbMediaId: "thumb_2", MsgId: "6054768590064713005" },
  },
  {
    name: "location",
    xml: msg(
      "location",
      "<Location_X>23.134521</Location_X><Location_Y>113.358803</Location_Y><Scale>20</Scale><Label><![CDATA[位置信息]]></Label>",
      "6054768590064713006",
    ),
    path: "/msg/location",
    fields: { MsgType: "location", Location_X: "23.134521", Location_Y: "113.358803", Scale: 20, Label: "位置信息", MsgId: "6054768590064713006" },
  },
  {
    name: "link",
    xml: msg(
      "link",
      "<Title><![CDATA[公众平台官网链接]]></Title><Description><![CDATA[描述]]></Description><Url><![CDATA[https://mp.weixin.qq.com/?a=1&b=2]]></Url>",
      "6054768590064713007",
    ),
    path: "/msg/link",
    fields: { MsgType: "link", Title: "公众平台官网链接", Description: "描述", Url: "https://mp.weixin.qq.com/?a=1&b=2", MsgId: "6054768590064713007" },
  },
];

const scanInfo = "<ScanCodeInfo><ScanType><![CDATA[qrcode]]></ScanType><ScanResult><![CDATA[https://example.com/qr]]></ScanResult></ScanCodeInfo>";
const pics = (n: number) =>
  `<SendPicsInfo><Count>${n}</Count><PicList>${Array.from({ length: n }, (_, i) => `<item><PicMd5Sum><![CDATA[md5_${i}]]></PicMd5Sum></item>`).join("")}</PicList></SendPicsInfo>`;
const key = (k: string) => `<EventKey><![CDATA[${k}]]></EventKey>`;

const events: CallbackSample[] = [
  {
    name: "subscribe",
    xml: event("subscribe", key("qrscene_123123") + "<Ticket><![CDATA[TICKET1]]></Ticket>", 1700000201),
    path: "/event/subscribe",
    fields: { ...base, MsgType: "event", Event: "subscribe", EventKey: "qrscene_123123", Ticket: "TICKET1", CreateTime: 1700000201 },
  },
  { name: "unsubscribe", xml: event("unsubscribe", "", 1700000202), path: "/event/unsubscribe", fields: { Event: "unsubscribe", CreateTime: 1700000202 } },
  {
    name: "SCAN",
    xml: event("SCAN", key("123123") + "<Ticket><![CDATA[TICKET2]]></Ticket>", 1700000203),
    path: "/event/SCAN",
    fields: { Event: "SCAN", EventKey: "123123", Ticket: "TICKET2" },
  },
  {
    name: "LOCATION",
    xml: event("LOCATION", "<Latitude>23.137466</Latitude><Longitude>113.352425</Longitude><Precision>119.385040</Precision>", 1700000204),
    path: "/event/LOCATION",
    fields: { Event: "LOCATION", Latitude: "23.137466", Longitude: "113.352425", Precision: "119.385040" },
  },
  { name: "CLICK", xml: event("CLICK", key("MENU_KEY_1"), 1700000205), path: "/event/CLICK", fields: { Event: "CLICK", EventKey: "MENU_KEY_1" } },
  {
    name: "VIEW",
    xml: event("VIEW", key("https://example.com/page") + "<MenuId>1234567</MenuId>", 1700000206),
    path: "/event/VIEW",
    fields: { Event: "VIEW", EventKey: "https://example.com/page", MenuId: "1234567" },
  },
  {
    name: "scancode_push",
    xml: event("scancode_push", key("scan_1") + scanInfo, 1700000207),
    path: "/event/scancode_push",
    fields: { Event: "scancode_push", EventKey: "scan_1", ScanType: "qrcode", ScanResult: "https://example.com/qr" },
  },
  {
    name: "scancode_waitmsg",
    xml: event("scancode_waitmsg", key("scan_2") + scanInfo, 1700000208),
    path: "/event/scancode_waitmsg",
    fields: { Event: "scancode_waitmsg", ScanType: "qrcode", ScanResult: "https://example.com/qr" },
  },
  {
    name: "pic_sysphoto",
    xml: event("pic_sysphoto", key("pic_1") + pics(1), 1700000209),
    path: "/event/pic_sysphoto",
    fields: { Event: "pic_sysphoto", Count: 1, PicList: ["md5_0"] },
  },
  {
    name: "pic_photo_or_album",
    xml: event("pic_photo_or_album", key("pic_2") + pics(2), 1700000210),
    path: "/event/pic_photo_or_album",
    fields: { Event: "pic_photo_or_album", Count: 2, PicList: ["md5_0", "md5_1"] },
  },
  {
    name: "pic_weixin",
    xml: event("pic_weixin", key("pic_3") + pics(1), 1700000211),
    path: "/event/pic_weixin",
    fields: { Event: "pic_weixin", Count: 1, PicList: ["md5_0"] },
  },
  {
    name: "location_select",
    xml: event(
      "location_select",
      key("loc_1") +
        "<SendLocationInfo><Location_X><![CDATA[23]]></Location_X><Location_Y><![CDATA[113]]></Location_Y><Scale><![CDATA[15]]></Scale><Label><![CDATA[广州市海珠区]]></Label><Poiname><![CDATA[]]></Poiname></SendLocationInfo>",
      1700000212,
    ),
    path: "/event/location_select",
    fields: { Event: "location_select", Location_X: "23", Location_Y: "113", Scale: 15, Label: "广州市海珠区", Poiname: "" },
  },
  {
    name: "MASSSENDJOBFINISH",
    xml: event(
      "MASSSENDJOBFINISH",
      "<MsgID>1000001625</MsgID><Status><![CDATA[err(30003)]]></Status><TotalCount>100</TotalCount><FilterCount>80</FilterCount><SentCount>75</SentCount><ErrorCount>5</ErrorCount>" +
        "<CopyrightCheckResult><Count>1</Count><ResultList><item><ArticleIdx>1</ArticleIdx><UserDeclareState>0</UserDeclareState><AuditState>2</AuditState><OriginalArticleUrl><![CDATA[Url_1]]></OriginalArticleUrl><OriginalArticleType>1</OriginalArticleType><CanReprint>1</CanReprint><NeedReplaceContent>1</NeedReplaceContent><NeedShowReprintSource>1</NeedShowReprintSource></item></ResultList><CheckState>2</CheckState></CopyrightCheckResult>",
      1700000213,
    ),
    path: "/event/MASSSENDJOBFINISH",
    fields: { Event: "MASSSENDJOBFINISH", MsgID: "1000001625", Status: "err(30003)", TotalCount: 100, FilterCount: 80, SentCount: 75, ErrorCount: 5 },
  },
  {
    name: "TEMPLATESENDJOBFINISH",
    xml: event("TEMPLATESENDJOBFINISH", "<MsgID>200163836</MsgID><Status><![CDATA[success]]></Status>", 1700000214),
    path: "/event/TEMPLATESENDJOBFINISH",
    fields: { Event: "TEMPLATESENDJOBFINISH", MsgID: "200163836", Status: "success" },
  },
  {
    name: "subscribe_msg_popup_event",
    xml: event(
      "subscribe_msg_popup_event",
      "<SubscribeMsgPopupEvent><List><TemplateId><![CDATA[VRR0UEO9VJOLs0MHlU0OilqX6MVFDwH3_3gz3Oc0NIc]]></TemplateId><SubscribeStatusString><![CDATA[accept]]></SubscribeStatusString><PopupScene>2</PopupScene></List><List><TemplateId><![CDATA[9nLIlbOQZC5Y89AZteFEux3WCXRRRG5Wfzkpssu4bLI]]></TemplateId><SubscribeStatusString><![CDATA[reject]]></SubscribeStatusString><PopupScene>2</PopupScene></List></SubscribeMsgPopupEvent>",
      1700000215,
    ),
    path: "/event/subscribe_msg_popup_event",
    fields: {
      Event: "subscribe_msg_popup_event",
      SubscribeMsgPopupEvent: {
        List: [
          { TemplateId: "VRR0UEO9VJOLs0MHlU0OilqX6MVFDwH3_3gz3Oc0NIc", SubscribeStatusString: "accept", PopupScene: "2" },
          { TemplateId: "9nLIlbOQZC5Y89AZteFEux3WCXRRRG5Wfzkpssu4bLI", SubscribeStatusString: "reject", PopupScene: "2" },
        ],
      },
    },
  },
];

const cdata = (fields: Record<string, string>) =>
  Object.entries(fields)
    .map(([k, v]) => `<${k}><![CDATA[${v}]]></${k}>`)
    .join("");
const card = { CardId: "pZI8Fjwsy5fVPRBeD78J4RmqVvBc", UserCardCode: "226009850808" };
const beacon = (major: string, distance: string) =>
  `<Uuid><![CDATA[FDA50693-A4E2-4FB1-AFCF-C6EB07647825]]></Uuid><Major>${major}</Major><Minor>1</Minor><Distance>${distance}</Distance>`;

/** Events with a schema of their own beyond the basic ones (WeChat's menu, subscription, publishing, card, customer-service and account pages). */
const moreEvents: CallbackSample[] = [
  {
    name: "view_miniprogram",
    xml: event("view_miniprogram", `${key("pages/index/index")}<MenuId>MENUID</MenuId>`, 1700000216),
    path: "/event/view_miniprogram",
    fields: { Event: "view_miniprogram", EventKey: "pages/index/index", MenuId: "MENUID" },
  },
  {
    name: "subscribe_msg_change_event",
    xml: event(
      "subscribe_msg_change_event",
      `<SubscribeMsgChangeEvent><List>${cdata({ TemplateId: "VRR0UEO9VJOLs0MHlU0OilqX6MVFDwH3_3gz3Oc0NIc", SubscribeStatusString: "reject" })}</List></SubscribeMsgChangeEvent>`,
      1700000217,
    ),
    path: "/event/subscribe_msg_change_event",
    fields: { SubscribeMsgChangeEvent: { List: [{ TemplateId: "VRR0UEO9VJOLs0MHlU0OilqX6MVFDwH3_3gz3Oc0NIc", SubscribeStatusString: "reject" }] } },
  },
  {
    name: "subscribe_msg_sent_event",
    xml: event(
      "subscribe_msg_sent_event",
      `<SubscribeMsgSentEvent><List>${cdata({ TemplateId: "VRR0UEO9" })}<MsgID>1700827132819554304</MsgID><ErrorCode>0</ErrorCode>${cdata({ ErrorStatus: "success" })}</List></SubscribeMsgSentEvent>`,
      1700000218,
    ),
    path: "/event/subscribe_msg_sent_event",
    fields: { SubscribeMsgSentEvent: { List: [{ TemplateId: "VRR0UEO9", MsgID: "1700827132819554304", ErrorCode: "0", ErrorStatus: "success" }] } },
  },
  {
    name: "PUBLISHJOBFINISH",
    xml: event(
      "PUBLISHJOBFINISH",
      "<PublishEventInfo><publish_id>2247503051</publish_id><publish_status>0</publish_status><article_id><![CDATA[b5O2OUs25HBx]]></article_id><article_detail><count>1</count><item><idx>1</idx><article_url><![CDATA[https://mp.weixin.qq.com/s/x]]></article_url></item></article_detail></PublishEventInfo>",
      1700000219,
    ),
    path: "/event/PUBLISHJOBFINISH",
    fields: {
      PublishEventInfo: {
        publish_id: "2247503051",
        publish_status: "0",
        article_id: "b5O2OUs25HBx",
        article_detail: { count: "1", item: [{ idx: "1", article_url: "https://mp.weixin.qq.com/s/x" }] },
      },
    },
  },
  {
    name: "kf_switch_session",
    xml: event("kf_switch_session", cdata({ FromKfAccount: "test1@test", ToKfAccount: "test2@test" }), 1700000220),
    path: "/event/kf_switch_session",
    fields: { FromKfAccount: "test1@test", ToKfAccount: "test2@test" },
  },
  {
    name: "user_get_card",
    xml: event("user_get_card", `${cdata(card)}<IsGiveByFriend>0</IsGiveByFriend><OuterId>0</OuterId>${cdata({ OuterStr: "12b" })}`, 1700000221),
    path: "/event/user_get_card",
    fields: { ...card, IsGiveByFriend: "0", OuterId: "0", OuterStr: "12b" },
  },
  {
    name: "user_consume_card",
    xml: event("user_consume_card", cdata({ ...card, ConsumeSource: "FROM_API", StaffOpenId: "oStaff" }), 1700000222),
    path: "/event/user_consume_card",
    fields: { ...card, ConsumeSource: "FROM_API", StaffOpenId: "oStaff" },
  },
  {
    name: "update_member_card",
    xml: event("update_member_card", `${cdata(card)}<ModifyBonus>1000</ModifyBonus><ModifyBalance>-100</ModifyBalance>`, 1700000223),
    path: "/event/update_member_card",
    fields: { ModifyBonus: "1000", ModifyBalance: "-100" },
  },
  {
    name: "qualification_verify_fail",
    xml: event("qualification_verify_fail", `<FailTime>1442401122</FailTime>${cdata({ FailReason: "by time" })}`, 1700000224),
    path: "/event/qualification_verify_fail",
    fields: { FailTime: "1442401122", FailReason: "by time" },
  },
  {
    name: "poi_check_notify",
    xml: event("poi_check_notify", cdata({ UniqId: "123adb", PoiId: "123123", Result: "succ", Msg: "" }), 1700000225),
    path: "/event/poi_check_notify",
    fields: { UniqId: "123adb", PoiId: "123123", Result: "succ", Msg: "" },
  },
  {
    name: "WifiConnected",
    xml: event(
      "WifiConnected",
      `<ConnectTime>1700000226</ConnectTime><ExpireTime>0</ExpireTime>${cdata({ VendorId: "3001224419", ShopId: "PlaceId", DeviceNo: "DeviceNo" })}`,
      1700000226,
    ),
    path: "/event/WifiConnected",
    fields: { ConnectTime: "1700000226", VendorId: "3001224419" },
  },
  {
    name: "ShakearoundUserShake",
    xml: event(
      "ShakearoundUserShake",
      `<ChosenBeacon>${beacon("10001", "0.057")}</ChosenBeacon><AroundBeacons><AroundBeacon>${beacon("10002", "166.816")}</AroundBeacon></AroundBeacons>`,
      1700000227,
    ),
    path: "/event/ShakearoundUserShake",
    fields: { ChosenBeacon: { Major: "10001", Distance: "0.057" }, AroundBeacons: { AroundBeacon: { Major: "10002", Distance: "166.816" } } },
  },
];

/** 7 message types and 27 event types. */
export const CALLBACK_SAMPLES: readonly CallbackSample[] = [...messages, ...events, ...moreEvents];
