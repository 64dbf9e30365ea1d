/**
 * @module callback/verify
 * The query-string checks of every callback (SPEC §4.1, §4.2): required arguments (400), the
 * signature over [token, timestamp, nonce] (401) and the `timeout` window (401).
 */
import type { ServiceConfig } from "../config/types";
import { badRequest, unauthorized } from "../http/errors";
import { verifySignature, withinWindow } from "../wechat/signature";

export interface CallbackQuery {
  readonly signature: string;
  readonly timestamp: string;
  readonly nonce: string;
  /** "aes" for safe/compatible mode, "" otherwise */
  readonly encryptType: string;
  readonly msgSignature: string;
}

type Query = Record<string, string | undefined>;

export function verifyCallbackQuery(query: Query, svc: ServiceConfig, nowMs: number): CallbackQuery {
  const { signature, timestamp, nonce } = query;
  if (!signature || !timestamp || !nonce) throw badRequest("signature, timestamp and nonce are required");
  if (!verifySignature(signature, [svc.token, timestamp, nonce])) throw unauthorized("signature mismatch");
  if (svc.timeoutS > 0 && !withinWindow(timestamp, svc.timeoutS, Math.floor(nowMs / 1000))) {
    throw unauthorized("timestamp outside the allowed window");
  }
  const encryptType = query.encrypt_type === "aes" ? "aes" : "";
  if (query.encrypt_type && query.encrypt_type !== "aes" && query.encrypt_type !== "raw") {
    throw badRequest(`unsupported encrypt_type ${JSON.stringify(query.encrypt_type)}`);
  }
  return { signature, timestamp, nonce, encryptType, msgSignature: query.msg_signature ?? "" };
}
