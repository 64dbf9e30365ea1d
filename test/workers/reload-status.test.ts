/**
 * @module test/workers/reload-status
 * With `workers` > 1 a reload reaches every worker, whether it comes from SIGHUP (to the process) or
 * from the reload endpoint (answered by one worker), and the status page counts every worker's
 * messages (SPEC §10, §12), against the compiled executable.
 */
import { describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { scratchDir } from "../_helpers/binary";
import { rawConfig, rawService } from "../_helpers/config";
import { plainCallback, textXml } from "../_helpers/wechat";
import { closeAll, oneConnectionPerWorker, startWorkers, type WorkerConnection } from "../_helpers/workers";

const ADMIN = { authorization: "Bearer admin-secret" };
const endpoints = { "health-check": "/health", reload: "/reload", status: "/status" };

/** Adds a service at `path` to the config file, keeping its port. */
function addService(file: string, name: string, path: string): void {
  const raw = JSON.parse(readFileSync(file, "utf8"));
  raw.services.push(rawService(name, path));
  writeFileSync(file, JSON.stringify(raw));
}

/** Whether every connection's worker serves a callback at `path`. */
async function servedEverywhere(conns: readonly WorkerConnection[], base: string, path: string): Promise<number[]> {
  return Promise.all(conns.map(async (c) => (await c.send(plainCallback(base, path, textXml("hi")))).status));
}

describe("workers: reload and status", () => {
  test("the reload endpoint, answered by one worker, and SIGHUP both reach every worker", async () => {
    const dir = scratchDir();
    const file = join(dir, "conf.json");
    await using gw = await startWorkers(rawConfig({}, { "admin-token": "admin-secret", "common-endpoints": endpoints }), 3, { dir });
    const conns = await oneConnectionPerWorker(gw.port, 3);
    expect(await servedEverywhere(conns, gw.base, "/wx2")).toEqual([404, 404, 404]);

    addService(file, "svc2", "/wx2");
    const answer = await conns[1]!.send(new Request(`${gw.base}/reload`, { method: "POST", headers: ADMIN }));
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body).changes.added).toEqual(["svc2"]);
    expect(await servedEverywhere(conns, gw.base, "/wx2")).toEqual([200, 200, 200]);

    addService(file, "svc3", "/wx3");
    gw.proc.kill("SIGHUP");
    let statuses: number[] = [];
    for (let i = 0; i < 200; i++) {
      statuses = await servedEverywhere(conns, gw.base, "/wx3");
      if (statuses.every((s) => s === 200)) break;
      await Bun.sleep(20);
    }
    expect(statuses).toEqual([200, 200, 200]);
    closeAll(conns);
  }, 30_000);

  test("the status page's counts cover every worker", async () => {
    await using gw = await startWorkers(rawConfig({}, { "admin-token": "admin-secret", "common-endpoints": endpoints }), 3);
    const conns = await oneConnectionPerWorker(gw.port, 3);
    for (const c of conns) for (let i = 0; i < 2; i++) expect((await c.send(plainCallback(gw.base, "/wx", textXml("hi")))).status).toBe(200);
    const data = JSON.parse((await conns[2]!.send(new Request(`${gw.base}/status/data`, { headers: ADMIN }))).body);
    expect(data.services[0].byType.text.replied).toBe(6);
    expect(data.services[0].perMinute.reduce((n: number, m: { replied: number }) => n + m.replied, 0)).toBe(6);
    expect(data.ready.ready).toBe(true);
    closeAll(conns);
  }, 30_000);
});
