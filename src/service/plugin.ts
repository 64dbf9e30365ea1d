/**
 * @module service/plugin
 * One configured account as an Elysia plugin: GET URL verification and POST callbacks at its
 * `service-path`, with the query schemas of its push surface (profiles/). The POST route parses
 * nothing itself (`parse: "none"`) so the byte limit and the XML rules stay the gateway's.
 */
import { Elysia } from "elysia";
import type { ServiceRuntime } from "../callback/runtime";
import { handleCallback, handleVerify } from "../callback/spine";

export function wxService(rt: ServiceRuntime) {
  const path = rt.config.servicePath;
  const { verify, callback } = rt.profile.querySchemas;
  return new Elysia({ name: "wx-service", seed: rt.config.name })
    .get(path, ({ query }) => handleVerify(query, rt), {
      query: verify,
      detail: { summary: `WeChat URL verification (${rt.config.name})`, tags: ["callback"] },
    })
    .post(path, ({ request, query }) => handleCallback(request, query, rt), {
      parse: "none",
      query: callback,
      detail: { summary: `WeChat message/event callback (${rt.config.name})`, tags: ["callback"] },
    });
}
