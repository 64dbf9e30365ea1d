/**
 * @module wechat/signature
 * WeChat's callback signatures: sha1 over the sorted, concatenated parts
 * (URL verification and plaintext: [token, timestamp, nonce]; safe mode adds the Encrypt value).
 */
import { createHash, timingSafeEqual } from "node:crypto";

/** sha1(sort(parts).join("")) as lowercase hex. WeChat sorts the raw strings lexicographically. */
export function wechatSignature(parts: readonly string[]): string {
  return createHash("sha1").update([...parts].sort().join("")).digest("hex");
}

/** Constant-time comparison of two strings (false when lengths differ). */
export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

/** True when `signature` is the signature of `parts`. */
export function verifySignature(signature: string, parts: readonly string[]): boolean {
  return safeEqual(signature.toLowerCase(), wechatSignature(parts));
}

/** True when `timestamp` (unix seconds, as sent) is within `windowS` seconds of `nowS`. */
export function withinWindow(timestamp: string, windowS: number, nowS: number): boolean {
  if (!/^\d{1,12}$/.test(timestamp)) return false;
  return Math.abs(nowS - Number(timestamp)) <= windowS;
}
