import { describe, expect, test } from "bun:test";
import { Counter, Histogram, Registry } from "prom-client";
import { BackendLatencyHistogram, createMetrics } from "../../src/obs/metrics";

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 4.5, 10];
const lines = (text: string) => text.trim().split("\n").sort();

describe("metrics on the callback path", () => {
  test("the backend-latency histogram renders exactly what prom-client's Histogram renders (series order aside)", async () => {
    const reference = new Registry();
    const ours = new Registry();
    const h = new Histogram({ name: "x_seconds", help: "h", labelNames: ["service", "outcome"], buckets: BUCKETS, registers: [reference] });
    const fast = new BackendLatencyHistogram("x_seconds", "h", BUCKETS);
    ours.registerMetric(fast as never);
    const values = [0, 0.005, 0.0050001, 0.01, 0.3, 4.5, 10, 10.5, 1e9, 1e-7, 0.7];
    for (const v of values) {
      for (const [service, outcome] of [["a", "ok"], ["b", "error"], ["a", "error"]] as const) {
        h.observe({ service, outcome }, v);
        fast.observe(service, outcome, v);
      }
    }
    expect(lines(await ours.metrics())).toEqual(lines(await reference.metrics()));
    fast.reset();
    expect(await ours.metrics()).not.toContain("x_seconds_bucket");
  });

  test("callback counts reach the exposition through prom-client's collect, and keep adding up across scrapes", async () => {
    const metrics = createMetrics({ processMetrics: false });
    const reference = new Registry();
    const c = new Counter({ name: "wxgw_callbacks_total", help: "WeChat callbacks by service, message/event type and outcome", labelNames: ["service", "type", "outcome"], registers: [reference] });
    const events: Array<[string, string, "replied" | "rejected"]> = [["s1", "text", "replied"], ["s1", "text", "replied"], ["s2", "-", "rejected"]];
    for (const [s, t, o] of events) {
      metrics.callback(s, t, o);
      c.inc({ service: s, type: t, outcome: o });
    }
    const rendered = async (r: Registry) => lines((await r.getSingleMetricAsString("wxgw_callbacks_total")));
    expect(await rendered(metrics.registry)).toEqual(await rendered(reference));
    metrics.callback("s1", "text", "replied");
    c.inc({ service: "s1", type: "text", outcome: "replied" });
    expect(await rendered(metrics.registry)).toEqual(await rendered(reference));
    expect((await rendered(metrics.registry)).join("\n")).toContain('wxgw_callbacks_total{service="s1",type="text",outcome="replied"} 3');
  });

  test("process metrics are registered a moment after start, not on the start-up path", async () => {
    const metrics = createMetrics();
    expect(await metrics.registry.metrics()).not.toContain("wxgw_process_cpu_user_seconds_total");
    await Bun.sleep(1100);
    expect(await metrics.registry.metrics()).toContain("wxgw_process_cpu_user_seconds_total");
  });
});
