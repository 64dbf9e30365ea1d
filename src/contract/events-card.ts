/**
 * @module contract/events-card
 * Card and offer events (WeChat's "卡券事件推送", Cards_and_Offer/Coupons_Vouchers_and_Cards_Event_Push_Messages,
 * and the member card pages): review results, a user taking, giving, deleting, using or viewing a
 * card, member card changes, stock alarms and coin (券点) bills. Every value is a string as WeChat
 * wrote it; flags such as IsGiveByFriend are "0"/"1".
 */
import { type Static, Type as t } from "@sinclair/typebox";
import { eventSchema, text } from "./common";

const cardId = text("the card's id (card_id)");
const code = text("the card's code (the user's card number); an empty string for a card without a custom code");
const opt = (description: string) => t.Optional(text(description));
/** The two fields of every event about one user's card. */
const userCard = { CardId: cardId, UserCardCode: code };

export const cardPassCheckEventSchema = eventSchema("card_pass_check", "CardPassCheckEvent", "A card passed WeChat's review.", {
  CardId: cardId,
  RefuseReason: opt("empty on a pass"),
});
export type CardPassCheckEvent = Static<typeof cardPassCheckEventSchema>;

export const cardNotPassCheckEventSchema = eventSchema("card_not_pass_check", "CardNotPassCheckEvent", "A card failed WeChat's review.", {
  CardId: cardId,
  RefuseReason: text("why the card was refused"),
});
export type CardNotPassCheckEvent = Static<typeof cardNotPassCheckEventSchema>;

export const userGetCardEventSchema = eventSchema("user_get_card", "UserGetCardEvent", "A user took (领取) a card.", {
  CardId: cardId,
  IsGiveByFriend: text('"1" when a friend gave the card, else "0"'),
  UserCardCode: code,
  FriendUserName: opt("openId of the friend who gave it (when IsGiveByFriend is 1)"),
  OuterId: opt("scene value of the QR code or JS API call the card was taken through"),
  OldUserCardCode: opt("the code before the gift, for a card given by a friend"),
  OuterStr: opt("the merchant's channel string (outer_str) of the QR code or JS API call"),
  IsRestoreMemberCard: opt('"1" when the user took the member card again after deleting it'),
  IsRecommendByFriend: opt('"1" when taken through a friend\'s recommendation'),
  UnionId: opt("the user's unionId, when the account has an Open Platform binding"),
});
export type UserGetCardEvent = Static<typeof userGetCardEventSchema>;

export const userGiftingCardEventSchema = eventSchema("user_gifting_card", "UserGiftingCardEvent", "A user gave (转赠) a card to a friend.", {
  ...userCard,
  IsReturnBack: text('"1" when the gift came back to the giver (not taken within 24 h)'),
  FriendUserName: text("openId of the receiving friend"),
  IsChatRoom: text('"1" when given in a group chat'),
});
export type UserGiftingCardEvent = Static<typeof userGiftingCardEventSchema>;

export const userDelCardEventSchema = eventSchema("user_del_card", "UserDelCardEvent", "A user deleted a card.", {
  ...userCard,
});
export type UserDelCardEvent = Static<typeof userDelCardEventSchema>;

export const userConsumeCardEventSchema = eventSchema("user_consume_card", "UserConsumeCardEvent", "A card was used (核销).", {
  ...userCard,
  ConsumeSource: text("how it was used: FROM_API, FROM_MOBILE_HELPER (the staff app), FROM_FACE_PAY…"),
  LocationId: opt("the store's poi id (older pushes)"),
  LocationName: opt("the store's name"),
  StaffOpenId: opt("openId of the staff member who accepted the card"),
  VerifyCode: opt("the verification code the user entered (self-service use)"),
  RemarkAmount: opt("the amount the user entered (self-service use)"),
  OuterStr: opt("the merchant's channel string"),
});
export type UserConsumeCardEvent = Static<typeof userConsumeCardEventSchema>;

export const userPayFromPayCellEventSchema = eventSchema(
  "user_pay_from_pay_cell",
  "UserPayFromPayCellEvent",
  "A user paid through the card's quick-pay (买单) cell.",
  {
    ...userCard,
    TransId: text("WeChat Pay transaction id"),
    LocationId: text("the store's poi id"),
    Fee: text("amount paid, in fen"),
    OriginalFee: text("amount before discounts, in fen"),
  },
);
export type UserPayFromPayCellEvent = Static<typeof userPayFromPayCellEventSchema>;

