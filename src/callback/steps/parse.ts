/**
 * @module callback/steps/parse
 * The parse step: message text → typed message, by the service's profile (wechat/message, wechat/channels).
 * Whatever a parser throws on its input is a 400: bad input is never a 500.
 */
import { badRequest } from "../../http/errors";
import type { DecodedBody } from "../../profiles/index";
import { type InboundMessage, MessageError } from "../../wechat/message";
import { XmlError } from "../../wechat/xml";
import type { ServiceRuntime } from "../runtime";

export function parse(decoded: DecodedBody, rt: ServiceRuntime): InboundMessage {
  try {
    return rt.profile.parse(decoded);
  } catch (err) {
    if (err instanceof XmlError || err instanceof MessageError) throw badRequest(err.message);
    throw badRequest("the message could not be parsed", err);
  }
}
