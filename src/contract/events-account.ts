/**
 * @module contract/events-account
 * Notifications about the account rather than a message: customer-service sessions ("客服会话状态通知",
 * Customer_Service/Session_control), WeChat verification results ("微信认证事件推送"), store review
 * ("门店审核事件推送", poi_check_notify), Wi-Fi connections ("连网后下发消息", WifiConnected) and
 * Shake Nearby ("摇一摇事件通知", ShakearoundUserShake). Every value is a string as WeChat wrote it.
 */
import { type Static, Type as t } from "@sinclair/typebox";
import { eventSchema, open, text } from "./common";

const kfAccount = (who: string) => text(`${who} customer-service account, e.g. "test1@gh_account"`);

export const kfCreateSessionEventSchema = eventSchema("kf_create_session", "KfCreateSessionEvent", "A customer-service agent took the conversation.", {
  KfAccount: kfAccount("the"),
});
export type KfCreateSessionEvent = Static<typeof kfCreateSessionEventSchema>;

export const kfCloseSessionEventSchema = eventSchema("kf_close_session", "KfCloseSessionEvent", "A customer-service agent closed the conversation.", {
  KfAccount: kfAccount("the"),
});
export type KfCloseSessionEvent = Static<typeof kfCloseSessionEventSchema>;

export const kfSwitchSessionEventSchema = eventSchema("kf_switch_session", "KfSwitchSessionEvent", "The conversation was passed to another agent.", {
  FromKfAccount: kfAccount("the previous"),
  ToKfAccount: kfAccount("the new"),
});
export type KfSwitchSessionEvent = Static<typeof kfSwitchSessionEventSchema>;

const expiredTime = { ExpiredTime: text("unix seconds at which the verification (or the name) expires") };
const failure = { FailTime: text("unix seconds of the failure"), FailReason: text("why it failed") };

export const qualificationVerifySuccessEventSchema = eventSchema(
  "qualification_verify_success",
  "QualificationVerifySuccessEvent",
  "The account's qualification verification (资质认证) succeeded.",
  expiredTime,
);
export type QualificationVerifySuccessEvent = Static<typeof qualificationVerifySuccessEventSchema>;

export const qualificationVerifyFailEventSchema = eventSchema(
  "qualification_verify_fail",
  "QualificationVerifyFailEvent",
  "The account's qualification verification failed.",
  failure,
);
export type QualificationVerifyFailEvent = Static<typeof qualificationVerifyFailEventSchema>;

export const namingVerifySuccessEventSchema = eventSchema(
  "naming_verify_success",
  "NamingVerifySuccessEvent",
  "The account's name verification (名称认证) succeeded.",
  expiredTime,
);
export type NamingVerifySuccessEvent = Static<typeof namingVerifySuccessEventSchema>;

export const namingVerifyFailEventSchema = eventSchema(
  "naming_verify_fail",
  "NamingVerifyFailEvent",
  "The account's name verification failed (the account stays verified but cannot use its name).",
  failure,
);
export type NamingVerifyFailEvent = Static<typeof namingVerifyFailEventSchema>;

export const annualRenewEventSchema = eventSchema(
  "annual_renew",
  "AnnualRenewEvent",
  "The yearly re-verification (年审) is due; the account must renew before ExpiredTime.",
  expiredTime,
);
export type AnnualRenewEvent = Static<typeof annualRenewEventSchema>;

export const verifyExpiredEventSchema = eventSchema(
  "verify_expired",
  "VerifyExpiredEvent",
  "The verification expired (认证过期失效): the account lost its verified interfaces.",
  expiredTime,
);
export type VerifyExpiredEvent = Static<typeof verifyExpiredEventSchema>;

export const poiCheckNotifyEventSchema = eventSchema("poi_check_notify", "PoiCheckNotifyEvent", "A store (门店) passed or failed review.", {
  UniqId: text("the merchant's own id of the store (sid)"),
  PoiId: text("WeChat's store id"),
  Result: text('"succ" or "fail"'),
  Msg: text("the reason, on a failure"),
});
export type PoiCheckNotifyEvent = Static<typeof poiCheckNotifyEventSchema>;

export const wifiConnectedEventSchema = eventSchema("WifiConnected", "WifiConnectedEvent", "A user connected to the merchant's Wi-Fi through WeChat.", {
  ConnectTime: text("unix seconds of the connection"),
  ExpireTime: text('unix seconds the connection expires, "0" when it does not'),
  VendorId: text("the Wi-Fi vendor's id"),
  ShopId: text("the store's id"),
  DeviceNo: text("the hotspot's device number (ssid or bssid)"),
});
export type WifiConnectedEvent = Static<typeof wifiConnectedEventSchema>;

const beacon = (title: string, description: string) =>
  t.Object(
    {
      Uuid: text("the beacon's UUID"),
      Major: text("the beacon's major"),
      Minor: text("the beacon's minor"),
      Distance: text("distance from the user in metres, as WeChat wrote it"),
    },
    open(title, description),
  );
const aroundBeacon = beacon("AroundBeacon", "One beacon near the user.");

export const shakearoundUserShakeEventSchema = eventSchema(
  "ShakearoundUserShake",
  "ShakearoundUserShakeEvent",
  "A user shook (摇一摇) near the account's beacons.",
  {
    ChosenBeacon: beacon("ChosenBeacon", "The beacon whose page was shown."),
    AroundBeacons: t.Optional(
      t.Union(
        [
          t.Object(
            {
              AroundBeacon: t.Union([t.Array(aroundBeacon), aroundBeacon], {
                description: "an array when WeChat lists several beacons, one object when it lists one (only item and List elements are always arrays)",
              }),
            },
            open("AroundBeacons", "Up to five other beacons of the account near the user."),
          ),
          t.Literal(""),
        ],
        { description: 'the beacons near the user, or "" when WeChat sent the element empty' },
      ),
    ),
  },
);
export type ShakearoundUserShakeEvent = Static<typeof shakearoundUserShakeEventSchema>;

/** Account notification schemas by Event. */
export const accountEventSchemas = {
  kf_create_session: kfCreateSessionEventSchema,
  kf_close_session: kfCloseSessionEventSchema,
  kf_switch_session: kfSwitchSessionEventSchema,
  qualification_verify_success: qualificationVerifySuccessEventSchema,
  qualification_verify_fail: qualificationVerifyFailEventSchema,
  naming_verify_success: namingVerifySuccessEventSchema,
  naming_verify_fail: namingVerifyFailEventSchema,
  annual_renew: annualRenewEventSchema,
  verify_expired: verifyExpiredEventSchema,
  poi_check_notify: poiCheckNotifyEventSchema,
  WifiConnected: wifiConnectedEventSchema,
  ShakearoundUserShake: shakearoundUserShakeEventSchema,
};

export type AccountEvent =
  | KfCreateSessionEvent
  | KfCloseSessionEvent
  | KfSwitchSessionEvent
  | QualificationVerifySuccessEvent
  | QualificationVerifyFailEvent
  | NamingVerifySuccessEvent
  | NamingVerifyFailEvent
  | AnnualRenewEvent
  | VerifyExpiredEvent
  | PoiCheckNotifyEvent
  | WifiConnectedEvent
  | ShakearoundUserShakeEvent;
