/**
 * @module endpoints/openapi
 * `common-endpoints.openapi`: serves the document built by endpoints/openapi-document.
 */
import { Elysia } from "elysia";

export function openApiEndpoint(path: string, getDocument: () => Promise<Record<string, unknown>>) {
  return new Elysia({ name: "openapi", seed: path }).get(path, async () => Response.json(await getDocument()), {
    detail: { hide: true },
  });
}
