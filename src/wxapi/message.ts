/**
 * @module wxapi/message
 * Template messages, which the `tmpl-msg` endpoint sends (customer-service messages for `async-reply`
 * are each surface's own: wechat/custom-message, sent by callback/async-reply).
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
 * `POST /cgi-bin/message/template/send` with `{touser, template_id, url?, miniprogram?, data}`.
 * A non-zero errcode rejects with WxApiError (502, WeChat's errcode/errmsg).
 */
export function sendTemplateMessage(api: WxApi, svc: ServiceConfig, body: Record<string, unknown>): Promise<SendResult> {
  return api.call<SendResult>(svc, { method: "POST", path: "/cgi-bin/message/template/send", json: body });
}
