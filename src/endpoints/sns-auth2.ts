/**
 * @module endpoints/sns-auth2
 * `sns-auth2`: for web authorization received by another service. GET `s`, `code`,
 * `scope=base|userinfo|snsapi_base|snsapi_userinfo` (default base) → `{"code":200,"msg":"OK",
 * "openId", "userInfo", "error"}`. The code exchange failing is a 502; the user info lookup failing
 * only fills `error`. A code seen in the last 5 minutes (here or at the redirect-path) reuses its result.
 */
import { Elysia } from "elysia";
import type { snsAuth2QuerySchema, snsAuth2ResponseSchema } from "../contract/endpoints";
import { oauthUserInfo } from "../wxapi/oauth2";
import { accountServiceByName, type EndpointContext, type RouteHook } from "./context";

export function snsAuth2Endpoint(
  path: string,
  ctx: EndpointContext,
  hook: RouteHook<{ query: typeof snsAuth2QuerySchema; response: typeof snsAuth2ResponseSchema }>,
) {
  return new Elysia({ name: "sns-auth2", seed: path }).get(
    path,
    async ({ query }) => {
      const svc = accountServiceByName(ctx, query.s, "sns-auth2");
      const identity = await ctx.oauth.exchange(svc, query.code);
      const viaSns = query.scope === "userinfo" || query.scope === "snsapi_userinfo";
      const { userInfo, error } = await oauthUserInfo(ctx.api, svc, identity, viaSns, ctx.kv);
      return { code: 200 as const, msg: "OK" as const, openId: identity.openId, userInfo, error };
    },
    hook,
  );
}