export const userViewCardEventSchema = eventSchema("user_view_card", "UserViewCardEvent", "A user opened a member card.", {
  ...userCard,
  OuterStr: opt("the merchant's channel string of the QR code the card was opened from"),
});
export type UserViewCardEvent = Static<typeof userViewCardEventSchema>;

export const userEnterSessionFromCardEventSchema = eventSchema(
  "user_enter_session_from_card",
  "UserEnterSessionFromCardEvent",
  "A user entered the account's conversation from a card.",
  userCard,
);
export type UserEnterSessionFromCardEvent = Static<typeof userEnterSessionFromCardEventSchema>;

export const updateMemberCardEventSchema = eventSchema("update_member_card", "UpdateMemberCardEvent", "A member card's points or balance changed.", {
  ...userCard,
  ModifyBonus: text("change of the points (may be negative)"),
  ModifyBalance: text("change of the balance, in fen (may be negative)"),
});
export type UpdateMemberCardEvent = Static<typeof updateMemberCardEventSchema>;

export const cardSkuRemindEventSchema = eventSchema("card_sku_remind", "CardSkuRemindEvent", "A card's stock fell below 100 (库存报警).", {
  CardId: cardId,
  Detail: text("WeChat's description of the alarm"),
});
export type CardSkuRemindEvent = Static<typeof cardSkuRemindEventSchema>;

export const cardPayOrderEventSchema = eventSchema("card_pay_order", "CardPayOrderEvent", "A coin (券点) bill changed.", {
  OrderId: text("the bill's id"),
  Status: text("ORDER_STATUS_WAITING, ORDER_STATUS_SUCC, ORDER_STATUS_FINANCE_SUCC, ORDER_STATUS_QUANTITY_SUCC, ORDER_STATUS_HAS_REFUND…"),
  CreateOrderTime: text("unix seconds the bill was created"),
  PayFinishTime: text('unix seconds it was paid, "0" when not paid'),
  Desc: text("the bill's description"),
  FreeCoinCount: text("free coins"),
  PayCoinCount: text("paid coins"),
  RefundFreeCoinCount: text("free coins refunded"),
  RefundPayCoinCount: text("paid coins refunded"),
  OrderType: text("ORDER_TYPE_SYS_ADD, ORDER_TYPE_WXPAY, ORDER_TYPE_REFUND, ORDER_TYPE_REDUCE, ORDER_TYPE_SYS_REDUCE"),
  Memo: text("note"),
  ReceiptInfo: text("invoice information"),
});
export type CardPayOrderEvent = Static<typeof cardPayOrderEventSchema>;

export const submitMembercardUserInfoEventSchema = eventSchema(
  "submit_membercard_user_info",
  "SubmitMembercardUserInfoEvent",
  "A user submitted the member card activation form (激活).",
  userCard,
);
export type SubmitMembercardUserInfoEvent = Static<typeof submitMembercardUserInfoEventSchema>;

/** Card event schemas by Event. */
export const cardEventSchemas = {
  card_pass_check: cardPassCheckEventSchema,
  card_not_pass_check: cardNotPassCheckEventSchema,
  user_get_card: userGetCardEventSchema,
  user_gifting_card: userGiftingCardEventSchema,
  user_del_card: userDelCardEventSchema,
  user_consume_card: userConsumeCardEventSchema,
  user_pay_from_pay_cell: userPayFromPayCellEventSchema,
  user_view_card: userViewCardEventSchema,
  user_enter_session_from_card: userEnterSessionFromCardEventSchema,
  update_member_card: updateMemberCardEventSchema,
  card_sku_remind: cardSkuRemindEventSchema,
  card_pay_order: cardPayOrderEventSchema,
  submit_membercard_user_info: submitMembercardUserInfoEventSchema,
};

export type CardEvent =
  | CardPassCheckEvent
  | CardNotPassCheckEvent
  | UserGetCardEvent
  | UserGiftingCardEvent
  | UserDelCardEvent
  | UserConsumeCardEvent
  | UserPayFromPayCellEvent
  | UserViewCardEvent
  | UserEnterSessionFromCardEvent
  | UpdateMemberCardEvent
  | CardSkuRemindEvent
  | CardPayOrderEvent
  | SubmitMembercardUserInfoEvent;
