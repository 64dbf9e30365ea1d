/**
 * @module service/plugin
 * One configured account as an Elysia plugin: GET URL verification and POST callbacks at its
 * `service-path`. The POST route parses nothing itself (`parse: "none"`) so the byte limit and the
 * XML rules stay the gateway's.
 */
import { Elysia, t } from "elysia";
import { handleCallback, handleVerify } from "../callback/pipeline";
import type { ServiceRuntime } from "./runtime";

const SignedQuery = {
  signature: t.String({ description: "sha1 of the sorted token, timestamp and nonce" }),
  timestamp: t.String({ description: "unix seconds" }),
  nonce: t.String(),
};

export const VerifyQuery = t.Object({ ...SignedQuery, echostr: t.String() }, { additionalProperties: true });
export const CallbackQuery = t.Object(
  {
    ...SignedQuery,
    openid: t.Optional(t.String()),
    encrypt_type: t.Optional(t.String({ description: "aes in safe and compatible modes" })),
    msg_signature: t.Optional(t.String({ description: "sha1 over token, timestamp, nonce and Encrypt (aes)" })),
  },
  { additionalProperties: true },
);

export function wxService(rt: ServiceRuntime) {
  const path = rt.config.servicePath;
  return new Elysia({ name: "wx-service", seed: rt.config.name })
    .get(path, ({ query }) => handleVerify(query, rt), {
      query: VerifyQuery,
      detail: { summary: `WeChat URL verification (${rt.config.name})`, tags: ["callback"] },
    })
    .post(path, ({ request, query }) => handleCallback(request, query, rt), {
      parse: "none",
      query: CallbackQuery,
      detail: { summary: `WeChat message/event callback (${rt.config.name})`, tags: ["callback"] },
    });
}
