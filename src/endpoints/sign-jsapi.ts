/**
 * @module endpoints/sign-jsapi
 * `sign-jsapi`: POST form `s`, `u` (the page URL) → `{"code":200,"msg":"OK","params":{appId, nonce,
 * timestamp, signature}}`, what the page passes to wx.config (with its jsApiList).
 */
import { Elysia } from "elysia";
import type { signJsapiBodySchema, signJsapiResponseSchema } from "../contract/endpoints";
import { badRequest } from "../http/errors";
import { jsapiParams } from "../wxapi/jsapi";
import { accountServiceByName, type EndpointContext, type RouteHook } from "./context";

export function signJsapiEndpoint(
  path: string,
  ctx: EndpointContext,
  hook: RouteHook<{ body: typeof signJsapiBodySchema; response: typeof signJsapiResponseSchema }>,
) {
  return new Elysia({ name: "sign-jsapi", seed: path }).post(
    path,
    async ({ body }) => {
      const svc = accountServiceByName(ctx, body.s, "sign-jsapi");
      // wx.config only works on http(s) pages of the account's JS interface domains
      if (!/^https?:\/\/[^/?#]+/i.test(body.u)) throw badRequest("u: expected the http(s) URL of the page");
      return { code: 200 as const, msg: "OK" as const, params: await jsapiParams(ctx.api, svc, body.u, { now: ctx.now }) };
    },
    hook,
  );
}
