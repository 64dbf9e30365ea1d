/**
 * @module endpoints/wx-api
 * `wx-api`: the authenticated pass-through to any WeChat API path. `<prefix>/<wechat path>?s=<service>&…`
 * with any method goes to `<wx-api-base>/<wechat path>?…&access_token=<token>` with the same body and
 * Content-Type, and WeChat's answer comes back as is (status, content type, content disposition,
 * bytes). A token error (40001/40014/42001) renews the token and retries once — which is why the body
 * is buffered, not streamed: it may be sent twice. Menus, media uploads (multipart), customer-service
 * messages, tags… every API without an endpoint of its own is one call away.
 */
import { Elysia } from "elysia";
import type { wxApiQuerySchema } from "../contract/endpoints";
import { badRequest, tooLarge } from "../http/errors";
import { type EndpointContext, type RouteHook, serviceByName } from "./context";

/** Largest body passed on; WeChat's largest upload (a permanent video) is 20 MB. */
export const WX_API_MAX_BODY_BYTES = 32 * 1024 * 1024;
/** What Elysia's `body` holds: the handler reads the request's bytes itself. */
const UNPARSED = Symbol("read by the handler");
/** Uploads take longer than the client's default 10 s. */
const TIMEOUT_MS = 60_000;
/** Letters, digits and the few punctuation marks of WeChat's API paths; no "..", no "//". */
const WECHAT_PATH = /^(\/[A-Za-z0-9_.-]+)+\/?$/;

async function readBytes(request: Request): Promise<Uint8Array | undefined> {
  if (request.method === "GET" || request.method === "HEAD" || !request.body) return undefined;
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > WX_API_MAX_BODY_BYTES) throw tooLarge(`body exceeds ${WX_API_MAX_BODY_BYTES} bytes`);
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of request.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > WX_API_MAX_BODY_BYTES) throw tooLarge(`body exceeds ${WX_API_MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

export function wxApiEndpoint(prefix: string, ctx: EndpointContext, hook: RouteHook<{ query: typeof wxApiQuerySchema }>) {
  const base = prefix.replace(/\/+$/, "");
  return new Elysia({ name: "wx-api", seed: base }).all(
    `${base}/*`,
    async ({ request, query }) => {
      const svc = serviceByName(ctx, query.s);
      const url = new URL(request.url);
      const path = url.pathname.slice(base.length);
      if (!WECHAT_PATH.test(path) || path.split("/").some((seg) => seg === "." || seg === "..")) throw badRequest(`not a WeChat API path: ${path}`);
      const forwarded: Record<string, string> = {};
      for (const [key, value] of url.searchParams) if (key !== "s" && key !== "access_token") forwarded[key] = value;
      const body = await readBytes(request);
      return ctx.api.callRaw(svc, {
        method: request.method,
        path,
        query: forwarded,
        body,
        contentType: body ? (request.headers.get("content-type") ?? undefined) : undefined,
        timeoutMs: TIMEOUT_MS,
      });
    },
    {
      // the handler reads the body itself, bounded, once authorised; a parser that answers keeps
      // Elysia's own from reading it. Not "none": beside the admin group's parse hook Elysia 1.4
      // looks "none" up as a named parser and fails with 400.
      parse: () => UNPARSED,
      ...hook,
    },
  );
}
