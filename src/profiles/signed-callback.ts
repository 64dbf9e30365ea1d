/**
 * @module profiles/signed-callback
 * The callback signing both the Official Account and the Channels shop use (WeChat's "消息加解密说明"):
 * the query's `signature` is sha1 over [token, timestamp, nonce]; in safe and compatible mode
 * (`encrypt_type=aes`) the body carries an `Encrypt` value, signed by `msg_signature` over
 * [token, timestamp, nonce, Encrypt] and AES-encrypted with the service's aes-key.
 */
import { Type as t } from "@sinclair/typebox";
import type { ServiceConfig } from "../config/types";
import { badRequest, unauthorized } from "../http/errors";
import { createMessageCrypto, type MessageCrypto } from "../wechat/crypto";
import { verifySignature } from "../wechat/signature";
import type { PushProfile, Query, SignedQuery } from "./profile";

const SIGNED = {
  signature: t.String({ description: "sha1 of the sorted token, timestamp and nonce" }),
  timestamp: t.String({ description: "unix seconds" }),
  nonce: t.String(),
};

const signedQuerySchemas: PushProfile["querySchemas"] = {
  verify: t.Object({ ...SIGNED, echostr: t.String() }, { additionalProperties: true }),
  callback: t.Object(
    {
      ...SIGNED,
      openid: t.Optional(t.String()),
      encrypt_type: t.Optional(t.String({ description: "aes in safe and compatible modes" })),
      msg_signature: t.Optional(t.String({ description: "sha1 over token, timestamp, nonce and Encrypt (aes)" })),
    },
    { additionalProperties: true },
  ),
};

/** Required arguments (400), the signature over [token, timestamp, nonce] (401), encrypt_type aes/raw/none (400). */
function verifySignedQuery(query: Query, svc: ServiceConfig): SignedQuery {
  const { signature, timestamp, nonce } = query;
  if (!signature || !timestamp || !nonce) throw badRequest("signature, timestamp and nonce are required");
  if (!verifySignature(signature, [svc.token, timestamp, nonce])) throw unauthorized("signature mismatch");
  const type = query.encrypt_type;
  if (type && type !== "aes" && type !== "raw") throw badRequest(`unsupported encrypt_type ${JSON.stringify(type)}`);
  return { timestamp, nonce, aes: type === "aes", msgSignature: query.msg_signature ?? "" };
}

/** The query half of a profile for this signing: route schemas, GET verification (answering `echostr`), POST query. */
export function signedQuery(svc: ServiceConfig): Pick<PushProfile, "querySchemas" | "verifyUrl" | "verifyQuery"> {
  return {
    querySchemas: signedQuerySchemas,
    verifyUrl(query) {
      const signed = verifySignedQuery(query, svc);
      if (query.echostr === undefined) throw badRequest("echostr is required");
      return { signed, echo: query.echostr };
    },
    verifyQuery: (query) => verifySignedQuery(query, svc),
  };
}

/** The service's message crypto, or null without an aes-key (a bad key fails here, at start). */
export const cryptoOf = (svc: ServiceConfig): MessageCrypto | null => (svc.aesKey ? createMessageCrypto(svc.aesKey, svc.appId) : null);

/**
 * Body → message text (encrypted exactly when `signed.aes`). Plaintext is taken as is (and refused
 * for services with an aes-key, so a forged request cannot downgrade safe mode); an `aes` body's
 * Encrypt value (found by `extract`, null when there is none) is checked against msg_signature and
 * decrypted (a CryptoError when it cannot be).
 */
export function openBody(
  body: string,
  signed: SignedQuery,
  svc: ServiceConfig,
  crypto: MessageCrypto | null,
  extract: (body: string) => string | null,
): string {
  if (!signed.aes) {
    if (svc.aesKey && !svc.allowPlaintext) throw unauthorized("plaintext callback refused: the service has an aes-key (set allow-plaintext to accept)");
    return body;
  }
  if (!crypto) throw badRequest("encrypt_type=aes but the service has no aes-key");
  const encrypt = extract(body);
  if (!encrypt) throw badRequest("no Encrypt element in the body");
  if (!signed.msgSignature) throw badRequest("msg_signature is required with encrypt_type=aes");
  if (!verifySignature(signed.msgSignature, [svc.token, signed.timestamp, signed.nonce, encrypt])) throw unauthorized("msg_signature mismatch");
  return crypto.decrypt(encrypt);
}
