/**
 * @module wxapi/channels-ec
 * Channels shop (视频号小店) order and after-sale order details. Both ids are 64-bit: they are sent as
 * strings, and the answers are parsed without losing digits (see exact-json).
 * https://developers.weixin.qq.com/doc/store/API/order/get.html
 * https://developers.weixin.qq.com/doc/store/API/aftersale/getaftersaleorder.html
 */
import type { ServiceConfig } from "../config/types";
import { GatewayError } from "../http/errors";
import type { WxApi } from "./client";
import { callExact } from "./exact-json";

/** `POST /channels/ec/order/get {"order_id"}` → WeChat's `order` object. */
export async function getOrderDetail(api: WxApi, svc: ServiceConfig, orderId: string): Promise<Record<string, unknown>> {
  const path = "/channels/ec/order/get";
  const { body } = await callExact(api, svc, { method: "POST", path, json: { order_id: orderId } });
  return objectField(body, "order", path);
}

/** `POST /channels/ec/aftersale/getaftersaleorder {"after_sale_order_id"}` → WeChat's `after_sale_order` object. */
export async function getAftersaleOrder(api: WxApi, svc: ServiceConfig, afterSaleOrderId: string): Promise<Record<string, unknown>> {
  const path = "/channels/ec/aftersale/getaftersaleorder";
  const { body } = await callExact(api, svc, { method: "POST", path, json: { after_sale_order_id: afterSaleOrderId } });
  return objectField(body, "after_sale_order", path);
}

function objectField(body: Record<string, unknown>, key: string, path: string): Record<string, unknown> {
  const value = body[key];
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new GatewayError(502, `WeChat API ${path} answered without ${key}`);
  return value as Record<string, unknown>;
}
