/**
 * The compiled executable, as users run it: -v, check-config (0/3), start on the embedded sample,
 * exit 4 on a taken port, 413 for bodies over the server's bound, SIGTERM drains in-flight requests and exits 0.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { compiledBinary, scratchDir } from "../_helpers/binary";
import { rawConfig } from "../_helpers/config";
import { startFakeBackend } from "../_helpers/fake-backend";
import { plainCallback, textXml } from "../_helpers/wechat";

const work = scratchDir("wxgw-e2e-");
let binary = "";

beforeAll(() => {
  binary = compiledBinary();
}, 120_000);

const run = (args: string[], env: Record<string, string> = {}) =>
  Bun.spawnSync([binary, ...args], { cwd: work, env: { PATH: process.env.PATH ?? "", ...env }, stdout: "pipe", stderr: "pipe" });

function writeConf(name: string, raw: unknown): string {
  const file = join(work, name);
  writeFileSync(file, JSON.stringify(raw));
  return file;
}

async function freePort(): Promise<number> {
  const s = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() });
  const port = s.port as number;
  s.stop(true);
  return port;
}

async function waitHealthy(url: string, proc: { exitCode: number | null }): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (proc.exitCode !== null) throw new Error(`exited with ${proc.exitCode}`);
    try {
      if ((await fetch(url)).status === 200) return;
    } catch {
      /* not yet */
    }
    await Bun.sleep(25);
  }
  throw new Error("never became healthy");
}

describe("compiled executable", () => {
  test("-v prints name, version, build time, Bun version and OS/arch", () => {
    const r = run(["-v"]);
    expect(r.exitCode).toBe(0);
    const out = r.stdout.toString();
    expect(out).toMatch(/^wx-gateway \d+\.\d+\.\d+/);
    expect(out).toMatch(/build time: \d{4}-\d\d-\d\dT/);
    expect(out).toContain(`bun: ${Bun.version}`);
    expect(out).toContain(`${process.platform}/${process.arch}`);
  });

  test("check-config: 0 with secrets masked; 3 naming the key", () => {
    const good = writeConf("good.json", rawConfig({ "wx-params": { token: "TOPSECRETTOKEN", "app-id": "wx1", "app-secret": "APPSECRETVALUE" } }));
    const ok = run(["check-config", "-c", good]);
    expect(ok.exitCode).toBe(0);
    const text = ok.stdout.toString();
    expect(text).toContain("config OK");
    expect(text).not.toContain("TOPSECRETTOKEN");
    expect(text).not.toContain("APPSECRETVALUE");
    const bad = writeConf("bad.json", rawConfig({ workerNum: "five" }));
    const r = run(["check-config"], { CONF_FILE: bad });
    expect(r.exitCode).toBe(3);
    expect(r.stderr.toString()).toContain("services[0].workerNum");
  });

  test("a .env in the working directory is not read (only the real environment counts)", () => {
    const dir = scratchDir("wxgw-dotenv-");
    const bad = join(dir, "bad.json");
    writeFileSync(bad, JSON.stringify(rawConfig({ workerNum: "five" })));
    writeFileSync(join(dir, ".env"), `CONF_FILE=${bad}\n`);
    const fromDotenv = Bun.spawnSync([binary, "check-config"], { cwd: dir, env: { PATH: process.env.PATH ?? "" }, stdout: "pipe", stderr: "pipe" });
    expect(fromDotenv.exitCode).toBe(0); // the embedded sample, not bad.json
    const fromEnv = Bun.spawnSync([binary, "check-config"], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? "", CONF_FILE: bad },
      stdout: "pipe",
      stderr: "pipe",
    });
    expect(fromEnv.exitCode).toBe(3);
  });

  test("starts on the embedded sample when no config exists, and says so", async () => {
    expect(existsSync(join(work, "sample.conf.json"))).toBe(false);
    // the embedded sample listens on 7080; if something else holds it here (a benchmark), the gateway must exit 4
    const taken = await fetch("http://127.0.0.1:7080/").then(
      () => true,
      () => false,
    );
    const proc = Bun.spawn([binary], { cwd: work, env: { PATH: process.env.PATH ?? "" }, stdout: "pipe", stderr: "pipe" });
    if (taken) expect(await proc.exited).toBe(4);
    else {
      await waitHealthy("http://127.0.0.1:7080/health", proc);
      proc.kill("SIGTERM");
      expect(await proc.exited).toBe(0);
    }
    const out = await new Response(proc.stdout).text();
    expect(out).toContain("embedded sample config");
  });

  test("a taken port exits 4", async () => {
    const blocker = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() });
    const conf = writeConf("taken.json", rawConfig({}, { "listen-port": blocker.port }));
    const r = run(["-c", conf]);
    blocker.stop(true);
    expect(r.exitCode).toBe(4);
    expect(r.stderr.toString()).toContain("cannot start");
  });

  test("an unwritable token cache dir exits 4", () => {
    const file = join(work, "not-a-dir");
    writeFileSync(file, "x");
    const conf = writeConf("cache.json", rawConfig({}, { "token-cache-dir": join(file, "sub") }));
    expect(run(["-c", conf]).exitCode).toBe(4);
  });

  test("bodies over the limit get 413 before the gateway reads them, with or without Content-Length", async () => {
    using backend = startFakeBackend();
    backend.on("*", { json: { msg: "small one" } });
    const port = await freePort();
    // the server's bound is the largest service limit (at least 1 MiB); this service allows 2 MiB
    const conf = writeConf("limits.json", rawConfig({ "msg-proxy-pass": backend.url, "max-body-bytes": 2 * 1024 * 1024 }, { "listen-port": port }));
    const proc = Bun.spawn([binary, "-c", conf], { cwd: work, stdout: "pipe", stderr: "pipe" });
    try {
      const base = `http://127.0.0.1:${port}`;
      await waitHealthy(`${base}/health`, proc);
      const huge = textXml("x".repeat(3 * 1024 * 1024));
      expect((await fetch(plainCallback(base, "/wx", huge))).status).toBe(413);
      const signed = plainCallback(base, "/wx", "");
      const chunked = new Request(signed.url, {
        method: "POST",
        body: new ReadableStream({
          start(c) {
            for (let i = 0; i < 48; i++) c.enqueue(new Uint8Array(64 * 1024).fill(120));
            c.close();
          },
        }),
      });
      expect((await fetch(chunked)).status).toBe(413);
      expect(await (await fetch(plainCallback(base, "/wx", textXml("small")))).text()).toContain("small one");
      expect(backend.received.length).toBe(1);
    } finally {
      proc.kill();
      await proc.exited;
    }
  });

  test("SIGTERM lets an in-flight callback finish, then exits 0", async () => {
    using backend = startFakeBackend();
    backend.on("*", { delayMs: 600, json: { msg: "finished during drain" } });
    const port = await freePort();
    const conf = writeConf("drain.json", rawConfig({ "msg-proxy-pass": backend.url }, { "listen-port": port }));
    const proc = Bun.spawn([binary, "-c", conf], { cwd: work, stdout: "pipe", stderr: "pipe" });
    const base = `http://127.0.0.1:${port}`;
    await waitHealthy(`${base}/health`, proc);
    const pending = fetch(plainCallback(base, "/wx", textXml("drain me"))).then((r) => r.text());
    await backend.whenReceived(); // in flight: the backend has it and holds its answer 600 ms
    proc.kill("SIGTERM");
    expect(await pending).toContain("finished during drain");
    expect(await proc.exited).toBe(0);
  });
});
