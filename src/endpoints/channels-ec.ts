/**
 * @module endpoints/channels-ec
 * `channels-ec-order-detail` and `channels-ec-refund-detail`: GET `s`, `o` → `{"code":200,"msg":"OK",
 * "order"|"aftersaleOrder":{…}}` for Channels shop services (`kind: channels-ec`); other services → 400.
 * 64-bit ids in WeChat's answer come out as strings with all their digits.
 */
import { Elysia } from "elysia";
import type { channelsEcQuerySchema, orderDetailResponseSchema, refundDetailResponseSchema } from "../contract/endpoints";
import { getAftersaleOrder, getOrderDetail } from "../wxapi/channels-ec";
import { channelsServiceByName, type EndpointContext, type RouteHook } from "./context";

export function channelsOrderDetailEndpoint(
  path: string,
  ctx: EndpointContext,
  hook: RouteHook<{ query: typeof channelsEcQuerySchema; response: typeof orderDetailResponseSchema }>,
) {
  return new Elysia({ name: "channels-ec-order-detail", seed: path }).get(
    path,
    async ({ query }) => {
      const svc = channelsServiceByName(ctx, query.s, "channels-ec-order-detail");
      return { code: 200 as const, msg: "OK" as const, order: await getOrderDetail(ctx.api, svc, query.o) };
    },
    hook,
  );
}

export function channelsRefundDetailEndpoint(
  path: string,
  ctx: EndpointContext,
  hook: RouteHook<{ query: typeof channelsEcQuerySchema; response: typeof refundDetailResponseSchema }>,
) {
  return new Elysia({ name: "channels-ec-refund-detail", seed: path }).get(
    path,
    async ({ query }) => {
      const svc = channelsServiceByName(ctx, query.s, "channels-ec-refund-detail");
      return { code: 200 as const, msg: "OK" as const, aftersaleOrder: await getAftersaleOrder(ctx.api, svc, query.o) };
    },
    hook,
  );
}
