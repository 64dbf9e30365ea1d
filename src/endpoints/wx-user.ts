/**
 * @module endpoints/wx-user
 * `wx-user`: GET `s`, `o`=openId → `{"code":200,"msg":"OK","userInfo":{…}}`, WeChat's cgi-bin/user/info
 * answer. Answers are cached per app-id and openId for 10 minutes, like the userInfo of forwarded
 * messages (the API has a daily quota).
 */
import { Elysia } from "elysia";
import type { wxUserQuerySchema, wxUserResponseSchema } from "../contract/endpoints";
import { getUserInfo } from "../wxapi/user";
import { accountServiceByName, type EndpointContext, type RouteHook } from "./context";

export function wxUserEndpoint(
  path: string,
  ctx: EndpointContext,
  hook: RouteHook<{ query: typeof wxUserQuerySchema; response: typeof wxUserResponseSchema }>,
) {
  return new Elysia({ name: "wx-user", seed: path }).get(
    path,
    async ({ query }) => {
      const svc = accountServiceByName(ctx, query.s, "wx-user");
      const userInfo = await getUserInfo(ctx.api, svc, query.o, { cache: ctx.kv });
      return { code: 200 as const, msg: "OK" as const, userInfo };
    },
    hook,
  );
}
