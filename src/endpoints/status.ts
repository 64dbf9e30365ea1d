/**
 * @module endpoints/status
 * `common-endpoints.status` (SPEC §10): the status page (endpoints/status-page) and, beside it at
 * `<status>/data`, the JSON it refreshes itself from. Both sit in the admin route group that also
 * takes the admin-token as an HTTP Basic password (endpoints/admin-guard), so a browser can open it.
 */
import { Elysia } from "elysia";
import { statusDataPath } from "../config/ops";
import { type EndpointContext, opsOf, type RouteHook } from "./context";
import { STATUS_PAGE } from "./status-page";

const JSON_HEADERS = { "content-type": "application/json", "cache-control": "no-store", "x-content-type-options": "nosniff" };

export function statusEndpoint(path: string, ctx: EndpointContext, hook: RouteHook<object>) {
  return new Elysia({ name: "status", seed: path })
    .get(path, () => new Response(STATUS_PAGE.html, { headers: STATUS_PAGE.headers }), hook)
    .get(statusDataPath(path), async () => new Response(JSON.stringify(await opsOf(ctx).status()), { headers: JSON_HEADERS }), hook);
}
