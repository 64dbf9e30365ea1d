/**
 * @module http/counted-routes
 * countedRoutes(tally): a plugin whose routes — those mounted in it after it is made — count each
 * request in `tally` from the moment it is routed until it is answered or fails. A config reload lets
 * the old generation's stores go only when its count is zero (ops/generation).
 *
 * The count belongs to the routes, not to a wrapper around the whole app: the callback route counts
 * itself inside its own async function (callback/spine), because every extra promise layer per
 * request costs the callback path throughput (docs/performance.md); these hooks are compiled into the
 * other routes only. Elysia ends a request with exactly one of afterResponse (answered) or error
 * (failed), and a body that fails to parse fails before transform: the set of counted requests makes
 * every end count once, and only for a request that was counted.
 */
import { Elysia } from "elysia";
import type { Tally } from "../util/tally";

export function countedRoutes(tally: Tally) {
  const counted = new WeakSet<Request>();
  const settle = ({ request }: { request: Request }) => {
    if (counted.delete(request)) tally.done();
  };
  // unnamed: a named plugin is mounted once per app, and each generation counts in its own tally
  return new Elysia()
    .onTransform({ as: "local" }, ({ request }) => {
      counted.add(request);
      tally.add();
    })
    .onAfterResponse({ as: "local" }, settle)
    .onError({ as: "local" }, settle);
}
