/**
 * @module test/contract/fields
 * The integer and id fields come from the schemas (contract/fields): the sets SPEC §4.3 names, every
 * one of them enforced by the XML and Channels parsers and written bare by `simulate`, the schemas
 * saying the same (MsgDataId an id, ids at most 32 digits), and the role marker absent from the
 * exported JSON Schema.
 */
import { describe, expect, test } from "bun:test";
import { Type as t } from "@sinclair/typebox";
import { Value } from "@sinclair/typebox/value";
import { buildMessageXml } from "../../src/cli/simulate";
import { count, idString } from "../../src/contract/common";
import { channelsFields, fieldRoles, namesWith, xmlFields } from "../../src/contract/fields";
import { forwardedSchemas, genericChannelsEventSchema, genericEventSchema } from "../../src/contract/index";
import { toChannelsMessage } from "../../src/wechat/channels";
import { parseInboundXml } from "../../src/wechat/message";

const sorted = (names: Iterable<string>) => [...names].sort();
const xmlWith = (name: string, value: string) =>
  `<xml><ToUserName>gh</ToUserName><FromUserName>oU</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><Content>c</Content><Deep><${name}>${value}</${name}></Deep></xml>`;
const channelsWith = (name: string, raw: string) => `{"MsgType":"event","Event":"product_spu_audit","CreateTime":1,"audit":{"${name}":${raw}}}`;

describe("the fields SPEC §4.3 names, read off the schemas", () => {
  test("XML: CreateTime and the counts are integers; MsgId, MsgID and MsgDataId ids", () => {
    expect(sorted(namesWith(xmlFields, "integer"))).toEqual(
      sorted(["CreateTime", "Scale", "Count", "TotalCount", "FilterCount", "SentCount", "ErrorCount", "ResultCount"]),
    );
    expect(sorted(namesWith(xmlFields, "id"))).toEqual(["MsgDataId", "MsgID", "MsgId"]);
    expect(namesWith(xmlFields, "text-id").size).toBe(0);
  });

  test("Channels: the order, after-sale, product and SKU ids; out_product_id a merchant id", () => {
    expect(sorted(namesWith(channelsFields, "id"))).toEqual(["after_sale_order_id", "aftersale_id", "order_id", "product_id", "sku_id"]);
    expect([...namesWith(channelsFields, "text-id")]).toEqual(["out_product_id"]);
  });

  test("a role is found in nested objects, arrays and unions; one name with two roles is an error", () => {
    const nested = t.Object({ a: t.Optional(t.Union([t.Object({ n: count("n") }), t.Null()])), list: t.Array(t.Object({ i: idString("i") })) });
    expect([...fieldRoles([nested])]).toEqual([
      ["n", "integer"],
      ["i", "id"],
    ]);
    expect(() => fieldRoles([nested, t.Object({ n: idString("n") })])).toThrow(/n is both integer and id/);
  });

  test("the role marker does not show in the exported JSON Schema", () => {
    for (const schema of [...Object.values(forwardedSchemas), genericEventSchema, genericChannelsEventSchema]) {
      expect(JSON.stringify(schema)).not.toContain("field-role");
    }
  });
});

describe("the parsers enforce every marked field, at any depth", () => {
  test.each(sorted(xmlFields.keys()))("XML <%s>", (name) => {
    const good = parseInboundXml(xmlWith(name, "42")).Deep as Record<string, unknown>;
    expect(good[name]).toBe(xmlFields.get(name) === "integer" ? 42 : "42");
    expect(() => parseInboundXml(xmlWith(name, "4x2"))).toThrow(name);
  });

  test.each(sorted(namesWith(channelsFields, "id")))("Channels %s: a bare number keeps its digits, letters are refused", (name) => {
    expect((toChannelsMessage(channelsWith(name, "10000101186231")).audit as Record<string, unknown>)[name]).toBe("10000101186231");
    expect(() => toChannelsMessage(channelsWith(name, '"12ab"'))).toThrow(name);
  });

  test("Channels out_product_id: any string, and a bare number becomes its digits", () => {
    expect((toChannelsMessage(channelsWith("out_product_id", '"SKU-7"')).audit as Record<string, unknown>).out_product_id).toBe("SKU-7");
    expect((toChannelsMessage(channelsWith("out_product_id", "123")).audit as Record<string, unknown>).out_product_id).toBe("123");
  });
});

describe("the schemas say what the parsers do", () => {
  const textMessage = { ToUserName: "gh", FromUserName: "o", CreateTime: 1, MsgType: "text", Content: "c", MsgId: "1" };
  test("MsgDataId is an id; ids have 1 to 32 digits", () => {
    const schema = forwardedSchemas["/msg/text"]!;
    expect(Value.Check(schema, { ...textMessage, MsgDataId: "2247483647", Idx: "1" })).toBe(true);
    expect(Value.Check(schema, { ...textMessage, MsgDataId: "article-1", Idx: "1" })).toBe(false);
    expect(Value.Check(schema, { ...textMessage, MsgId: "9".repeat(32) })).toBe(true);
    expect(Value.Check(schema, { ...textMessage, MsgId: "9".repeat(33) })).toBe(false);
  });

  test("a generic Channels event with a product id as a number breaks its schema", () => {
    const event = { MsgType: "event", Event: "product_spu_audit", CreateTime: 1 };
    expect(Value.Check(genericChannelsEventSchema, { ...event, product_id: "10000101186231" })).toBe(true);
    expect(Value.Check(genericChannelsEventSchema, { ...event, product_id: 10000101186231 })).toBe(false);
  });
});

test("simulate writes integers and ids bare, as WeChat does, and other digits in CDATA", () => {
  const xml = buildMessageXml({ CreateTime: "1700000000", MsgId: "7362551834723893410", TotalCount: "3", Content: "42" });
  expect(xml).toBe(
    "<xml><CreateTime>1700000000</CreateTime><MsgId>7362551834723893410</MsgId><TotalCount>3</TotalCount><Content><![CDATA[42]]></Content></xml>",
  );
});
