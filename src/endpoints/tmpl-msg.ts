/**
 * @module endpoints/tmpl-msg
 * `tmpl-msg`: POST JSON `{s, to, tid, url?, mp?{appid, pagepath}, data}` → WeChat's answer as is
 * (`{"errcode":0,"errmsg":"ok","msgid":…}`, the msgid with all its digits); a WeChat error → 502.
 * https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Template_Message_Interface.html
 */
import { Elysia } from "elysia";
import type { TmplMsgBody, tmplMsgBodySchema, tmplMsgResponseSchema } from "../contract/endpoints";
import { callExact } from "../wxapi/exact-json";
import { accountServiceByName, type EndpointContext, type RouteHook } from "./context";

type TemplateValue = { value: unknown; [key: string]: unknown };

/** `data` as WeChat wants it: a scalar becomes `{"value": String(v)}`, an object with `value` stays as is. */
export function templateData(data: TmplMsgBody["data"]): Record<string, TemplateValue> {
  const out: Record<string, TemplateValue> = {};
  for (const [key, v] of Object.entries(data)) out[key] = typeof v === "object" && v !== null ? (v as TemplateValue) : { value: String(v) };
  return out;
}

/** The body of `POST /cgi-bin/message/template/send`. */
export function templateMessage(body: TmplMsgBody): Record<string, unknown> {
  return {
    touser: body.to,
    template_id: body.tid,
    ...(body.url ? { url: body.url } : {}),
    ...(body.mp ? { miniprogram: { appid: body.mp.appid, ...(body.mp.pagepath ? { pagepath: body.mp.pagepath } : {}) } } : {}),
    data: templateData(body.data),
  };
}

export function tmplMsgEndpoint(
  path: string,
  ctx: EndpointContext,
  hook: RouteHook<{ body: typeof tmplMsgBodySchema; response: { 200: typeof tmplMsgResponseSchema } }>,
) {
  return new Elysia({ name: "tmpl-msg", seed: path }).post(
    path,
    async ({ body }) => {
      const svc = accountServiceByName(ctx, body.s, "tmpl-msg");
      const { text } = await callExact(ctx.api, svc, { method: "POST", path: "/cgi-bin/message/template/send", json: templateMessage(body) });
      // WeChat's bytes, not a re-serialisation: a 64-bit msgid keeps every digit
      return new Response(text, { headers: { "content-type": "application/json; charset=utf-8" } });
    },
    hook,
  );
}
