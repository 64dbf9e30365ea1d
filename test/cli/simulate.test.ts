import { describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "../../src/cli/args";
import { buildMessageJson, fieldsOfMessage, simulate } from "../../src/cli/simulate";
import { parseConfig } from "../../src/config/load";
import type { ServiceKind } from "../../src/config/schema";
import { AES_KEY, APP_ID, rawConfig } from "../_helpers/config";
import { startFakeBackend } from "../_helpers/fake-backend";
import { startGateway } from "../_helpers/gateway";

const dir = mkdtempSync(join(tmpdir(), "wxgw-sim-"));
const FIXTURES = join(import.meta.dir, "../fixtures");

async function run(raw: Record<string, unknown>, argv: string[]) {
  const svc = (raw.services as Array<Record<string, unknown>>)[0]!;
  using backend = startFakeBackend("/biz", { kind: svc.kind as ServiceKind | undefined });
  backend.on("/msg/text", (b) => ({ json: { msg: `backend says: ${b.Content}` } }));
  backend.on("/event/subscribe", { json: { type: "image", msg: "MEDIA_9" } });
  backend.on("/event/CLICK", (b) => ({ json: { msg: `clicked ${b.EventKey}` } }));
  backend.on("/event/channels_ec_order_pay", (b) => ({ json: { msg: `paid ${(b.order_info as { order_id: string }).order_id}` } }));
  backend.on("/event/xpay_goods_deliver_notify", { json: { type: "json", json: { ErrCode: 0, ErrMsg: "success" } } });
  backend.on("/event/user_enter_tempsession", { json: { type: "transfer_customer_service" } });
  backend.on("/event/enter_agent", { json: { type: "success" } });
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
  const shop = (extra: Record<string, unknown> = {}) =>
    rawConfig({ "is-channels-ec": true, "wx-params": { token: "tok", "app-id": APP_ID, "aes-key": AES_KEY }, ...extra });
  test("a Channels shop: --body's JSON is encrypted in a JSON envelope; its 64-bit order id arrives digit for digit", async () => {
    const { code, out, bodies } = await run(shop(), ["--body", join(FIXTURES, "channels/channels_ec_order_pay.json")]);
    expect(code).toBe(0);
    expect(out).toContain("safe mode");
    expect(out).toContain("← paid 3705115058471208928");
    expect(bodies).toEqual([
      { path: "/event/channels_ec_order_pay", body: expect.objectContaining({ order_info: { order_id: "3705115058471208928", pay_time: 1658509200 } }) },
    ]);
  });
  test("a Channels shop without --body: the event built as JSON, digits as bare numbers like WeChat writes them", async () => {
    const { code, bodies } = await run(shop(), ["--event", "product_spu_audit", "--set", "product_id=12345678901234567890;status=1"]);
    expect(code).toBe(0);
    expect(bodies).toEqual([
      { path: "/event/product_spu_audit", body: expect.objectContaining({ MsgType: "event", product_id: "12345678901234567890", status: 1 }) },
    ]);
  });
  const safeParams = { token: "tok", "app-id": APP_ID, "aes-key": AES_KEY };
  test("a Mini Program (kind from the config): --body's JSON in the JSON envelope, the json answer decrypted from WeChat's JSON envelope", async () => {
    const { code, out, bodies } = await run(rawConfig({ kind: "mini-program", "wx-params": safeParams }), [
      "--body",
      join(FIXTURES, "mini-program/json/event-xpay_goods_deliver_notify.json"),
    ]);
    expect(code).toBe(0);
    expect(out).toContain("mini-program, json, safe mode");
    expect(out).toContain('← {"ErrCode":0,"ErrMsg":"success"}');
    expect(bodies.map((b) => [b.path, b.body.OutTradeNo])).toEqual([["/event/xpay_goods_deliver_notify", expect.any(String)]]);
  });
  test("a Mini Program with --format xml: the event built as XML, the transfer answer in XML", async () => {
    const { code, out } = await run(rawConfig({ kind: "mini-program", "wx-params": safeParams }), [
      "--format",
      "xml",
      "--event",
      "user_enter_tempsession",
      "--set",
      "SessionFrom=wxapp",
    ]);
    expect(code).toBe(0);
    expect(out).toContain("mini-program, xml, safe mode");
    expect(out).toContain("← transfer_customer_service:  [encrypted reply, signature ok]");
  });
  test("a WeCom app: msg_signature only, encrypted for the corp-id with its AgentID; the reply opened, 'no reply' shown as such", async () => {
    const wecom = { kind: "wecom", "wx-params": { token: "tok", "aes-key": AES_KEY, "corp-id": "ww0123456789abcdef", "agent-id": "1000002" } };
    const { code, out, bodies } = await run(rawConfig(wecom), ["--content", "hi WeCom", "--from", "zhangsan"]);
    expect(code).toBe(0);
    expect(out).toContain("wecom, xml, safe mode");
    expect(out).toContain("← text: backend says: hi WeCom [encrypted reply, signature ok]");
    expect(bodies).toEqual([
      { path: "/msg/text", body: expect.objectContaining({ ToUserName: "ww0123456789abcdef", FromUserName: "zhangsan", AgentID: "1000002" }) },
    ]);
    const enter = await run(rawConfig(wecom), ["--event", "enter_agent", "--set", "EventKey="]);
    expect(enter.out).toContain("← (empty: no reply)");
  });
  test("the message as WeChat writes it", () => {
    expect(buildMessageJson({ Event: "x", order_id: "3705115058471208928", note: 'a"b' })).toBe('{"Event":"x","order_id":3705115058471208928,"note":"a\\"b"}');
    expect(fieldsOfMessage('{"ToUserName":"gh","CreateTime":1,"order_info":{"order_id":1}}')).toEqual({ ToUserName: "gh", CreateTime: "1" });
    expect(fieldsOfMessage("<xml><FromUserName><![CDATA[o1]]></FromUserName><MsgType><![CDATA[text]]></MsgType></xml>")).toEqual({
      FromUserName: "o1",
      MsgType: "text",
    });
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
    const p = Bun.spawn([process.execPath, "src/main.ts", "simulate", "-c", file, "--url", gw.url, "--content", "via cli"], {
      cwd: resolve(import.meta.dir, "../.."),
      stdout: "pipe",
    });
    expect(await p.exited).toBe(0);
    expect(await new Response(p.stdout).text()).toContain("← text: got /msg/text");
  });
});
