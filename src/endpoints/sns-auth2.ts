/**
 * @module endpoints/sns-auth2
 * `sns-auth2`: for web authorization received by another service. GET `s`, `code`,
 * `scope=base|userinfo|snsapi_base|snsapi_userinfo` (default base) → `{"code":200,"msg":"OK",
 * "openId", "userInfo", "error"}`. The code exchange failing is a 502; the user info lookup failing
 * only fills `error`. A code seen in the last 5 minutes (here or at the redirect-path) reuses its result.
 */
import { Elysia } from "elysia";
import { snsAuth2QuerySchema, snsAuth2ResponseSchema } from "../contract/endpoints";
import { oauthUserInfo } from "../wxapi/oauth2";
import { oauthExchanger, routeDetail, serviceByName, type EndpointContext } from "./context";

export function snsAuth2Endpoint(path: string, ctx: EndpointContext) {
  return new Elysia({ name: "sns-auth2", seed: path }).get(
    path,
    async ({ query }) => {
      const svc = serviceByName(ctx, query.s);
      const identity = await oauthExchanger(ctx).exchange(svc, query.code);
      const viaSns = query.scope === "userinfo" || query.scope === "snsapi_userinfo";
      const { userInfo, error } = await oauthUserInfo(ctx.api, svc, identity, viaSns, ctx.kv);
      return { code: 200 as const, msg: "OK" as const, openId: identity.openId, userInfo, error };
    },
    {
      query: snsAuth2QuerySchema,
      response: snsAuth2ResponseSchema,
      detail: routeDetail(ctx, "OAuth2 code → openId and user info", "sns/oauth2/access_token, then sns/userinfo (scope userinfo) or cgi-bin/user/info (base)."),
    },
  );
}
