/**
 * @module wxapi/jsapi
 * JS-SDK configuration (wx.config): the signature is
 * `sha1("jsapi_ticket=<ticket>&noncestr=<nonce>&timestamp=<ts>&url=<url>")` over the page URL without
 * its `#fragment` (JS-SDK docs, 附录1 JS-SDK使用权限签名算法).
 * https://developers.weixin.qq.com/doc/offiaccount/OA_Web_Apps/JS-SDK.html
 */
import { createHash } from "node:crypto";
import type { ServiceConfig } from "../config/types";
import type { WxApi } from "./client";

export interface JsapiSignInput {
  readonly ticket: string;
  readonly nonceStr: string;
  /** unix seconds */
  readonly timestamp: number;
  /** the page URL; a #fragment is removed */
  readonly url: string;
}

export interface JsapiParams {
  readonly appId: string;
  readonly nonce: string;
  readonly timestamp: number;
  readonly signature: string;
}

/** The page URL as WeChat signs it: everything before the first `#`. */
export function stripFragment(url: string): string {
  const hash = url.indexOf("#");
  return hash < 0 ? url : url.slice(0, hash);
}

/** The JS-SDK signature (pure): lowercase hex sha1 of the four fields in WeChat's fixed order. */
export function signJsapi(input: JsapiSignInput): string {
  const plain = `jsapi_ticket=${input.ticket}&noncestr=${input.nonceStr}&timestamp=${input.timestamp}&url=${stripFragment(input.url)}`;
  return createHash("sha1").update(plain).digest("hex");
}

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** A random nonceStr (16 alphanumerics; WeChat allows up to 32). */
export function randomNonce(length = 16): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  return Array.from(bytes, (b) => ALPHABET[b % ALPHABET.length]).join("");
}

export interface JsapiOptions {
  /** unix milliseconds */
  readonly now: () => number;
  readonly nonce?: () => string;
}

/** wx.config parameters for `url`, signed with the service's (cached) jsapi_ticket. */
export async function jsapiParams(api: WxApi, svc: ServiceConfig, url: string, opts: JsapiOptions): Promise<JsapiParams> {
  const ticket = await api.tokens.jsapiTicket(svc);
  const nonce = (opts.nonce ?? randomNonce)();
  const timestamp = Math.floor(opts.now() / 1000);
  return { appId: svc.appId, nonce, timestamp, signature: signJsapi({ ticket, nonceStr: nonce, timestamp, url }) };
}
