/**
 * @module endpoints/index
 * commonEndpoints(deps, root): mounts the endpoints configured in `common-endpoints`, each from its
 * entry in endpoints/registry: `open` ones in the open group, `admin` ones in an admin-guarded group
 * (endpoints/admin-guard), which asks for the token when one is set — as a Bearer token, or for a
 * `basic` entry (the status page) also as an HTTP Basic password.
 */
import { type AnyElysia, Elysia } from "elysia";
import type { GatewayConfig } from "../config/types";
import { adminGuardedGroup } from "./admin-guard";
import type { EndpointContext, RouteDetail } from "./context";
import { ENDPOINTS, type EndpointEntry } from "./registry";

export type EndpointDeps = Omit<EndpointContext, "openApiDocument">;

/** A route's OpenAPI detail from its entry: its tag and summary, and the bearer requirement where the guard asks for it. */
export function routeDetail(entry: EndpointEntry, config: GatewayConfig): RouteDetail {
  if (!entry.openapi) return { hide: true };
  const { tag, summary, description } = entry.openapi;
  return {
    summary,
    ...(description ? { description } : {}),
    tags: [tag],
    ...(entry.access === "admin" && config.adminToken ? { security: [{ adminToken: [] }] } : {}),
  };
}

/** `root` is the whole app, read on the first request for the OpenAPI document (every route exists by then). */
export function commonEndpoints(deps: EndpointDeps, root: () => AnyElysia) {
  let document: Promise<Record<string, unknown>> | undefined;
  const ctx: EndpointContext = {
    ...deps,
    // the generator is loaded on the first request for the document, never at start-up
    openApiDocument: () => (document ??= import("./openapi-document").then((m) => m.buildOpenApiDocument(root()))),
  };
  const open = new Elysia({ name: "common-open" });
  // the groups carry the admin-token check: every route mounted in them is guarded
  const guarded = adminGuardedGroup(deps.config.adminToken, "common-guarded");
  const page = adminGuardedGroup(deps.config.adminToken, "common-guarded-basic", { basic: true });
  for (const [key, entry] of Object.entries(ENDPOINTS) as Array<[keyof typeof ENDPOINTS, EndpointEntry]>) {
    const path = deps.config.commonEndpoints[key];
    if (!path) continue;
    const route = entry.route(path, ctx, { ...entry.schemas, detail: routeDetail(entry, deps.config) });
    (entry.access === "open" ? open : entry.basic ? page : guarded).use(route);
  }
  return new Elysia({ name: "common-endpoints" }).use(open).use(guarded).use(page);
}
