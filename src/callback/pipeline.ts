/**
 * @module callback/pipeline
 * The callback spine — the only place that knows the order of the steps:
 * verify query → read body (limit) → replay guard → decode/decrypt → parse → typed message →
 * dedup(limit → forward/echo) → reply XML → encrypt.
 */
import { GatewayError, badRequest, unauthorized } from "../http/errors";
import { withinBodyLimit } from "../http/body";
import { XmlError } from "../wechat/xml";
import { MessageError, dedupKeyOf, parseInboundXml, routeOf, type InboundMessage } from "../wechat/message";
import { toChannelsMessage } from "../wechat/channels";
import { encryptReply } from "../wechat/envelope";
import type { WechatReply } from "../wechat/reply";
import type { ServiceRuntime } from "../service/runtime";
import { verifyCallbackQuery, type CallbackQuery } from "./verify";
import { decodeBody } from "./decode";
import { fingerprint } from "./replay";
import { dispatch } from "./dispatch";

// Headers instances, built once: a Response copies them, which is cheaper than building them from an object
const XML = { headers: new Headers({ "content-type": "application/xml; charset=utf-8" }) };
const TEXT = { headers: new Headers({ "content-type": "text/plain; charset=utf-8" }) };

type Query = Record<string, string | undefined>;

/** GET: URL verification (SPEC §4.1). */
export function handleVerify(query: Query, rt: ServiceRuntime): Response {
  verifyCallbackQuery(query, rt.config, rt.deps.now());
  if (query.echostr === undefined) throw badRequest("echostr is required");
  rt.deps.metrics.callback(rt.config.name, "verify", "verified");
  return new Response(query.echostr, TEXT);
}

/** POST: a message or event (SPEC §4.2–4.6). Errors are GatewayErrors; the app renders them. */
export async function handleCallback(request: Request, query: Query, rt: ServiceRuntime): Promise<Response> {
  const started = rt.deps.now();
  try {
    const q = verifyCallbackQuery(query, rt.config, started);
    const body = withinBodyLimit(await request.text(), rt.config.maxBodyBytes);
    if (rt.replay && (await rt.replay.isReplay(`${q.timestamp}:${q.nonce}`, fingerprint(body)))) {
      throw unauthorized("nonce already used for another message (replay)");
    }
    const decoded = decodeBody(body, q, rt);
    const msg = parseMessage(decoded.text, rt);
    const route = routeOf(msg);
    const reply = await rt.dedup.run(dedupKeyOf(msg), () => dispatch(msg, route, rt, started));
    rt.deps.metrics.callback(rt.config.name, route.type, reply.kind === "xml" ? "replied" : "success-fallback");
    rt.log.debug({ route: route.path, reply: reply.kind }, "callback answered");
    return encodeReply(reply, q, decoded.encrypted, rt);
  } catch (err) {
    const error = asGatewayError(err);
    rt.deps.metrics.callback(rt.config.name, "-", "rejected");
    if (error.status >= 500) rt.log.error({ status: error.status, err: causeOf(error.cause) }, "callback failed");
    else rt.log.info({ status: error.status, reason: error.message }, "callback rejected");
    throw error;
  }
}

/** Text → message; whatever a parser throws on its input is a 400 (bad input is never a 500). */
function parseMessage(text: string, rt: ServiceRuntime): InboundMessage {
  try {
    if (rt.config.isChannelsEc && text.trimStart().startsWith("{")) return toChannelsMessage(text);
    return parseInboundXml(text);
  } catch (err) {
    if (err instanceof XmlError || err instanceof MessageError) throw badRequest(err.message);
    throw badRequest("the message could not be parsed", err);
  }
}

function asGatewayError(err: unknown): GatewayError {
  if (err instanceof GatewayError) return err;
  if (err instanceof XmlError || err instanceof MessageError) return badRequest(err.message);
  return new GatewayError(500, "internal error", { cause: err });
}

/** An error's name and message for the log (error messages on this path never carry secrets). */
const causeOf = (err: unknown): string => (err instanceof Error ? `${err.name}: ${err.message}` : String(err));

function encodeReply(reply: WechatReply, q: CallbackQuery, encrypted: boolean, rt: ServiceRuntime): Response {
  if (reply.kind === "success") return new Response("success", TEXT);
  if (rt.config.isChannelsEc) {
    // Channels shop: WeChat wants "success" (plain, never encrypted: 微信小店 消息推送 "回复 success 或空字符串(无需加密)");
    // a non-empty backend msg, whatever its type, is passed on as the answer, as the Go original does
    const msg = "msg" in reply.reply ? reply.reply.msg : "";
    return new Response(msg || "success", TEXT);
  }
  if (!encrypted || !rt.crypto) return new Response(reply.xml, XML);
  return new Response(encryptReply(rt.crypto, rt.config.token, reply.xml, q.timestamp, q.nonce), XML);
}
