import { describe, expect, test } from "bun:test";
import { Counter, Histogram, Registry } from "prom-client";
import { createGateway } from "../../src/gateway";
import { createMemoryLogger } from "../../src/obs/log";
import { BackendLatencyHistogram, createMetrics, PROCESS_METRICS_DELAY_MS } from "../../src/obs/metrics";
import { makeConfig } from "../_helpers/config";
import { fakeTimerClock } from "../_helpers/fake-timers";

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
      for (const [service, outcome] of [
        ["a", "ok"],
        ["b", "error"],
        ["a", "error"],
      ] as const) {
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
    const c = new Counter({
      name: "wxgw_callbacks_total",
      help: "WeChat callbacks by service, message/event type and outcome",
      labelNames: ["service", "type", "outcome"],
      registers: [reference],
    });
    const events: Array<[string, string, "replied" | "rejected"]> = [
      ["s1", "text", "replied"],
      ["s1", "text", "replied"],
      ["s2", "-", "rejected"],
    ];
    for (const [s, t, o] of events) {
      metrics.callback(s, t, o);
      c.inc({ service: s, type: t, outcome: o });
    }
    const rendered = async (r: Registry) => lines(await r.getSingleMetricAsString("wxgw_callbacks_total"));
    expect(await rendered(metrics.registry)).toEqual(await rendered(reference));
    metrics.callback("s1", "text", "replied");
    c.inc({ service: "s1", type: "text", outcome: "replied" });
    expect(await rendered(metrics.registry)).toEqual(await rendered(reference));
    expect((await rendered(metrics.registry)).join("\n")).toContain('wxgw_callbacks_total{service="s1",type="text",outcome="replied"} 3');
  });

  test("every counter renders what a prom-client Counter fed the same increments renders", async () => {
    const metrics = createMetrics({ processMetrics: false });
    const reference = new Registry();
    const counter = (name: string, labelNames: string[]) => new Counter({ name, help: "h", labelNames, registers: [reference] });
    const fallbacks = counter("wxgw_success_fallbacks_total", ["service", "reason"]);
    const dedup = counter("wxgw_dedup_hits_total", ["service"]);
    const tokens = counter("wxgw_token_fetches_total", ["app_id", "kind"]);
    const wxErrors = counter("wxgw_wechat_api_errors_total", ["path", "errcode"]);
    const asyncReplies = counter("wxgw_async_replies_total", ["service", "outcome"]);
    const degraded = counter("wxgw_state_store_degraded_total", ["component"]);
    for (let i = 0; i < 3; i++) {
      metrics.fallback("s1", "timeout");
      fallbacks.inc({ service: "s1", reason: "timeout" });
      metrics.dedupHit(`s${i % 2}`);
      dedup.inc({ service: `s${i % 2}` });
      metrics.tokenFetch("wx1", i === 0 ? "ticket" : "token");
      tokens.inc({ app_id: "wx1", kind: i === 0 ? "ticket" : "token" });
      metrics.wxApiError("/cgi-bin/user/info", i === 2 ? -1 : 40001);
      wxErrors.inc({ path: "/cgi-bin/user/info", errcode: i === 2 ? "-1" : "40001" });
      metrics.asyncReply("s1", "sent");
      asyncReplies.inc({ service: "s1", outcome: "sent" });
      metrics.stateStoreDegraded("dedup");
      degraded.inc({ component: "dedup" });
    }
    // values only: HELP texts differ on purpose
    const series = async (r: Registry, name: string) => lines(await r.getSingleMetricAsString(name)).filter((l) => !l.startsWith("#"));
    for (const name of [
      "wxgw_success_fallbacks_total",
      "wxgw_dedup_hits_total",
      "wxgw_token_fetches_total",
      "wxgw_wechat_api_errors_total",
      "wxgw_async_replies_total",
      "wxgw_state_store_degraded_total",
    ]) {
      const expected = await series(reference, name);
      expect(expected.length).toBeGreaterThan(0);
      expect(await series(metrics.registry, name)).toEqual(expected);
    }
    expect((await series(metrics.registry, "wxgw_token_fetches_total")).join("\n")).toContain('wxgw_token_fetches_total{app_id="wx1",kind="token"} 2');
  });

  test("prom-client is loaded when the registry is first needed, not when metrics are created or counted", async () => {
    // a fresh process: this test file has loaded prom-client itself
    const script = `
      import { createMetrics } from ${JSON.stringify(`${import.meta.dir}/../../src/obs/metrics`)};
      const loaded = () => Object.keys(require.cache).some((k) => k.includes("/prom-client/"));
      const m = createMetrics({ processMetrics: false });
      m.callback("s", "text", "replied"); m.fallback("s", "timeout"); m.backendLatency("s", "ok", 0.01);
      const before = loaded();
      const text = await m.registry.metrics();
      console.log(JSON.stringify({ before, after: loaded(), counted: text.includes('wxgw_success_fallbacks_total{service="s",reason="timeout"} 1') }));
    `;
    const proc = Bun.spawnSync([process.execPath, "-e", script], { stderr: "pipe" });
    expect(proc.stderr.toString()).toBe("");
    expect(JSON.parse(proc.stdout.toString())).toEqual({ before: false, after: true, counted: true });
  });

  test("process metrics are registered a moment after start, not on the start-up path", async () => {
    const clock = fakeTimerClock();
    const metrics = createMetrics({ clock });
    expect(await metrics.registry.metrics()).not.toContain("wxgw_process_cpu_user_seconds_total");
    clock.advance(PROCESS_METRICS_DELAY_MS - 1);
    expect(await metrics.registry.metrics()).not.toContain("wxgw_process_cpu_user_seconds_total");
    clock.advance(1);
    expect(await metrics.registry.metrics()).toContain("wxgw_process_cpu_user_seconds_total");
  });

  test("without process metrics (no metrics endpoint) none are registered, even once the registry is built", async () => {
    const clock = fakeTimerClock();
    const metrics = createMetrics({ processMetrics: false, clock });
    expect(clock.pending).toBe(0);
    clock.advance(PROCESS_METRICS_DELAY_MS);
    const text = await metrics.registry.metrics();
    expect(text).toContain("wxgw_callbacks_total");
    expect(text).not.toContain("wxgw_process_cpu_user_seconds_total");
  });

  test("a gateway registers process metrics only when a metrics endpoint is configured", async () => {
    const clock = fakeTimerClock();
    const withEndpoint = createGateway(makeConfig({}, { "common-endpoints": { "health-check": "/health", metrics: "/metrics" } }), {
      log: createMemoryLogger().log,
      clock,
    });
    const without = createGateway(makeConfig({}, { "common-endpoints": { "health-check": "/health" } }), { log: createMemoryLogger().log, clock });
    clock.advance(PROCESS_METRICS_DELAY_MS);
    expect(await withEndpoint.metrics.registry.metrics()).toContain("wxgw_process_cpu_user_seconds_total");
    expect(await without.metrics.registry.metrics()).not.toContain("wxgw_process_cpu_user_seconds_total");
  });
});
