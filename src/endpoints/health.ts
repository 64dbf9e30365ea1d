/**
 * @module endpoints/health
 * `health-check`: GET → "OK\n" (never behind the admin token: load balancers call it).
 */
import { Elysia } from "elysia";
import type { EndpointContext, RouteHook } from "./context";

export function healthEndpoint(path: string, _ctx: EndpointContext, hook: RouteHook<object>) {
  return new Elysia({ name: "health", seed: path }).get(path, () => new Response("OK\n", { headers: { "content-type": "text/plain" } }), hook);
}
