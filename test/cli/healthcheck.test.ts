/**
 * `wx-gateway healthcheck`: 0 only when the configured health path answers 200 on the configured
 * address (a wildcard address reached through loopback), 1 for everything else — a bad config too.
 */
import { describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { healthcheck, localOrigin } from "../../src/cli/healthcheck";
import { compiledBinary, scratchDir, startBinary } from "../_helpers/binary";
import { rawConfig } from "../_helpers/config";

const dir = scratchDir("wxgw-hc-");
let n = 0;

function confFile(raw: Record<string, unknown>): string {
  const file = join(dir, `conf-${++n}.json`);
  writeFileSync(file, JSON.stringify(raw));
  return file;
}

/** A server answering `status` on /health, listening on every IPv4 address like a default gateway. */
function healthServer(status: number) {
  return Bun.serve({ hostname: "0.0.0.0", port: 0, fetch: (req) => new Response("x", { status: new URL(req.url).pathname === "/health" ? status : 404 }) });
}

describe("healthcheck", () => {
  test("wildcard and empty listen-host are reached through loopback; IPv6 hosts get brackets", () => {
    expect(localOrigin({ listenHost: "", listenPort: 7080 })).toBe("http://127.0.0.1:7080");
    expect(localOrigin({ listenHost: "0.0.0.0", listenPort: 1 })).toBe("http://127.0.0.1:1");
    expect(localOrigin({ listenHost: "::", listenPort: 2 })).toBe("http://[::1]:2");
    expect(localOrigin({ listenHost: "fd00::5", listenPort: 3 })).toBe("http://[fd00::5]:3");
    expect(localOrigin({ listenHost: "10.0.0.7", listenPort: 4 })).toBe("http://10.0.0.7:4");
  });

  test("200 on the configured path → 0, with listen-host empty (the sample's)", async () => {
    using server = healthServer(200);
    const file = confFile(rawConfig({}, { "listen-host": "", "listen-port": server.port }));
    const result = await healthcheck(file, { env: {} });
    expect(result).toEqual({ code: 0, line: `healthy: GET http://127.0.0.1:${server.port}/health → 200` });
  });

  test("with admin-listen it asks the admin listener, where health-check is served (a wildcard host through loopback)", async () => {
    using admin = healthServer(200);
    using main = healthServer(500);
    const file = confFile(rawConfig({}, { "listen-host": "", "listen-port": main.port, "admin-listen": `0.0.0.0:${admin.port}` }));
    expect(await healthcheck(file, { env: {} })).toEqual({ code: 0, line: `healthy: GET http://127.0.0.1:${admin.port}/health → 200` });
  });

  test("CONF_FILE is used when no -c is given", async () => {
    using server = healthServer(200);
    const file = confFile(rawConfig({}, { "listen-port": server.port }));
    expect((await healthcheck(undefined, { env: { CONF_FILE: file } })).code).toBe(0);
  });

  test("any other status → 1", async () => {
    using server = healthServer(503);
    const result = await healthcheck(confFile(rawConfig({}, { "listen-port": server.port })), { env: {} });
    expect(result.code).toBe(1);
    expect(result.line).toContain("→ 503");
  });

  test("a server that never answers → 1 within the timeout", async () => {
    using server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Promise<Response>(() => {}) });
    const started = performance.now();
    const result = await healthcheck(confFile(rawConfig({}, { "listen-port": server.port })), { env: {}, timeoutMs: 200 });
    expect(result.code).toBe(1);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  test("no health-check path configured → 1 naming the key", async () => {
    const result = await healthcheck(confFile(rawConfig({}, { "common-endpoints": {} })), { env: {} });
    expect(result.code).toBe(1);
    expect(result.line).toContain("common-endpoints.health-check");
  });

  test("a bad config → 1 (not 3: Docker reserves every code but 0 and 1), without its secrets", async () => {
    const raw = rawConfig({ workerNum: "five", "wx-params": { token: "HC_SECRET_TOKEN", "app-id": "wx1", "app-secret": "HC_SECRET_APP" } });
    const result = await healthcheck(confFile(raw), { env: {} });
    expect(result.code).toBe(1);
    expect(result.line).toContain("services[0].workerNum");
    expect(result.line).not.toContain("HC_SECRET");
  });

  test("the compiled executable: 0 against a running gateway, 1 once it has stopped", async () => {
    const run = scratchDir("wxgw-hc-bin-");
    const gw = await startBinary(rawConfig({}, { "listen-host": "0.0.0.0" }), { dir: run });
    const check = () =>
      Bun.spawnSync([compiledBinary(), "healthcheck", "-c", join(run, "conf.json")], { stdout: "pipe", stderr: "pipe", env: { PATH: process.env.PATH ?? "" } });
    const up = check();
    expect(up.stdout.toString()).toContain(`GET http://127.0.0.1:${gw.port}/health → 200`);
    expect(up.exitCode).toBe(0);
    expect(await gw.stop()).toBe(0);
    const down = check();
    expect(down.exitCode).toBe(1);
    expect(down.stderr.toString()).toContain("unhealthy");
  }, 60_000);
});
