/**
 * @module endpoints/short-url
 * `short-url`: POST form `s`, `u` → `{"code":200,"msg":"OK","short-url":…}`. WeChat retired the API:
 * its error answer comes back as a 502 with WeChat's errcode/errmsg.
 */
import { Elysia } from "elysia";
import type { shortUrlBodySchema, shortUrlResponseSchema } from "../contract/endpoints";
import { shortenUrl } from "../wxapi/short-url";
import { accountServiceByName, type EndpointContext, type RouteHook } from "./context";

export function shortUrlEndpoint(
  path: string,
  ctx: EndpointContext,
  hook: RouteHook<{ body: typeof shortUrlBodySchema; response: typeof shortUrlResponseSchema }>,
) {
  return new Elysia({ name: "short-url", seed: path }).post(
    path,
    async ({ body }) => {
      const svc = accountServiceByName(ctx, body.s, "short-url");
      return { code: 200 as const, msg: "OK" as const, "short-url": await shortenUrl(ctx.api, svc, body.u) };
    },
    hook,
  );
}
