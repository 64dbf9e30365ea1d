/**
 * @module wxapi/exact-json
 * WeChat calls whose answer may hold 64-bit integers (Channels shop order ids, template msgids):
 * JSON.parse would round them, so the answer is read as text, integers of 16+ digits are quoted first
 * (wechat/channels `quoteBigIntegers`), and the original text is kept for callers that pass it on.
 */
import type { ServiceConfig } from "../config/types";
import { GatewayError } from "../http/errors";
import { quoteBigIntegers } from "../wechat/channels";
import { type WxApi, WxApiError, type WxRequest } from "./client";

export interface ExactAnswer {
  /** the answer with every big integer as a decimal string */
  readonly body: Record<string, unknown>;
  /** WeChat's answer exactly as it came */
  readonly text: string;
}

/** `api.callRaw` (access_token, one retry on a token error), then errcode → WxApiError (502) like `api.call`. */
export async function callExact(api: WxApi, svc: ServiceConfig, req: WxRequest): Promise<ExactAnswer> {
  const res = await api.callRaw(svc, req);
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(quoteBigIntegers(text));
  } catch {
    body = undefined;
  }
  const errcode = (body as { errcode?: unknown } | undefined)?.errcode;
  if (typeof errcode === "number" && errcode !== 0) throw new WxApiError(req.path, errcode, String((body as { errmsg?: unknown }).errmsg ?? ""));
  if (!res.ok || typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new GatewayError(502, `WeChat API ${req.path} answered with ${res.ok ? "a body that is not a JSON object" : `HTTP ${res.status}`}`);
  }
  return { body: body as Record<string, unknown>, text };
}
