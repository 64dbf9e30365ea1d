/**
 * @module test/_helpers/fake-wechat-routes
 * The normal answers of the fake WeChat API (see fake-wechat.ts), modelled on WeChat's documented
 * responses. Calls that need an access_token get 41001 without one and 40001 with an unknown one.
 */
import type { FakeCall, FakeWechatOptions } from "./fake-wechat";

export interface FakeState {
  readonly opts: FakeWechatOptions;
  /** app-id → currently valid access_tokens, newest last */
  readonly tokens: Map<string, string[]>;
  readonly tickets: Map<string, string>;
  readonly usedCodes: Set<string>;
  readonly snsTokens: Set<string>;
  counter: number;
}

export type Json = Record<string, unknown>;
export type Route = (call: FakeCall) => Json;

export const ok = (extra: Json = {}): Json => ({ errcode: 0, errmsg: "ok", ...extra });
export const err = (errcode: number, errmsg: string): Json => ({ errcode, errmsg: `${errmsg} rid: fake-${errcode}` });

/** The holder (app-id, or a WeCom app's key) of the call's access_token, or null when it is not valid. */
export function holderOf(state: FakeState, token: string): string | null {
  for (const [holder, list] of state.tokens) if (list.includes(token)) return holder;
  return null;
}

export function wechatRoutes(state: FakeState): Record<string, Route> {
  const expiresIn = state.opts.expiresIn ?? 7200;
  const next = () => ++state.counter;
  const rand = () => crypto.randomUUID().replaceAll("-", "").slice(0, 12);
  const bodyOf = (call: FakeCall): Json => (typeof call.body === "object" && call.body !== null ? (call.body as Json) : {});

  /** the app-id whose token the call carries, or WeChat's error answer */
  function appOf(call: FakeCall): string | Json {
    const token = call.query.access_token;
    if (!token) return err(41001, "access_token missing");
    return holderOf(state, token) ?? err(40001, "invalid credential, access_token is invalid or not latest");
  }

  function checkApp(appid: unknown, secret: unknown): Json | null {
    if (typeof appid !== "string" || !appid) return err(41002, "appid missing");
    if (typeof secret !== "string" || !secret) return err(41004, "appsecret missing");
    const apps = state.opts.apps;
    if (apps && !(appid in apps)) return err(40013, "invalid appid");
    if (apps && apps[appid] !== secret) return err(40125, "invalid appsecret");
    return null;
  }

  function issue(appid: string, reuse: boolean): Json {
    const list = state.tokens.get(appid) ?? [];
    state.tokens.set(appid, list);
    const latest = list.at(-1);
    if (reuse && latest) return { access_token: latest, expires_in: expiresIn };
    const token = `AT_${appid}_${next()}_${rand()}`;
    list.push(token);
    return { access_token: token, expires_in: expiresIn };
  }

  /** wraps a route that needs a valid access_token */
  const authed =
    (route: (call: FakeCall, appId: string) => Json): Route =>
    (call) => {
      const app = appOf(call);
      return typeof app === "string" ? route(call, app) : app;
    };

  const userInfo = (openid: string): Json =>
    state.opts.users?.[openid] ?? {
      subscribe: 1,
      openid,
      language: "zh_CN",
      subscribe_time: 1700000000,
      unionid: `union-${openid}`,
      remark: "",
      groupid: 0,
      tagid_list: [],
      subscribe_scene: "ADD_SCENE_QR_CODE",
      qr_scene: 0,
      qr_scene_str: "",
    };

  return {
    "/cgi-bin/token": (call) => {
      const q = call.query;
      if (q.grant_type !== "client_credential") return err(40002, "invalid grant_type");
      return checkApp(q.appid, q.secret) ?? issue(q.appid!, false);
    },
    // stable_token hands out the same token until it is revoked, unless force_refresh is true
    "/cgi-bin/stable_token": (call) => {
      const b = bodyOf(call);
      if (b.grant_type !== "client_credential") return err(40002, "invalid grant_type");
      return checkApp(b.appid, b.secret) ?? issue(b.appid as string, b.force_refresh !== true);
    },
    "/cgi-bin/ticket/getticket": authed((call, app) => {
      if (call.query.type !== "jsapi" && call.query.type !== "wx_card") return err(40097, "invalid args");
      const ticket = state.tickets.get(app) ?? `TICKET_${next()}_${rand()}`;
      state.tickets.set(app, ticket);
      return ok({ ticket, expires_in: expiresIn });
    }),
    "/cgi-bin/user/info": authed((call) => (call.query.openid ? userInfo(call.query.openid) : err(40003, "invalid openid"))),
    "/sns/oauth2/access_token": (call) => {
      const { appid, secret, code, grant_type } = call.query;
      if (grant_type !== "authorization_code") return err(40002, "invalid grant_type");
      const bad = checkApp(appid, secret);
      if (bad) return bad;
      if (!code || code.startsWith("bad")) return err(40029, "invalid code");
      if (state.usedCodes.has(code)) return err(40163, "code been used");
      state.usedCodes.add(code);
      const token = `SNS_${next()}_${rand()}`;
      state.snsTokens.add(token);
      return {
        access_token: token,
        expires_in: 7200,
        refresh_token: `RT_${rand()}`,
        openid: `openid-${code}`,
        scope: code.includes("base") ? "snsapi_base" : "snsapi_userinfo",
        unionid: `union-openid-${code}`,
      };
    },
    "/sns/userinfo": (call) => {
      const { access_token, openid } = call.query;
      if (!access_token || !state.snsTokens.has(access_token)) return err(40001, "invalid credential, access_token is invalid");
      return {
        openid,
        nickname: `nick-${openid}`,
        sex: 0,
        province: "",
        city: "",
        country: "",
        privilege: [],
        headimgurl: "https://thirdwx.qlogo.cn/mmopen/fake/132",
        unionid: `union-${openid}`,
      };
    },
    "/cgi-bin/qrcode/create": authed((call) => {
      const b = bodyOf(call);
      if (typeof b.action_name !== "string") return err(40053, "invalid action name");
      const ticket = `gQ${next()}${rand()}==`;
      const temp = !String(b.action_name).includes("LIMIT");
      return { ticket, ...(temp ? { expire_seconds: Number(b.expire_seconds ?? 60) } : {}), url: `http://weixin.qq.com/q/${rand()}` };
    }),
    "/cgi-bin/shorturl": authed((call) => {
      const b = bodyOf(call);
      if (b.action !== "long2short" || typeof b.long_url !== "string") return err(40097, "invalid args");
      return ok({ short_url: `https://w.url.cn/s/${rand()}` });
    }),
    "/cgi-bin/message/custom/send": authed((call) => (bodyOf(call).touser ? ok() : err(40003, "invalid openid"))),
    "/cgi-bin/message/template/send": authed((call) => {
      const b = bodyOf(call);
      if (!b.touser) return err(40003, "invalid openid");
      if (!b.template_id) return err(40037, "invalid template_id");
      return ok({ msgid: 2000000000 + next() });
    }),
    "/channels/ec/order/get": authed((call) => {
      const id = bodyOf(call).order_id;
      if (typeof id !== "string" || !id) return err(47001, "data format error");
      return ok({ order: { order_id: id, status: 20, create_time: 1700000000, order_detail: { product_infos: [] } } });
    }),
    "/channels/ec/aftersale/getaftersaleorder": authed((call) => {
      const id = bodyOf(call).after_sale_order_id;
      if (typeof id !== "string" || !id) return err(47001, "data format error");
      return ok({ after_sale_order: { after_sale_order_id: id, status: "MERCHANT_PROCESSING", order_id: "3700000000000000001" } });
    }),
  };
}
