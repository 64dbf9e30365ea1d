/**
 * Operations (SPEC §10) against the compiled executable, where `serve` wires the signals and the
 * listeners: SIGHUP reloads the config file exactly as `POST <reload>` does (applied, invalid, needs a
 * restart — answered, counted and logged the same way); with `admin-listen` every common endpoint is
 * on the admin listener only and the callbacks on the main one only, `wx-gateway healthcheck` asks the
 * admin listener, and readiness there says 503 while a SIGTERM drain waits for a message at its backend.
 * Waiting here is polling for what another process does, never a sleep to prove nothing happened.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { compiledBinary, freePort, scratchDir, startBinary } from "../_helpers/binary";
import { rawConfig, rawService } from "../_helpers/config";
import { startFakeBackend } from "../_helpers/fake-backend";
import { plainCallback, textXml } from "../_helpers/wechat";

const ADMIN = "ops-admin-token";
const AUTH = { authorization: `Bearer ${ADMIN}` };

/** polls `probe` until it returns true: for what another process must do */
async function until(probe: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (await probe().catch(() => false)) return;
    await Bun.sleep(25);
  }
  throw new Error(`never happened: ${what}`);
}

describe("SIGHUP and the reload endpoint", () => {
  const dir = scratchDir("wxgw-reload-");
  const base = rawConfig({}, { "admin-token": ADMIN, "common-endpoints": { "health-check": "/health", reload: "/reload", metrics: "/metrics" } });

  test("do the same: apply a valid config, refuse a broken one or a port change, count and log each", async () => {
    await using gw = await startBinary(base, { dir });
    const write = (raw: Record<string, unknown>) => writeFileSync(join(dir, "conf.json"), JSON.stringify({ ...raw, "listen-port": gw.port }));
    const reloads = async (result: string) => {
      const text = await (await fetch(`${gw.base}/metrics`, { headers: AUTH })).text();
      return Number(new RegExp(`wxgw_config_reloads_total\\{result="${result}"\\} (\\d+)`).exec(text)?.[1] ?? 0);
    };
    const answers = async (path: string) => (await fetch(plainCallback(gw.base, path, textXml("hi")))).status;
    expect(await answers("/added")).toBe(404);

    // a service added: SIGHUP applies it
    write({ ...base, services: [rawService("svc", "/wx"), rawService("added", "/added")] });
    gw.proc.kill("SIGHUP");
    await until(async () => (await answers("/added")) === 200, "the added service answers");
    expect(await reloads("applied")).toBe(1);

    // a broken config: SIGHUP refuses it, so does the endpoint, with the same reason; the running config stays
    write({ ...base, services: [rawService("svc", "/wx", { workerNum: "many" })] });
    gw.proc.kill("SIGHUP");
    await until(async () => (await reloads("invalid")) === 1, "the broken config is counted");
    const byEndpoint = await fetch(`${gw.base}/reload`, { method: "POST", headers: AUTH });
    expect([byEndpoint.status, ((await byEndpoint.json()) as { msg: string }).msg]).toEqual([422, expect.stringContaining("services[0].workerNum")]);
    expect(await reloads("invalid")).toBe(2);
    expect([await answers("/wx"), await answers("/added")]).toEqual([200, 200]);

    // a port change needs a restart
    writeFileSync(join(dir, "conf.json"), JSON.stringify({ ...base, "listen-port": gw.port + 1 }));
    gw.proc.kill("SIGHUP");
    await until(async () => (await reloads("needs-restart")) === 1, "the port change is counted");
    expect(await answers("/added")).toBe(200);

    expect(await gw.stop()).toBe(0);
    const lines = gw
      .output()
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const reloadLines = lines.filter((l) => /^config reload/.test(String(l.msg)));
    expect(reloadLines.map((l) => [l.msg, l.trigger, l.result ?? "applied"])).toEqual([
      ["config reloaded", "SIGHUP", "applied"],
      ["config reload refused: the running config stays", "SIGHUP", "invalid"],
      ["config reload refused: the running config stays", "endpoint", "invalid"],
      ["config reload refused: the running config stays", "SIGHUP", "needs-restart"],
    ]);
    expect(reloadLines[0]).toMatchObject({ added: ["added"], changed: [], removed: [] });
  }, 30_000);
});

describe("admin-listen", () => {
  const backend = startFakeBackend();
  afterAll(() => backend.stop());

  test("common endpoints on the admin listener only, callbacks on the main one only; healthcheck asks the admin listener; ready is 503 while draining", async () => {
    const release = Promise.withResolvers<void>();
    backend.on("*", { until: release.promise, json: { type: "text", msg: "late" } });
    const adminPort = await freePort();
    const common = { "health-check": "/health", ready: "/ready", status: "/status", metrics: "/metrics", reload: "/reload" };
    const raw = rawConfig({ "msg-proxy-pass": backend.url }, { "admin-listen": `127.0.0.1:${adminPort}`, "common-endpoints": common });
    const dir = scratchDir("wxgw-admin-");
    const admin = `http://127.0.0.1:${adminPort}`;
    await using gw = await startBinary(raw, { dir, healthUrl: `${admin}/health` });

    for (const path of ["/health", "/ready", "/status", "/status/data", "/metrics"]) {
      expect([path, (await fetch(`${gw.base}${path}`)).status, (await fetch(`${admin}${path}`)).status]).toEqual([path, 404, 200]);
    }
    expect((await fetch(`${admin}/reload`, { method: "POST" })).status).toBe(200);
    expect((await fetch(plainCallback(admin, "/wx", textXml("x")))).status).toBe(404);

    const check = Bun.spawnSync([compiledBinary(), "healthcheck", "-c", join(dir, "conf.json")], { cwd: dir, env: { PATH: process.env.PATH ?? "" } });
    expect([check.exitCode, check.stdout.toString().trim()]).toEqual([0, `healthy: GET ${admin}/health → 200`]);

    // a message at its backend while the gateway drains: the admin listener stays up and says why it is not ready
    const received = backend.received.length;
    const answer = fetch(plainCallback(gw.base, "/wx", textXml("in flight")));
    await backend.whenReceived(received + 1);
    gw.proc.kill("SIGTERM");
    await until(async () => (await fetch(`${admin}/ready`)).status === 503, "ready turns 503");
    expect(await (await fetch(`${admin}/ready`)).json()).toEqual({ code: 503, msg: expect.stringMatching(/^draining/) });
    expect((await fetch(`${admin}/health`)).status).toBe(200);
    release.resolve();
    expect(await (await answer).text()).toContain("late");
    expect(await gw.stop()).toBe(0);
  }, 30_000);

  test("a port taken by another process: exit 4; the main listener's port: exit 3", async () => {
    using taken = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response() });
    const dir = scratchDir("wxgw-admin-");
    const file = join(dir, "conf.json");
    const run = (raw: Record<string, unknown>) => {
      writeFileSync(file, JSON.stringify(raw));
      return Bun.spawnSync([compiledBinary(), "-c", file], { cwd: dir, env: { PATH: process.env.PATH ?? "" }, stderr: "pipe" });
    };
    const port = await freePort();
    const busy = run(rawConfig({}, { "listen-port": port, "admin-listen": `127.0.0.1:${taken.port}` }));
    expect([busy.exitCode, busy.stderr.toString()]).toEqual([4, expect.stringContaining("(admin-listen)")]);
    const clash = run(rawConfig({}, { "listen-port": port, "admin-listen": `127.0.0.1:${port}` }));
    expect([clash.exitCode, clash.stderr.toString()]).toEqual([3, expect.stringContaining("admin-listen")]);
  }, 30_000);
});
