/**
 * @module endpoints/reload
 * `POST <common-endpoints.reload>` (SPEC §10): reads the config from where it came from and applies
 * it, as SIGHUP does. A refused reload answers with why: 422 for an invalid config, 409 for a change
 * that needs a restart; the running config stays either way.
 */
import { Elysia } from "elysia";
import { GatewayError } from "../http/errors";
import { type EndpointContext, opsOf, type RouteHook } from "./context";

export function reloadEndpoint(path: string, ctx: EndpointContext, hook: RouteHook<object>) {
  return new Elysia({ name: "reload", seed: path }).post(
    path,
    async () => {
      const outcome = await opsOf(ctx).reload("endpoint");
      if (!outcome.applied) throw new GatewayError(outcome.status, outcome.reason);
      return { code: 200 as const, msg: "OK" as const, services: [...outcome.services], changes: outcome.changes };
    },
    hook,
  );
}
