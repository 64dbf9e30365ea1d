/**
 * @module wxapi/message
 * Messages the gateway sends on its own: customer-service messages (used for late or oversized
 * replies with `async-reply`) and template messages (the `tmpl-msg` endpoint).
 * https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Service_Center_messages.html
 * https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Template_Message_Interface.html
 */
import type { ServiceConfig } from "../config/types";
import type { WxApi } from "./client";

/** WeChat's answer to a send: `errcode` 0 and, for template messages, the `msgid`. */
export interface SendResult {
  readonly errcode: number;
  readonly errmsg: string;
  readonly msgid?: number | string;
  readonly [key: string]: unknown;
}

/**
 * `POST /cgi-bin/message/custom/send`, body as WeChat defines it, e.g.
 * `{touser, msgtype: "text", text: {content}}`. Only allowed within 48 hours of the user's last message.
 */
export function sendCustomMessage(api: WxApi, svc: ServiceConfig, body: Record<string, unknown>): Promise<SendResult> {
  return api.call<SendResult>(svc, { method: "POST", path: "/cgi-bin/message/custom/send", json: body });
}

/**
 * `POST /cgi-bin/message/template/send` with `{touser, template_id, url?, miniprogram?, data}`.
 * A non-zero errcode rejects with WxApiError (502, WeChat's errcode/errmsg).
 */
export function sendTemplateMessage(api: WxApi, svc: ServiceConfig, body: Record<string, unknown>): Promise<SendResult> {
  return api.call<SendResult>(svc, { method: "POST", path: "/cgi-bin/message/template/send", json: body });
}
