/**
 * @module api-proxy/proxy-token
 * What an SDK receives instead of the real access_token: a token that only a gateway holding the
 * service's secret can make or check. `wxgw_` + base64url of
 *
 *   version (1) | expiry, unix s (4) | account tag (8) | nonce (6) | HMAC-SHA256, first 16 bytes
 *
 * keyed with a key derived from the account's secret and id. Checking it needs no shared state:
 * every instance with the same config derives the same keys. It names no real token, so it keeps
 * working when the gateway renews the real one behind it. Its life is capped at the `expires_in`
 * it was issued with (plus a little clock skew between instances): a token claiming a later expiry
 * is refused, so even someone who knows the secret cannot mint one that lives longer than one
 * from `/cgi-bin/token`. A new secret (rotation) changes the key, so older proxy tokens get 40001
 * and SDKs fetch new ones, as they do when WeChat rotates a secret.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { Clock } from "../util/clock";
import type { ProxyAccount } from "./accounts";

/** Marks a proxy token; WeChat's own tokens start with digits ("86_…"), so the two never mix. */
export const PROXY_TOKEN_PREFIX = "wxgw_";
/** `expires_in` of a proxy token: WeChat's own 7200 s, so SDKs renew at their usual pace. */
export const PROXY_TOKEN_TTL_S = 7200;
/** How far another instance's clock may be ahead of this one's. */
const MAX_SKEW_S = 300;

const VERSION = 1;
const TAG_BYTES = 8;
const NONCE_BYTES = 6;
const MAC_BYTES = 16;
const SIGNED_BYTES = 1 + 4 + TAG_BYTES + NONCE_BYTES;
const TOTAL_BYTES = SIGNED_BYTES + MAC_BYTES;
const BODY = new RegExp(`^[A-Za-z0-9_-]{${Math.ceil((TOTAL_BYTES * 4) / 3)}}$`);

export type ProxyTokenCheck =
  | { readonly ok: true; readonly account: ProxyAccount }
  | { readonly ok: false; readonly reason: "malformed" | "unknown-account" | "bad-signature" | "expired" };

export interface IssuedToken {
  readonly token: string;
  readonly expiresIn: number;
}

export interface ProxyTokens {
  issue(account: ProxyAccount): IssuedToken;
  /** Only for strings that `isProxyToken` accepts; anything else is a caller's own token. */
  verify(token: string): ProxyTokenCheck;
}

export interface ProxyTokenOptions {
  readonly clock: Pick<Clock, "unixMs">;
  /** random bytes for the nonce (crypto.randomBytes) */
  readonly random?: (size: number) => Uint8Array;
}

export const isProxyToken = (token: string): boolean => token.startsWith(PROXY_TOKEN_PREFIX);

interface Keyed {
  readonly account: ProxyAccount;
  readonly key: Buffer;
  readonly tag: Buffer;
}

function keyed(account: ProxyAccount): Keyed {
  // HMAC as a key derivation (HKDF-Extract): the secret never keys the token MAC directly
  const key = createHmac("sha256", account.svc.appSecret).update(`wx-gateway api-proxy token v${VERSION}\0${account.kind}\0${account.id}`).digest();
  const tag = createHmac("sha256", key).update("account tag").digest().subarray(0, TAG_BYTES);
  return { account, key, tag };
}

const mac = (key: Buffer, signed: Uint8Array) => createHmac("sha256", key).update(signed).digest().subarray(0, MAC_BYTES);

export function createProxyTokens(accounts: readonly ProxyAccount[], opts: ProxyTokenOptions): ProxyTokens {
  const random = opts.random ?? randomBytes;
  const byTag = new Map<string, Keyed>();
  const byAccount = new Map<ProxyAccount, Keyed>();
  for (const account of accounts) {
    const k = keyed(account);
    byAccount.set(account, k);
    // two services of one app-id and secret are one account to WeChat: the first one answers
    if (!byTag.has(k.tag.toString("hex"))) byTag.set(k.tag.toString("hex"), k);
  }
  const nowS = () => Math.floor(opts.clock.unixMs() / 1000);

  return {
    issue(account) {
      const k = byAccount.get(account) ?? keyed(account);
      const bytes = Buffer.alloc(TOTAL_BYTES);
      bytes[0] = VERSION;
      bytes.writeUInt32BE(nowS() + PROXY_TOKEN_TTL_S, 1);
      k.tag.copy(bytes, 5);
      bytes.set(random(NONCE_BYTES).subarray(0, NONCE_BYTES), 5 + TAG_BYTES);
      mac(k.key, bytes.subarray(0, SIGNED_BYTES)).copy(bytes, SIGNED_BYTES);
      return { token: PROXY_TOKEN_PREFIX + bytes.toString("base64url"), expiresIn: PROXY_TOKEN_TTL_S };
    },
    verify(token) {
      const body = token.slice(PROXY_TOKEN_PREFIX.length);
      if (!isProxyToken(token) || !BODY.test(body)) return { ok: false, reason: "malformed" };
      const bytes = Buffer.from(body, "base64url");
      if (bytes.length !== TOTAL_BYTES || bytes[0] !== VERSION) return { ok: false, reason: "malformed" };
      const k = byTag.get(bytes.subarray(5, 5 + TAG_BYTES).toString("hex"));
      if (!k) return { ok: false, reason: "unknown-account" };
      if (!timingSafeEqual(mac(k.key, bytes.subarray(0, SIGNED_BYTES)), bytes.subarray(SIGNED_BYTES))) return { ok: false, reason: "bad-signature" };
      const expiry = bytes.readUInt32BE(1);
      const now = nowS();
      if (expiry <= now || expiry > now + PROXY_TOKEN_TTL_S + MAX_SKEW_S) return { ok: false, reason: "expired" };
      return { ok: true, account: k.account };
    },
  };
}
