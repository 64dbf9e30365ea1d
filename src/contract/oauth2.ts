/**
 * @module contract/oauth2
 * The body POSTed to `redirect-url` after an OAuth2 web authorization (SPEC §6), as the Go original
 * sent it. The browser's headers and cookies come along; the backend's answer (status, headers, body)
 * goes back to the browser unchanged.
 */
import { type Static, Type as t } from "@sinclair/typebox";
import { open, userInfoSchema } from "./common";

export const oauth2ForwardSchema = t.Object(
  {
    requestURI: t.String({ description: "the URI WeChat's redirect hit on the gateway, e.g. /redirect?code=…&state=menu1 (path and query)" }),
    appId: t.String({ description: "the service's app-id; tells accounts apart when one backend serves several" }),
    openId: t.String({ description: "the user's openId, from the code exchange" }),
    state: t.String({ description: "the state parameter of the authorization URL, e.g. to tell menu items apart" }),
    userInfo: t.Union([userInfoSchema, t.Null()], {
      description: "sns/userinfo (snsapi_userinfo, when redirect-userinfo-flag occurs in the URI) or cgi-bin/user/info answer; null when the lookup failed",
    }),
    userInfoError: t.String({ description: 'why userInfo is null; "" when the lookup succeeded' }),
  },
  open("OAuth2Forward", "The OAuth2 redirect forwarded to redirect-url (POST, JSON)."),
);
export type OAuth2Forward = Static<typeof oauth2ForwardSchema>;
