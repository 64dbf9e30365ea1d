/**
 * @module api-proxy/answers
 * The answers the proxy makes itself, in WeChat's own shape (`{"errcode","errmsg"}`, HTTP 200 as
 * WeChat sends them), so that an SDK reacts as it would to WeChat: 40001 makes it fetch a new
 * token, 40013/40125 surface as its usual "invalid appid/appsecret" errors, -1 as "system busy"
 * (https://developers.weixin.qq.com/doc/offiaccount/Getting_Started/Global_Return_Code.html).
 * Each errmsg names wx-gateway, so a human reading an SDK's log knows who answered.
 */

/** A JSON answer as WeChat sends it: `application/json; encoding=utf-8`. */
export function wechatJson(body: Record<string, unknown>, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json; encoding=utf-8" } });
}

export function wechatError(errcode: number, errmsg: string, status = 200): Response {
  return wechatJson({ errcode, errmsg: `${errmsg} (wx-gateway api-proxy)` }, status);
}

/** The errors the proxy answers with, WeChat's codes and wording. */
export const ERRORS = {
  systemError: [-1, "system error"],
  invalidCredential: [40001, "invalid credential, access_token is invalid or not latest"],
  invalidGrantType: [40002, "invalid grant_type"],
  invalidAppId: [40013, "invalid appid"],
  invalidArgs: [40097, "invalid args"],
  invalidAppSecret: [40125, "invalid appsecret"],
  appIdMissing: [41002, "appid missing"],
  appSecretMissing: [41004, "appsecret missing"],
  requirePost: [43002, "require POST method"],
  dataFormat: [47001, "data format error"],
  // WeCom's codes for the same cases (https://developer.work.weixin.qq.com/document/path/90313)
  wecomInvalidSecret: [40001, "invalid secret"],
  wecomInvalidCorpId: [40013, "invalid corpid"],
  wecomCorpIdMissing: [41002, "corpid missing"],
  wecomSecretMissing: [41004, "corpsecret missing"],
} as const satisfies Record<string, readonly [number, string]>;

export type ErrorName = keyof typeof ERRORS;

/** `ERRORS[name]` as an answer; `detail` is appended to the message (never a secret or token). */
export function answerError(name: ErrorName, detail?: string, status = 200): Response {
  const [errcode, errmsg] = ERRORS[name];
  return wechatError(errcode, detail ? `${errmsg}: ${detail}` : errmsg, status);
}
