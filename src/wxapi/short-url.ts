/**
 * @module wxapi/short-url
 * `POST /cgi-bin/shorturl` (long2short). WeChat retired this API in 2021: it now answers with an
 * errcode, which reaches the caller as a 502 carrying WeChat's errcode/errmsg. Kept for
 * compatibility with the original's `short-url` endpoint.
 * https://developers.weixin.qq.com/doc/offiaccount/Account_Management/URL_Shortener.html
 */
import type { ServiceConfig } from "../config/types";
import { GatewayError } from "../http/errors";
import type { WxApi } from "./client";

export async function shortenUrl(api: WxApi, svc: ServiceConfig, longUrl: string): Promise<string> {
  const path = "/cgi-bin/shorturl";
  const body = await api.call<{ short_url?: unknown }>(svc, { method: "POST", path, json: { action: "long2short", long_url: longUrl } });
  if (typeof body.short_url !== "string" || !body.short_url) throw new GatewayError(502, `WeChat API ${path} answered without short_url`);
  return body.short_url;
}
