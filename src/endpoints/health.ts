/**
 * @module endpoints/health
 * `health-check`: GET → "OK\n" (never behind the admin token: load balancers call it).
 */
import { Elysia } from "elysia";

export function healthEndpoint(path: string) {
  return new Elysia({ name: "health", seed: path }).get(path, () => new Response("OK\n", { headers: { "content-type": "text/plain" } }), {
    detail: { summary: "Health check", tags: ["ops"] },
  });
}
