/**
 * @module callback/steps/encode
 * The encode step: the answer as the service's profile writes it — a reply rendered (XML, JSON or
 * text) and encrypted as the request was, or the surface's "no reply" — counted and logged.
 */
import type { DecodedBody, SignedQuery } from "../../profiles/index";
import type { Route } from "../../wechat/message";
import type { WechatReply } from "../../wechat/reply";
import type { ServiceRuntime } from "../runtime";

export function encode(reply: WechatReply, signed: SignedQuery, decoded: DecodedBody, route: Route, rt: ServiceRuntime): Response {
  rt.deps.metrics.callback(rt.config.name, route.type, reply.kind === "reply" ? "replied" : "success-fallback");
  rt.log.debug({ route: route.path, reply: reply.kind }, "callback answered");
  return reply.kind === "reply" ? rt.profile.encode(reply, signed, decoded) : rt.profile.noReply();
}
