import { expect, test } from "bun:test";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import Ajv from "ajv";
import { forwardedSchemas, miniProgramSchemas, wecomSchemas } from "../../src/contract/index";
import { contractProblems } from "../_helpers/fake-backend";

test("schema --out writes one file per type, the reply, OAuth2, and an index of every backend path", () => {
  const out = mkdtempSync(join(tmpdir(), "wxgw-schema-"));
  const p = Bun.spawnSync([process.execPath, "src/main.ts", "schema", "--out", out], { cwd: resolve(import.meta.dir, "../..") });
  expect(p.exitCode).toBe(0);
  const index = JSON.parse(readFileSync(join(out, "index.json"), "utf8"));
  expect(Object.keys(index.forwarded).sort()).toEqual(Object.keys(forwardedSchemas).sort());
  for (const path of ["/msg/text", "/msg/location", "/event/subscribe", "/event/CLICK", "/event/subscribe_msg_popup_event", "/event/channels_ec_order_pay"]) {
    expect(index.forwarded[path]).toBeDefined();
  }
  expect(Object.keys(index.endpoints)).toEqual(expect.arrayContaining(["WxQrQuery", "WxQrResponse", "SignJsapiBody", "TmplMsgBody"]));
  const files = readdirSync(out);
  // the files are a set of JSON Schemas (shared definitions are $ref'd by file name) a standard validator reads as one
  const ajv = new Ajv({ strict: false });
  for (const f of files.filter((name) => name.endsWith(".schema.json"))) ajv.addSchema(JSON.parse(readFileSync(join(out, f), "utf8")));
  const listed = [index.reply, index.oauth2Forward, index.channelsReply, index.contract, ...Object.values(index.fallback as Record<string, string>)];
  for (const map of [index.forwarded, index.endpoints, index.definitions]) listed.push(...Object.values(map as Record<string, string>));
  // every kind's bodies and replies: a Mini Program's and a WeCom app's own files (their other bodies may be the generic ones above)
  const surfaces = index.surfaces as Record<string, { forwarded: Record<string, string>; fallback: Record<string, string>; reply: string }>;
  expect(Object.keys(surfaces.wecom!.forwarded).sort()).toEqual(Object.keys(wecomSchemas).sort());
  expect(Object.keys(surfaces["mini-program"]!.forwarded).sort()).toEqual(Object.keys(miniProgramSchemas).sort());
  expect([surfaces["mini-program"]!.reply, surfaces.wecom!.reply, surfaces.wecom!.fallback.event]).toEqual([
    "mini-program-reply.schema.json",
    "wecom-reply.schema.json",
    "wecom._generic.schema.json",
  ]);
  for (const surface of Object.values(surfaces)) listed.push(...Object.values(surface.forwarded), ...Object.values(surface.fallback), surface.reply);
  for (const f of listed) {
    expect(files).toContain(f);
    const schema = JSON.parse(readFileSync(join(out, f), "utf8"));
    expect(schema.$schema).toContain("json-schema.org");
    expect(ajv.getSchema(f)).toBeDefined();
  }
  expect(files.length).toBe(new Set(listed).size + 1);
  const mpText = ajv.getSchema(surfaces["mini-program"]!.forwarded["/msg/miniprogrampage"]!)!;
  expect(
    mpText({
      ToUserName: "gh",
      FromUserName: "o",
      CreateTime: 1,
      MsgType: "miniprogrampage",
      MsgId: "1",
      Title: "t",
      AppId: "wx1",
      PagePath: "p",
      ThumbUrl: "",
      ThumbMediaId: "",
    }),
  ).toBe(true);
  const wecomReply = ajv.getSchema(surfaces.wecom!.reply)!;
  expect([wecomReply({ type: "news", articles: [{ title: "t", description: "d", picUrl: "p", url: "u" }] }), wecomReply({ type: "music" })]).toEqual([
    true,
    false,
  ]);
  const validate = ajv.getSchema(index.forwarded["/msg/text"])!;
  expect(validate({ ToUserName: "gh", FromUserName: "o", CreateTime: 1, MsgType: "text", Content: "hi", MsgId: "9223372036854775807" })).toBe(true);
  expect(validate({ ToUserName: "gh", FromUserName: "o", CreateTime: 1, MsgType: "text", Content: "hi", MsgId: 9223372036854775807 })).toBe(false);
});

test("the fake backend's contract check catches a body that breaks its schema", () => {
  expect(contractProblems("/msg/text", { ToUserName: "gh", FromUserName: "o", CreateTime: "1", MsgType: "text", Content: "x", MsgId: "1" })).not.toEqual([]);
  expect(contractProblems("/msg/text", { ToUserName: "gh", FromUserName: "o", CreateTime: 1, MsgType: "text", Content: "x", MsgId: "1" })).toEqual([]);
});

test("the fake backend checks a body against its service kind's schema: a WeCom text needs AgentID, a Mini Program's xpay notification its OutTradeNo", () => {
  const text = { ToUserName: "ww1", FromUserName: "zhangsan", CreateTime: 1, MsgType: "text", Content: "x", MsgId: "1" };
  expect(contractProblems("/msg/text", text)).toEqual([]);
  expect(contractProblems("/msg/text", text, "wecom")).toEqual(["/msg/text / must have required property 'AgentID'"]);
  expect(contractProblems("/msg/text", { ...text, AgentID: "1000002" }, "wecom")).toEqual([]);
  const xpay = { ToUserName: "gh", FromUserName: "o", CreateTime: 1, MsgType: "event", Event: "xpay_coin_pay_notify", OpenId: "o", Env: 0 };
  expect(contractProblems("/event/xpay_coin_pay_notify", xpay)).toEqual([]);
  expect(contractProblems("/event/xpay_coin_pay_notify", xpay, "mini-program")).toContain(
    "/event/xpay_coin_pay_notify / must have required property 'OutTradeNo'",
  );
});
