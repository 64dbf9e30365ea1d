/**
 * @module wxapi/qrcode
 * Parametric QR codes (生成带参数的二维码): temporary (`QR_STR_SCENE`, expires) or permanent
 * (`QR_LIMIT_STR_SCENE`, limited to 100 000 per account), both with a string scene. Scanning one
 * sends a subscribe or SCAN event whose EventKey carries the scene.
 * https://developers.weixin.qq.com/doc/offiaccount/Account_Management/Generating_a_Parametric_QR_Code.html
 */
import type { ServiceConfig } from "../config/types";
import { GatewayError } from "../http/errors";
import type { WxApi } from "./client";

/** WeChat's limit for temporary codes: 30 days. */
export const MAX_QR_EXPIRE_S = 2_592_000;

export type QrCodeRequest =
  | { readonly type: "temp"; readonly sceneStr: string; readonly expireSeconds: number }
  | { readonly type: "forever"; readonly sceneStr: string };

export interface QrCode {
  /** the image: showqrcode with the url-encoded ticket */
  readonly ticketURL2ShowQrCode: string;
  /** the URL encoded in the QR code (WeChat's `url`); the misspelling is the original's */
  readonly urlIncluedInQrcode: string;
}

/** The image URL of a ticket; the ticket must be url-encoded (it holds `=`, `+`, `/`). */
export function showQrCodeUrl(ticket: string): string {
  return `https://mp.weixin.qq.com/cgi-bin/showqrcode?ticket=${encodeURIComponent(ticket)}`;
}

/** The JSON body of `POST /cgi-bin/qrcode/create`. */
export function qrCodeBody(req: QrCodeRequest): Record<string, unknown> {
  const action_info = { scene: { scene_str: req.sceneStr } };
  return req.type === "temp"
    ? { expire_seconds: req.expireSeconds, action_name: "QR_STR_SCENE", action_info }
    : { action_name: "QR_LIMIT_STR_SCENE", action_info };
}

export async function createQrCode(api: WxApi, svc: ServiceConfig, req: QrCodeRequest): Promise<QrCode> {
  const path = "/cgi-bin/qrcode/create";
  const body = await api.call<{ ticket?: unknown; url?: unknown }>(svc, { method: "POST", path, json: qrCodeBody(req) });
  if (typeof body.ticket !== "string" || !body.ticket) throw new GatewayError(502, `WeChat API ${path} answered without a ticket`);
  return { ticketURL2ShowQrCode: showQrCodeUrl(body.ticket), urlIncluedInQrcode: typeof body.url === "string" ? body.url : "" };
}
