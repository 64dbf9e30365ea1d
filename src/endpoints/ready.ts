/**
 * @module endpoints/ready
 * `common-endpoints.ready` (SPEC §10): readiness, for an orchestrator or load balancer deciding whether
 * to send traffic here — 200 when the gateway can serve, 503 with the reason while it drains after
 * SIGTERM or while a configured Redis is unreachable. `health-check` stays liveness (the process runs).
 * Open like health-check: whoever routes traffic asks it.
 */
import { Elysia } from "elysia";
import { GatewayError } from "../http/errors";
import { type EndpointContext, opsOf, type RouteHook } from "./context";

export function readyEndpoint(path: string, ctx: EndpointContext, hook: RouteHook<object>) {
  return new Elysia({ name: "ready", seed: path }).get(
    path,
    async ({ set }) => {
      set.headers["cache-control"] = "no-store";
      const state = await opsOf(ctx).readiness();
      if (!state.ready) throw new GatewayError(503, state.reason);
      return { code: 200 as const, msg: "OK" as const };
    },
    hook,
  );
}
