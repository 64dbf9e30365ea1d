/**
 * @module contract/endpoints
 * Request and response schemas of the common endpoints that call WeChat (SPEC §7) and of the OAuth2
 * redirect (SPEC §6). The routes use them as their `query`/`body`/`response` schemas, so Elysia
 * validates the input (400 on a bad or missing parameter) and the OpenAPI document lists them.
 *
 * Query values are strings on the wire: numbers (`e`) and ids (`o`) are string patterns here and
 * converted by the handlers. Parts of an answer that come from WeChat (user info, orders) are open
 * objects: WeChat adds and retires fields without notice, and the gateway passes them on as they are.
 */
import { type Static, type TSchema, Type as t } from "@sinclair/typebox";
import { readyResponseSchema, reloadResponseSchema, statusDataSchema } from "./ops";

const service = t.String({ minLength: 1, description: "the service name (`name` in `services[]`)", examples: ["my-account"] });
const ok = { code: t.Literal(200, { description: "always 200 on success" }), msg: t.Literal("OK", { description: 'always "OK" on success' }) };
/** Titled (the generated type's name) and described. */
const named = (title: string, description: string, more: object = {}) => ({ title, description, ...more });
const wechatObject = (title: string, description: string) => t.Object({}, { title, description, additionalProperties: true });
const wechatUserInfo = wechatObject(
  "WxUserInfo",
  "WeChat's user info answer with all its fields (cgi-bin/user/info or sns/userinfo), see UserInfo in the backend contract",
);

/** Every error: `{"code":<status>,"msg":…}`, plus WeChat's errcode/errmsg when WeChat gave them. */
export const errorResponseSchema = t.Object(
  {
    code: t.Integer({ description: "the HTTP status: 400 bad parameter, 401 admin token, 404 unknown service, 502 WeChat or network failure" }),
    msg: t.String({ description: "what went wrong" }),
    errcode: t.Optional(t.Integer({ description: "WeChat's errcode (502 only)" })),
    errmsg: t.Optional(t.String({ description: "WeChat's errmsg (502 only)" })),
  },
  named("ErrorResponse", "The answer of every common endpoint that failed."),
);

export const wxQrQuerySchema = t.Object(
  {
    s: service,
    t: t.Union([t.Literal("temp"), t.Literal("forever")], { description: "temp: QR_STR_SCENE (expires); forever: QR_LIMIT_STR_SCENE" }),
    sceneid: t.Optional(
      t.String({ maxLength: 64, description: 'scene_str, 1–64 characters (default "0"); comes back in the SCAN/subscribe event\'s EventKey' }),
    ),
    e: t.Optional(t.String({ pattern: "^[0-9]{1,7}$", description: "temp only: seconds until the code expires, 1–2592000 (default 30)" })),
  },
  named("WxQrQuery", "Query of wx-qr: create a parameterised QR code."),
);
export const wxQrResponseSchema = t.Object(
  {
    ...ok,
    result: t.Object(
      {
        ticketURL2ShowQrCode: t.String({ description: "https://mp.weixin.qq.com/cgi-bin/showqrcode?ticket=<url-encoded ticket>: the QR code image" }),
        urlIncluedInQrcode: t.String({ description: "the URL the QR code contains (WeChat's `url`); the misspelling is the original's" }),
      },
      named("WxQrResult", "The QR code created."),
    ),
  },
  named("WxQrResponse", "Answer of wx-qr."),
);

export const wxUserQuerySchema = t.Object(
  { s: service, o: t.String({ minLength: 1, description: "the user's openId" }) },
  named("WxUserQuery", "Query of wx-user: a user's info by openId."),
);
export const wxUserResponseSchema = t.Object({ ...ok, userInfo: wechatUserInfo }, named("WxUserResponse", "Answer of wx-user."));

export const snsAuth2QuerySchema = t.Object(
  {
    s: service,
    code: t.String({ minLength: 1, description: "the code WeChat's web authorization appended to the redirect_uri" }),
    scope: t.Optional(
      t.Union([t.Literal("base"), t.Literal("userinfo"), t.Literal("snsapi_base"), t.Literal("snsapi_userinfo")], {
        description: "base (default): user info through cgi-bin/user/info; userinfo: through sns/userinfo (needs scope=snsapi_userinfo at authorization)",
      }),
    ),
  },
  named("SnsAuth2Query", "Query of sns-auth2: exchange an OAuth2 code for the openId and user info."),
);
export const snsAuth2ResponseSchema = t.Object(
  {
    ...ok,
    openId: t.String({ description: "the user's openId, from the code exchange" }),
    userInfo: t.Union([wechatUserInfo, t.Null()], { description: "null when the lookup failed" }),
    error: t.String({ description: 'why userInfo is null; "" when the lookup succeeded' }),
  },
  named("SnsAuth2Response", "Answer of sns-auth2."),
);

export const shortUrlBodySchema = t.Object(
  { s: service, u: t.String({ minLength: 1, description: "the long URL" }) },
  named("ShortUrlBody", "Body of short-url: shorten a long URL."),
);
export const shortUrlResponseSchema = t.Object(
  { ...ok, "short-url": t.String({ description: "the short URL" }) },
  named("ShortUrlResponse", "Answer of short-url."),
);

