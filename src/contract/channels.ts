/**
 * @module contract/channels
 * Channels shop (视频号小店 / 微信小店) events, forwarded as JSON to `<msg-proxy-pass>/event/<Event>`
 * (SPEC §4.6). WeChat sends them as JSON, writing 64-bit ids such as `order_id` as bare integers; the
 * gateway forwards them as strings, digit for digit (as for every integer of 16 or more digits).
 * Times and enums stay numbers. Sources: the shop docs' 订单支付成功 (channels_ec_order_pay),
 * 订单取消, 订单确认收货, 订单结算成功 and 售后单更新通知 (channels_ec_aftersale_update) pages.
 * Channels services never append userInfo.
 */
import { type Static, type TProperties, type TSchema, Type as t } from "@sinclair/typebox";
import { count, eventMsgType, idString, open, text, textId } from "./common";

const orderId = idString("the order id (64-bit, as a string)");

function channelsEvent<P extends TProperties>(event: string, own: P) {
  return {
    ToUserName: text("the shop's original id (gh_…)"),
    FromUserName: text("the buyer's openId (a fixed value for some after-sale pushes)"),
    CreateTime: count("unix seconds"),
    MsgType: eventMsgType,
    Event: t.Literal(event, { description: `always "${event}"` }),
    ...own,
  };
}

/** The order an event is about; titled per event, since each carries its own fields (one title, one shape). */
const orderInfo = <P extends TProperties>(title: string, own: P) => t.Object({ order_id: orderId, ...own }, open(title, "The order the event is about."));

export const channelsOrderPayEventSchema = t.Object(
  channelsEvent("channels_ec_order_pay", { order_info: orderInfo("ChannelsOrderPayInfo", { pay_time: count("payment time, unix seconds") }) }),
  open("ChannelsOrderPayEvent", "An order was paid, forwarded to /event/channels_ec_order_pay."),
);
export type ChannelsOrderPayEvent = Static<typeof channelsOrderPayEventSchema>;

export const channelsOrderCancelEventSchema = t.Object(
  channelsEvent("channels_ec_order_cancel", {
    order_info: orderInfo("ChannelsOrderCancelInfo", {
      cancel_type: t.Optional(count("why the order was cancelled, e.g. 1 by the buyer, 2 not paid in time (see the shop docs' 订单取消 page)")),
    }),
  }),
  open("ChannelsOrderCancelEvent", "An order was cancelled, forwarded to /event/channels_ec_order_cancel."),
);
export type ChannelsOrderCancelEvent = Static<typeof channelsOrderCancelEventSchema>;

export const channelsOrderConfirmEventSchema = t.Object(
  channelsEvent("channels_ec_order_confirm", {
    order_info: orderInfo("ChannelsOrderConfirmInfo", { confirm_type: t.Optional(count("1 confirmed by the buyer, 2 confirmed automatically on timeout")) }),
  }),
  open("ChannelsOrderConfirmEvent", "The buyer confirmed receipt, forwarded to /event/channels_ec_order_confirm."),
);
export type ChannelsOrderConfirmEvent = Static<typeof channelsOrderConfirmEventSchema>;

export const channelsOrderSettleEventSchema = t.Object(
  channelsEvent("channels_ec_order_settle", { order_info: orderInfo("ChannelsOrderSettleInfo", { settle_time: count("settlement time, unix seconds") }) }),
  open("ChannelsOrderSettleEvent", "An order was settled, forwarded to /event/channels_ec_order_settle."),
);
export type ChannelsOrderSettleEvent = Static<typeof channelsOrderSettleEventSchema>;

export const channelsAftersaleUpdateEventSchema = t.Object(
  channelsEvent("channels_ec_aftersale_update", {
    finder_shop_aftersale_status_update: t.Object(
      {
        status: text("after-sale status, e.g. USER_WAIT_RETURN, MERCHANT_REFUND_SUCCESS"),
        after_sale_order_id: idString("the after-sale order id (64-bit, as a string)"),
        order_id: orderId,
      },
      open("ChannelsAftersaleStatus", "The after-sale order and its new status."),
    ),
  }),
  open("ChannelsAftersaleUpdateEvent", "An after-sale order changed status, forwarded to /event/channels_ec_aftersale_update."),
);
export type ChannelsAftersaleUpdateEvent = Static<typeof channelsAftersaleUpdateEventSchema>;

/** Any other shop event (channels_ec_order_new, product_spu_audit, …), forwarded as it comes. */
export const genericChannelsEventSchema = t.Object(
  {
    ToUserName: t.Optional(text("the shop's original id (gh_…)")),
    FromUserName: t.Optional(text("an openId or a fixed value, depending on the event")),
    CreateTime: t.Optional(count("unix seconds")),
    MsgType: eventMsgType,
    Event: text("the event name, also the last segment of the URL"),
    product_id: t.Optional(idString("the product id, in product events (product_spu_audit, …)")),
    sku_id: t.Optional(idString("the SKU id, in product and stock events")),
    aftersale_id: t.Optional(idString("an after-sale order id, as some events name it")),
    out_product_id: t.Optional(textId("the merchant's own product id: any string; a bare JSON number is forwarded as its digits")),
  },
  open(
    "GenericChannelsEvent",
    "Any Channels shop event: WeChat's JSON as is, except that integers of 16 or more digits and the ids (order_id, after_sale_order_id, aftersale_id, product_id, sku_id) are strings of digits, at whatever depth they occur.",
  ),
);
export type GenericChannelsEvent = Static<typeof genericChannelsEventSchema>;

/** Schemas by Event for Channels shop services. */
export const channelsEventSchemas: Record<string, TSchema> = {
  channels_ec_order_pay: channelsOrderPayEventSchema,
  channels_ec_order_cancel: channelsOrderCancelEventSchema,
  channels_ec_order_confirm: channelsOrderConfirmEventSchema,
  channels_ec_order_settle: channelsOrderSettleEventSchema,
  channels_ec_aftersale_update: channelsAftersaleUpdateEventSchema,
};

/** Every event a Channels shop backend may receive. */
export type ChannelsEvent =
  | ChannelsOrderPayEvent
  | ChannelsOrderCancelEvent
  | ChannelsOrderConfirmEvent
  | ChannelsOrderSettleEvent
  | ChannelsAftersaleUpdateEvent
  | GenericChannelsEvent;
