/**
 * @module ops/readiness
 * Readiness (SPEC §10): whether traffic should be sent here. Not while the gateway drains after a stop
 * signal, and not while its configured Redis does not answer: the probe runs on the callback path's
 * own link to it (store/state-link), so it reports what messages would meet, and while that link's
 * breaker is open (a failure less than a second ago) the answer is "unreachable" without a probe.
 */
import type { ReadyState } from "../contract/ops";
import type { Generation } from "./generation";

export const DRAINING = "draining: shutting down after a stop signal, in-flight messages are finishing";

export async function readinessOf(g: Generation, draining: boolean): Promise<ReadyState> {
  if (draining) return { ready: false, reason: DRAINING };
  const link = g.sharedState?.link;
  if (link) {
    try {
      await link.run((client) => client.send("PING", []));
    } catch {
      // the link logs the outage once; the reason names the server, never its credentials
      return { ready: false, reason: `redis unreachable (${g.stores.redis?.where ?? "token-store"})` };
    }
  }
  return { ready: true, reason: "serving" };
}
