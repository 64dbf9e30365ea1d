/**
 * @module test/_helpers/runtime
 * One service's callback runtime for step tests: a config from `makeConfig`, a collecting logger, the
 * metrics calls recorded as lines ("callback svc text replied"), and the gateway core on a fake clock.
 */

import { createCallbackCore } from "../../src/callback/core";
import { createServiceRuntime, type ServiceDeps, type ServiceRuntime } from "../../src/callback/runtime";
import { createMemoryLogger } from "../../src/obs/log";
import type { Metrics } from "../../src/obs/metrics";
import { makeConfig } from "./config";
import { type FakeTimerClock, fakeTimerClock } from "./fake-timers";

export interface TestRuntime {
  readonly rt: ServiceRuntime;
  readonly clock: FakeTimerClock;
  /** log lines, parsed */
  logs(): Array<Record<string, unknown>>;
  /** metrics calls as "<method> <args…>" */
  readonly metrics: string[];
}

/** `service`: raw service keys for makeConfig; `deps`: ServiceDeps to replace. `now` is the fake clock's. */
export function testRuntime(service: Record<string, unknown> = {}, deps: Partial<ServiceDeps> = {}): TestRuntime {
  const { log, lines } = createMemoryLogger("debug");
  const calls: string[] = [];
  const record =
    (name: string) =>
    (...args: unknown[]) =>
      void calls.push([name, ...args].join(" "));
  const metrics = new Proxy({} as Metrics, { get: (_, name) => record(String(name)) });
  const clock = fakeTimerClock(1_700_000_000_000);
  const config = makeConfig(service).services[0]!;
  const rt = createServiceRuntime(config, { log, metrics, fetch, now: clock.now, core: createCallbackCore(clock), ...deps });
  return { rt, clock, metrics: calls, logs: () => lines().map((l) => JSON.parse(l) as Record<string, unknown>) };
}
