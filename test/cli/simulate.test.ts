import { describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "../../src/cli/args";
import { buildMessageJson, fieldsOfMessage, simulate } from "../../src/cli/simulate";
import { AES_KEY, APP_ID, rawConfig } from "../_helpers/config";
import { startFakeBackend } from "../_helpers/fake-backend";
import { startGateway } from "../_helpers/gateway";
import { parseConfig } from "../../src/config/load";

const dir = mkdtempSync(join(tmpdir(), "wxgw-sim-"));
const FIXTURES = join(import.meta.dir, "../fixtures");

async function run(raw: Record<string, unknown>, argv: string[]) {
  using backend = startFakeBackend();
  backend.on("/msg/text", (b) => ({ json: { msg: `backend says: ${b.Content}` } }));
  backend.on("/event/subscribe", { json: { type: "image", msg: "MEDIA_9" } });
  backend.on("/event/CLICK", (b) => ({ json: { msg: `clicked ${b.EventKey}` } }));
  backend.on("/event/channels_ec_order_pay", (b) => ({ json: { msg: `paid ${(b.order_info as { order_id: string }).order_id}` } }));
  const svc = (raw.services as Array<Record<string, unknown>>)[0]!;
  svc["msg-proxy-pass"] = backend.url;
  using gw = startGateway(parseConfig(raw, "t", {}).config);
  const file = join(dir, `c${Math.random()}.json`);
  writeFileSync(file, JSON.stringify(raw));
  const lines: string[] = [];
  const code = await simulate(parseArgs(["simulate", "-c", file, "--url", gw.url, ...argv]), (l) => lines.push(l));
  return { code, out: lines.join("\n"), received: backend.received.length, bodies: backend.received.map((r) => ({ path: r.path, body: r.body })) };
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
  test("--body sends a message file as it is: an Official Account's XML", async () => {
    const { code, out, bodies } = await run(rawConfig(), ["--body", join(FIXTURES, "xml/event-CLICK.xml")]);
    expect(code).toBe(0);
    expect(out).toContain(": event/CLICK");
    expect(out).toContain("← text: clicked EVENTKEY");
    expect(bodies.map((b) => b.path)).toEqual(["/event/CLICK"]);
  });
  const shop = (extra: Record<string, unknown> = {}) => rawConfig({ "is-channels-ec": true, "wx-params": { token: "tok", "app-id": APP_ID, "aes-key": AES_KEY }, ...extra });
  test("a Channels shop: --body's JSON is encrypted in a JSON envelope; its 64-bit order id arrives digit for digit", async () => {
    const { code, out, bodies } = await run(shop(), ["--body", join(FIXTURES, "channels/channels_ec_order_pay.json")]);
    expect(code).toBe(0);
    expect(out).toContain("safe mode");
    expect(out).toContain("← paid 3705115058471208928");
    expect(bodies).toEqual([{ path: "/event/channels_ec_order_pay", body: expect.objectContaining({ order_info: { order_id: "3705115058471208928", pay_time: 1658509200 } }) }]);
  });
  test("a Channels shop without --body: the event built as JSON, digits as bare numbers like WeChat writes them", async () => {
    const { code, bodies } = await run(shop(), ["--event", "product_spu_audit", "--set", "product_id=12345678901234567890;status=1"]);
    expect(code).toBe(0);
    expect(bodies).toEqual([{ path: "/event/product_spu_audit", body: expect.objectContaining({ MsgType: "event", product_id: "12345678901234567890", status: 1 }) }]);
  });
  test("the message as WeChat writes it", () => {
    expect(buildMessageJson({ Event: "x", order_id: "3705115058471208928", note: "a\"b" })).toBe('{"Event":"x","order_id":3705115058471208928,"note":"a\\"b"}');
    expect(fieldsOfMessage('{"ToUserName":"gh","CreateTime":1,"order_info":{"order_id":1}}')).toEqual({ ToUserName: "gh", CreateTime: "1" });
    expect(fieldsOfMessage("<xml><FromUserName><![CDATA[o1]]></FromUserName><MsgType><![CDATA[text]]></MsgType></xml>")).toEqual({ FromUserName: "o1", MsgType: "text" });
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
