/**
 * @module callback/steps/decode
 * The decode step: body → message text, by the service's profile (plaintext, or msg_signature + AES; 400/401).
 * A body that does not decrypt is the client's fault: 400 with the reason, never the key or the text.
 */
import { GatewayError } from "../../http/errors";
import type { DecodedBody, SignedQuery } from "../../profiles/index";
import { CryptoError } from "../../wechat/crypto";
import type { ServiceRuntime } from "../runtime";

export function decode(body: string, signed: SignedQuery, rt: ServiceRuntime): DecodedBody {
  try {
    return rt.profile.decode(body, signed);
  } catch (err) {
    if (err instanceof CryptoError) throw new GatewayError(400, `cannot decrypt: ${err.reason}`);
    throw err;
  }
}
