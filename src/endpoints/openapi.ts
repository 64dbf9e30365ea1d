/**
 * @module endpoints/openapi
 * `common-endpoints.openapi`: serves the document built by endpoints/openapi-document.
 */
import { Elysia } from "elysia";
import type { EndpointContext, RouteHook } from "./context";

export function openApiEndpoint(path: string, ctx: EndpointContext, hook: RouteHook<object>) {
  return new Elysia({ name: "openapi", seed: path }).get(path, async () => Response.json(await ctx.openApiDocument()), hook);
}
