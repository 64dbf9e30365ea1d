/**
 * @module test/contract/surfaces
 * The Mini Program and WeCom schemas (contract/mini-program, contract/wecom) against the samples:
 * every forwarded fixture validates against the schema of its backend path (TypeBox and ajv), every
 * schema has a fixture and accepts only its own type, XML-format Mini Program pushes validate too, and
 * bodies a careless parser would produce (64-bit ids as numbers, AgentID dropped) fail.
 */
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { TSchema } from "@sinclair/typebox";
import { Value } from "@sinclair/typebox/value";
import Ajv from "ajv";
import { jsonReplySchema, miniProgramSchemas } from "../../src/contract/mini-program";
import { genericWecomBodySchema, wecomSchemas } from "../../src/contract/wecom";
import { parseInboundXml } from "../../src/wechat/message";
import { pathOf, without } from "../_helpers/contract";

const FIXTURES = join(import.meta.dir, "../fixtures");
type Body = Record<string, unknown>;
const ajv = new Ajv({ strict: true, allErrors: true });
const errors = (schema: TSchema, body: unknown) => [...Value.Errors(schema, body)].map((e) => `${e.path} ${e.message}`);

function forwardedOf(dir: string): [string, Body][] {
  const path = join(FIXTURES, dir, "forwarded");
  return readdirSync(path).map((f) => [f, JSON.parse(readFileSync(join(path, f), "utf8")) as Body]);
}

const surfaces = [
  { name: "mini-program", schemas: miniProgramSchemas, bodies: forwardedOf("mini-program") },
  { name: "wecom", schemas: wecomSchemas, bodies: forwardedOf("wecom") },
];

describe.each(surfaces)("$name", ({ schemas, bodies }) => {
  test.each(bodies.filter(([, b]) => schemas[pathOf(b)]))("%s validates against the schema of its path (TypeBox and ajv)", (_name, body) => {
    const schema = schemas[pathOf(body)]!;
    expect(errors(schema, body)).toEqual([]);
    expect(ajv.validate(JSON.parse(JSON.stringify(schema)), body)).toBe(true);
  });

  test("every schema has a fixture and accepts only bodies of its own path", () => {
    for (const [path, schema] of Object.entries(schemas)) {
      const accepted = bodies.filter(([, b]) => Value.Check(schema, b)).map(([, b]) => pathOf(b));
      expect(accepted.length).toBeGreaterThan(0);
      expect(new Set(accepted)).toEqual(new Set([path]));
    }
  });

  test("a MsgId as a JSON number (what JSON.parse makes of WeChat's text) fails", () => {
    for (const [, body] of bodies.filter(([, b]) => typeof b.MsgId === "string")) {
      expect(Value.Check(schemas[pathOf(body)]!, { ...body, MsgId: Number(body.MsgId) })).toBe(false);
    }
  });
});

test("Mini Program pushes in XML format validate too: numbers arrive as digits", () => {
  const xml =
    "<xml><ToUserName><![CDATA[gh_1]]></ToUserName><FromUserName><![CDATA[o1]]></FromUserName><CreateTime>1714112445</CreateTime>" +
    "<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[xpay_goods_deliver_notify]]></Event><OpenId><![CDATA[o1]]></OpenId>" +
    "<OutTradeNo><![CDATA[vip_1]]></OutTradeNo><Env>0</Env><GoodsInfo><ProductId><![CDATA[vip]]></ProductId><Quantity>1</Quantity>" +
    "<OrigPrice>1200</OrigPrice><ActualPrice>1000</ActualPrice><Attach><![CDATA[]]></Attach></GoodsInfo></xml>";
  const body = JSON.parse(JSON.stringify(parseInboundXml(xml))) as Body;
  expect(errors(miniProgramSchemas["/event/xpay_goods_deliver_notify"]!, body)).toEqual([]);
  const page = JSON.parse(JSON.stringify(parseInboundXml(readFileSync(join(FIXTURES, "xml/msg-miniprogrampage.xml"), "utf8")))) as Body;
  expect(errors(miniProgramSchemas["/msg/miniprogrampage"]!, page)).toEqual([]);
});

test("WeCom bodies keep AgentID; without it a message or menu event fails, the generic schema still takes it", () => {
  for (const [name, body] of forwardedOf("wecom").filter(([n]) => !n.includes("change_contact"))) {
    expect([name, Value.Check(wecomSchemas[pathOf(body)]!, without(body, "AgentID"))]).toEqual([name, false]);
    expect(Value.Check(genericWecomBodySchema, without(body, "AgentID"))).toBe(true);
  }
});

test("the json reply: an object in json; the xpay answer validates", () => {
  expect(Value.Check(jsonReplySchema, { type: "json", json: { ErrCode: 0, ErrMsg: "success" } })).toBe(true);
  expect(Value.Check(jsonReplySchema, { type: "json", json: [0] })).toBe(false);
  expect(Value.Check(jsonReplySchema, { type: "text", json: {} })).toBe(false);
  expect(ajv.validate(JSON.parse(JSON.stringify(jsonReplySchema)), { type: "json", json: { ErrCode: 0 } })).toBe(true);
});
