/**
 * @module endpoints/openapi-document
 * The gateway's own HTTP API as an OpenAPI 3 document, generated from the TypeBox schemas of the
 * mounted routes (@elysiajs/openapi's generator), not written by hand. Loaded on the first request
 * for the document, so the generator never costs start-up time or memory when nobody asks.
 */

import { toOpenAPISchema } from "@elysiajs/openapi";
import type { AnyElysia } from "elysia";
import pkg from "../../package.json";

/**
 * Builds the document for everything mounted on `app` (called once, after all routes exist). Routes
 * whose detail says `hide` (the metrics and the document itself) are left out; a path with a dot in
 * it is not taken for a static file.
 */
export function buildOpenApiDocument(app: AnyElysia): Record<string, unknown> {
  const { paths, components } = toOpenAPISchema(app as never, { staticFile: false });
  return {
    openapi: "3.0.3",
    info: {
      title: "wx-gateway",
      version: pkg.version,
      description: "The gateway's own HTTP API: WeChat callbacks, OAuth2 redirect and the common endpoints (SPEC §4, §6, §7).",
    },
    components: { ...components, securitySchemes: { adminToken: { type: "http", scheme: "bearer" } } },
    paths,
  };
}
