/**
 * @module endpoints/wx-qr
 * `wx-qr`: GET `s`, `t=temp|forever`, `sceneid` (default "0"), `e` (temp only, seconds, default 30)
 * → `{"code":200,"msg":"OK","result":{ticketURL2ShowQrCode, urlIncluedInQrcode}}`.
 */
import { Elysia } from "elysia";
import type { wxQrQuerySchema, wxQrResponseSchema } from "../contract/endpoints";
import { badRequest } from "../http/errors";
import { createQrCode, MAX_QR_EXPIRE_S } from "../wxapi/qrcode";
import { accountServiceByName, type EndpointContext, type RouteHook } from "./context";

const DEFAULT_EXPIRE_S = 30;

export function wxQrEndpoint(path: string, ctx: EndpointContext, hook: RouteHook<{ query: typeof wxQrQuerySchema; response: typeof wxQrResponseSchema }>) {
  return new Elysia({ name: "wx-qr", seed: path }).get(
    path,
    async ({ query }) => {
      const svc = accountServiceByName(ctx, query.s, "wx-qr");
      const sceneStr = query.sceneid || "0";
      let result;
      if (query.t === "forever") {
        result = await createQrCode(ctx.api, svc, { type: "forever", sceneStr });
      } else {
        const expireSeconds = query.e === undefined || query.e === "" ? DEFAULT_EXPIRE_S : Number(query.e);
        if (!(expireSeconds >= 1 && expireSeconds <= MAX_QR_EXPIRE_S)) throw badRequest(`e: expected 1–${MAX_QR_EXPIRE_S} seconds`);
        result = await createQrCode(ctx.api, svc, { type: "temp", sceneStr, expireSeconds });
      }
      return { code: 200 as const, msg: "OK" as const, result };
    },
    hook,
  );
}
