/**
 * @module callback/decode
 * Callback body → message text. Plaintext is taken as is (and refused for services with an aes-key,
 * so a forged request cannot downgrade safe mode); `encrypt_type=aes` bodies are checked against
 * msg_signature and decrypted (SPEC §4.2).
 */
import { GatewayError, badRequest, unauthorized } from "../http/errors";
import { CryptoError } from "../wechat/crypto";
import { extractJsonEncrypt, extractXmlEncrypt } from "../wechat/envelope";
import { verifySignature } from "../wechat/signature";
import type { ServiceRuntime } from "../service/runtime";
import type { CallbackQuery } from "./verify";

export interface DecodedBody {
  /** the message XML (or Channels JSON) */
  readonly text: string;
  readonly encrypted: boolean;
}

export function decodeBody(body: string, query: CallbackQuery, rt: ServiceRuntime): DecodedBody {
  const svc = rt.config;
  if (query.encryptType !== "aes") {
    if (svc.aesKey && !svc.allowPlaintext) throw unauthorized("plaintext callback refused: the service has an aes-key (set allow-plaintext to accept)");
    return { text: body, encrypted: false };
  }
  if (!rt.crypto) throw badRequest("encrypt_type=aes but the service has no aes-key");
  const encrypt = svc.isChannelsEc && body.trimStart().startsWith("{") ? extractJsonEncrypt(body) : extractXmlEncrypt(body);
  if (!encrypt) throw badRequest("no Encrypt element in the body");
  if (!query.msgSignature) throw badRequest("msg_signature is required with encrypt_type=aes");
  if (!verifySignature(query.msgSignature, [svc.token, query.timestamp, query.nonce, encrypt])) {
    throw unauthorized("msg_signature mismatch");
  }
  try {
    return { text: rt.crypto.decrypt(encrypt), encrypted: true };
  } catch (err) {
    if (err instanceof CryptoError) throw new GatewayError(400, `cannot decrypt: ${err.reason}`);
    throw err;
  }
}
