import { describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "../../src/cli/args";
import { simulate } from "../../src/cli/simulate";
import { AES_KEY, APP_ID, rawConfig } from "../_helpers/config";
import { startFakeBackend } from "../_helpers/fake-backend";
import { startGateway } from "../_helpers/gateway";
import { parseConfig } from "../../src/config/load";

const dir = mkdtempSync(join(tmpdir(), "wxgw-sim-"));

async function run(raw: Record<string, unknown>, argv: string[]) {
  using backend = startFakeBackend();
  backend.on("/msg/text", (b) => ({ json: { msg: `backend says: ${b.Content}` } }));
  backend.on("/event/subscribe", { json: { type: "image", msg: "MEDIA_9" } });
  const svc = (raw.services as Array<Record<string, unknown>>)[0]!;
  svc["msg-proxy-pass"] = backend.url;
  using gw = startGateway(parseConfig(raw, "t", {}).config);
  const file = join(dir, `c${Math.random()}.json`);
  writeFileSync(file, JSON.stringify(raw));
  const lines: string[] = [];
  const code = await simulate(parseArgs(["simulate", "-c", file, "--url", gw.url, ...argv]), (l) => lines.push(l));
  return { code, out: lines.join("\n"), received: backend.received.length };
}

describe("simulate", () => {
  test("plaintext: prints the backend's reply", async () => {
    const { code, out } = await run(rawConfig(), ["--type", "text", "--content", "hi there"]);
    expect(code).toBe(0);
    expect(out).toContain("plaintext");
    expect(out).toContain("← text: backend says: hi there");
  });
  test("safe mode: encrypts, decrypts the reply and checks its signature", async () => {
    const raw = rawConfig({ "wx-params": { token: "tok", "app-id": APP_ID, "aes-key": AES_KEY } });
    const { code, out } = await run(raw, ["--event", "subscribe", "--from", "oABC"]);
    expect(code).toBe(0);
    expect(out).toContain("safe mode");
    expect(out).toContain("← image: MEDIA_9 [encrypted reply, signature ok]");
  });
  test("--repeat and --concurrency send distinct messages and print a latency summary", async () => {
    const { out, received } = await run(rawConfig(), ["--content", "x", "--repeat", "6", "--concurrency", "3"]);
    expect(out).toMatch(/6 requests, 6 HTTP 200; latency ms: min [\d.]+ p50/);
    expect(received).toBe(6);
  });
  test("the compiled-in command path works: bun src/main.ts simulate", async () => {
    using backend = startFakeBackend();
    const raw = rawConfig({ "msg-proxy-pass": backend.url });
    using gw = startGateway(parseConfig(raw, "t", {}).config);
    const file = join(dir, "cli.json");
    writeFileSync(file, JSON.stringify(raw));
    // async spawn: the gateway under test runs in this process and must keep answering
    const p = Bun.spawn([process.execPath, "src/main.ts", "simulate", "-c", file, "--url", gw.url, "--content", "via cli"], { cwd: resolve(import.meta.dir, "../.."), stdout: "pipe" });
    expect(await p.exited).toBe(0);
    expect(await new Response(p.stdout).text()).toContain("← text: got /msg/text");
  });
});