const tmplScalar = (options: object = {}) => t.Union([t.String(), t.Number(), t.Boolean()], options);
export const tmplMsgBodySchema = t.Object(
  {
    s: service,
    to: t.String({ minLength: 1, description: "the recipient's openId" }),
    tid: t.String({ minLength: 1, description: "the template id" }),
    url: t.Optional(t.String({ description: "page opened when the message is tapped" })),
    mp: t.Optional(
      t.Object(
        {
          appid: t.String({ minLength: 1, description: "the mini program's AppID" }),
          pagepath: t.Optional(t.String({ description: "the page to open, with its query" })),
        },
        named("TmplMsgMiniProgram", "mini program opened instead of url"),
      ),
    ),
    data: t.Record(
      t.String(),
      t.Union(
        [
          tmplScalar(),
          t.Object(
            { value: tmplScalar({ description: "the value shown" }), color: t.Optional(t.String({ description: "text colour, e.g. #173177" })) },
            named("TmplMsgValue", "a template value as WeChat takes it", { additionalProperties: true }),
          ),
        ],
        {
          description: 'a scalar becomes {"value": "<it as a string>"}; an object with `value` is sent as is',
        },
      ),
      { minProperties: 1, description: "template keys (e.g. first, keyword1, remark) and their values" },
    ),
  },
  named("TmplMsgBody", "Body of tmpl-msg: send a template message."),
);
export const tmplMsgResponseSchema = t.Object(
  {
    errcode: t.Integer({ description: "WeChat's errcode, 0 on success" }),
    errmsg: t.String({ description: 'WeChat\'s errmsg, "ok" on success' }),
    msgid: t.Optional(t.Union([t.Integer(), t.String()], { description: "a 64-bit id; written with all its digits" })),
  },
  named("TmplMsgResponse", "WeChat's answer to message/template/send as is", { additionalProperties: true }),
);

export const signJsapiBodySchema = t.Object(
  { s: service, u: t.String({ minLength: 1, description: "the page URL calling wx.config (a #fragment is removed)" }) },
  named("SignJsapiBody", "Body of sign-jsapi: sign a page URL for wx.config."),
);
export const signJsapiResponseSchema = t.Object(
  {
    ...ok,
    params: t.Object(
      {
        appId: t.String({ description: "the service's app-id, for wx.config" }),
        nonce: t.String({ description: "nonceStr for wx.config" }),
        timestamp: t.Integer({ description: "unix seconds" }),
        signature: t.String({ description: 'sha1("jsapi_ticket=…&noncestr=…&timestamp=…&url=…")' }),
      },
      named("JsapiConfigParams", "The parameters of wx.config."),
    ),
  },
  named("SignJsapiResponse", "Answer of sign-jsapi."),
);

export const channelsEcQuerySchema = t.Object(
  { s: service, o: t.String({ pattern: "^[0-9]{1,32}$", description: "the order id (or after-sale order id), digits" }) },
  named("ChannelsEcQuery", "Query of channels-ec-order-detail and channels-ec-refund-detail."),
);
export const orderDetailResponseSchema = t.Object(
  {
    ...ok,
    order: wechatObject("ChannelsOrder", "channels/ec/order/get `order` as WeChat gave it, 64-bit ids as strings"),
  },
  named("OrderDetailResponse", "Answer of channels-ec-order-detail."),
);
export const refundDetailResponseSchema = t.Object(
  {
    ...ok,
    aftersaleOrder: wechatObject(
      "ChannelsAftersaleOrder",
      "channels/ec/aftersale/getaftersaleorder `after_sale_order` as WeChat gave it, 64-bit ids as strings",
    ),
  },
  named("RefundDetailResponse", "Answer of channels-ec-refund-detail."),
);

export const wxApiQuerySchema = t.Object(
  { s: service },
  named("WxApiQuery", "every other parameter is passed to WeChat; access_token is added by the gateway", { additionalProperties: true }),
);

export const oauth2RedirectQuerySchema = t.Object(
  {
    code: t.String({ minLength: 1, description: "the authorization code WeChat appended (single-use at WeChat)" }),
    state: t.String({ description: "the state of the authorization URL" }),
  },
  named("OAuth2RedirectQuery", "The query WeChat's OAuth2 redirect brings to redirect-path.", { additionalProperties: true }),
);

/** Every schema above by name, for `wx-gateway schema` and documentation. */
export const endpointSchemas: Readonly<Record<string, TSchema>> = Object.freeze({
  ErrorResponse: errorResponseSchema,
  WxQrQuery: wxQrQuerySchema,
  WxQrResponse: wxQrResponseSchema,
  WxUserQuery: wxUserQuerySchema,
  WxUserResponse: wxUserResponseSchema,
  SnsAuth2Query: snsAuth2QuerySchema,
  SnsAuth2Response: snsAuth2ResponseSchema,
  ShortUrlBody: shortUrlBodySchema,
  ShortUrlResponse: shortUrlResponseSchema,
  TmplMsgBody: tmplMsgBodySchema,
  TmplMsgResponse: tmplMsgResponseSchema,
  SignJsapiBody: signJsapiBodySchema,
  SignJsapiResponse: signJsapiResponseSchema,
  ChannelsEcQuery: channelsEcQuerySchema,
  OrderDetailResponse: orderDetailResponseSchema,
  RefundDetailResponse: refundDetailResponseSchema,
  WxApiQuery: wxApiQuerySchema,
  OAuth2RedirectQuery: oauth2RedirectQuerySchema,
  ReadyResponse: readyResponseSchema,
  ReloadResponse: reloadResponseSchema,
  StatusData: statusDataSchema,
});

export type TmplMsgBody = Static<typeof tmplMsgBodySchema>;
export type WxQrQuery = Static<typeof wxQrQuerySchema>;
export type SnsAuth2Query = Static<typeof snsAuth2QuerySchema>;
