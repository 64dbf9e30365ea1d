/**
 * @module config/workers
 * The `workers` key (SPEC §12): how many event loops (worker threads) serve the listeners. An integer
 * 1–256, or "auto": the CPUs this process may use, cgroup quota included (util/cpus). 1, the default,
 * is the single-threaded gateway as it always was; more start the primary and its workers (workers/).
 */
import { Type as t } from "@sinclair/typebox";
import { availableCpus } from "../util/cpus";

export const MAX_WORKERS = 256;

export const WorkersSchema = t.Union([t.Integer({ minimum: 1, maximum: MAX_WORKERS }), t.Literal("auto")], {
  description: `event loops serving the listeners: 1-${MAX_WORKERS}, or "auto" (the CPUs available to the process, cgroup limits included)`,
});

/** The number of workers `workers` asks for; `cpus` is what "auto" counts (injected by tests). */
export function resolveWorkers(raw: { readonly workers?: number | "auto" }, cpus: () => number = availableCpus): number {
  const value = raw.workers ?? 1;
  return value === "auto" ? Math.min(MAX_WORKERS, cpus()) : value;
}
