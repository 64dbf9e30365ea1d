import { describe, expect, test } from "bun:test";
import { parseConfig } from "../../src/config/load";
import { maskedSummary } from "../../src/config/mask";
import { resolveWorkers } from "../../src/config/workers";
import { availableCpus } from "../../src/util/cpus";
import { configErrorOf, makeConfig, rawConfig } from "../_helpers/config";

describe("workers (SPEC §12)", () => {
  test("default 1; a number as given; auto: the CPUs this process may use", () => {
    expect(makeConfig().workers).toBe(1);
    expect(makeConfig({}, { workers: 4 }).workers).toBe(4);
    expect(makeConfig({}, { workers: "auto" }).workers).toBe(availableCpus());
    expect(resolveWorkers({ workers: "auto" }, () => 12)).toBe(12);
    expect(resolveWorkers({ workers: "auto" }, () => 1000)).toBe(256);
    expect(maskedSummary(makeConfig({}, { workers: 3 })).workers).toBe(3);
  });

  test.each([0, -1, 1.5, 257, "2", "all", null])("%p → exit 3 naming workers", (bad) => {
    expect(configErrorOf(rawConfig({}, { workers: bad })).path).toBe("workers");
  });

  test("the check-config summary and a parse keep it", () => {
    expect(parseConfig(rawConfig({}, { workers: 2 }), "test", {}).config.workers).toBe(2);
  });
});
