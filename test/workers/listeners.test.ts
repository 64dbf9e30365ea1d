/**
 * @module test/workers/listeners
 * Every listener is shared by the workers: the admin listener and the API proxy's too, and a port 0
 * in the config (a free port) becomes the first worker's port, which the others then bind. A port
 * another gateway with workers already holds is exit 4, although both would ask for SO_REUSEPORT.
 */
import { describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { compiledBinary, freePort, scratchDir } from "../_helpers/binary";
import { rawConfig } from "../_helpers/config";
import { startWorkers } from "../_helpers/workers";

describe("workers: listeners", () => {
  test("admin-listen and api-proxy.listen on every worker; api-proxy's port 0 is one port for all", async () => {
    const adminPort = await freePort();
    const admin = `http://127.0.0.1:${adminPort}`;
    const raw = rawConfig(
      {},
      { "admin-listen": `127.0.0.1:${adminPort}`, "api-proxy": { listen: "127.0.0.1:0" }, "common-endpoints": { "health-check": "/health" } },
    );
    await using gw = await startWorkers(raw, 3, { healthUrl: `${admin}/health` });
    const lines = gw
      .output()
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as { worker: number; msg: string });
    const proxyPorts = lines.filter((l) => l.msg.startsWith("WeChat API proxy listening on")).map((l) => [l.worker, l.msg.split(":").at(-1)]);
    expect(proxyPorts.map(([w]) => w).sort()).toEqual([1, 2, 3]);
    const port = proxyPorts[0]![1];
    expect(new Set(proxyPorts.map(([, p]) => p))).toEqual(new Set([port]));
    expect(
      lines
        .filter((l) => l.msg === `admin listener (common endpoints) on 127.0.0.1:${adminPort}`)
        .map((l) => l.worker)
        .sort(),
    ).toEqual([1, 2, 3]);
    // served: the proxy answers a token request as WeChat would (no appid: 41002), the admin listener its health check
    expect(await (await fetch(`http://127.0.0.1:${port}/cgi-bin/token?grant_type=client_credential`)).json()).toMatchObject({ errcode: 41002 });
    expect((await fetch(`${admin}/health`)).status).toBe(200);
  }, 30_000);

  test("a port held by another gateway with workers is exit 4, not a silently shared port", async () => {
    await using first = await startWorkers(rawConfig(), 2);
    const file = join(scratchDir(), "second.json");
    writeFileSync(file, JSON.stringify({ ...rawConfig(), "listen-port": first.port, workers: 2 }));
    const second = Bun.spawn([compiledBinary(), "-c", file], { env: { PATH: process.env.PATH ?? "" }, stdout: "pipe", stderr: "pipe" });
    const code = await Promise.race([second.exited, Bun.sleep(10_000).then(() => "still running")]);
    if (code === "still running") second.kill("SIGKILL");
    expect(code).toBe(4);
    expect(await new Response(second.stderr).text()).toContain(`cannot listen on 127.0.0.1:${first.port}`);
    expect((await fetch(`http://127.0.0.1:${first.port}/health`)).status).toBe(200);
  }, 30_000);
});
