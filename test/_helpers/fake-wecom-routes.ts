/**
 * @module test/_helpers/fake-wecom-routes
 * The normal answers of the fake WeCom API (qyapi.weixin.qq.com), modelled on WeCom's documented
 * responses: `gettoken` (one token per corp-id and app Secret, the same one while it is valid),
 * `message/send` (needs `agentid`) and `user/get`. A call with a token WeCom does not know gets 40014.
 * https://developer.work.weixin.qq.com/document/path/91039 (gettoken), 90236 (message/send), 90196 (user/get)
 */
import type { FakeCall } from "./fake-wechat";
import { err, type FakeState, holderOf, type Json, ok, type Route } from "./fake-wechat-routes";

/** The key WeCom's tokens are kept under in the fake: `wecom:<corp-id>:<secret>`. */
export const wecomTokenHolder = (corpId: string, secret: string) => `wecom:${corpId}:${secret}`;

export function wecomRoutes(state: FakeState): Record<string, Route> {
  const expiresIn = state.opts.expiresIn ?? 7200;
  const bodyOf = (call: FakeCall): Json => (typeof call.body === "object" && call.body !== null ? (call.body as Json) : {});

  const authed =
    (route: (call: FakeCall) => Json): Route =>
    (call) => {
      const token = call.query.access_token;
      if (!token) return err(41001, "access_token missing");
      return holderOf(state, token) === null ? err(40014, "invalid access_token") : route(call);
    };

  return {
    "/cgi-bin/gettoken": (call) => {
      const { corpid, corpsecret } = call.query;
      if (!corpid) return err(41002, "corpid missing");
      if (!corpsecret) return err(41004, "corpsecret missing");
      const apps = state.opts.apps;
      if (apps && !(corpid in apps)) return err(40013, "invalid corpid");
      if (apps && apps[corpid] !== corpsecret) return err(40001, "invalid secret");
      const holder = wecomTokenHolder(corpid, corpsecret);
      const list = state.tokens.get(holder) ?? [];
      state.tokens.set(holder, list);
      if (list.length === 0) list.push(`WT_${corpid}_${++state.counter}`);
      return ok({ access_token: list.at(-1), expires_in: expiresIn });
    },
    "/cgi-bin/message/send": authed((call) => {
      const b = bodyOf(call);
      if (typeof b.agentid !== "number") return err(40056, "invalid agentid");
      if (!b.touser) return err(40031, "invalid user list");
      if (typeof b.msgtype !== "string" || typeof b[b.msgtype] !== "object") return err(40008, "invalid message type");
      return ok({ invaliduser: "", msgid: `wecom_msg_${++state.counter}` });
    }),
    "/cgi-bin/user/get": authed((call) => {
      const userid = call.query.userid;
      if (!userid || userid.startsWith("nobody")) return err(60111, "userid not found");
      return ok({ userid, name: `name-${userid}`, department: [1], position: "", status: 1, main_department: 1 });
    }),
  };
}
