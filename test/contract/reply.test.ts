/**
 * @module test/contract/reply
 * The reply and OAuth2 schemas with valid and invalid examples (TypeBox and ajv), the agreement of the
 * reply schema with what the gateway does with a reply (wechat/reply-normalize: both ways), and
 * schemaForPath's lookup rules.
 */
import { describe, expect, test } from "bun:test";
import type { TSchema } from "@sinclair/typebox";
import { Value } from "@sinclair/typebox/value";
import Ajv from "ajv";
import {
  type BackendReply,
  backendReplySchema,
  channelsReplySchema,
  forwardedSchemas,
  genericChannelsEventSchema,
  genericEventSchema,
  genericMessageSchema,
  type OAuth2Forward,
  oauth2ForwardSchema,
  schemaForPath,
} from "../../src/contract/index";
import { normalizeReply } from "../../src/wechat/reply";
import { walkSchemas } from "../_helpers/contract";

const ajv = new Ajv({ strict: true, allErrors: true });
const both = (schema: TSchema, value: unknown) => {
  const typebox = Value.Check(schema, value);
  expect(ajv.validate(JSON.parse(JSON.stringify(schema)), value)).toBe(typebox);
  return typebox;
};

const article = { title: "标题", description: "描述", picUrl: "https://example.com/a.jpg", url: "https://example.com/a" };
const validReplies: BackendReply[] = [
  { msg: "你好 😀" },
  { type: "", msg: "type unset, as a Go struct writes it" },
  { type: null, msg: "type null" },
  { type: "text", msg: "hi ]]> there" },
  { type: "image", msg: "MEDIA_ID" },
  { type: "voice", msg: "MEDIA_ID" },
  { type: "video", msg: "MEDIA_ID" },
  { type: "video", msg: "MEDIA_ID", title: "t", desc: "d" },
  { type: "music", title: "t", desc: "d", musicUrl: "https://example.com/m.mp3", hqMusicUrl: "https://example.com/hq.mp3", thumbMediaId: "THUMB" },
  { type: "music" },
  { type: "news", articles: [article] },
  { type: "news", articles: Array.from({ length: 8 }, () => article) },
  { type: "transfer_customer_service" },
  { type: "transfer_customer_service", kfAccount: "kf2001@gh_4d00ed8d6399" },
  { type: "success" },
];

const invalidReplies: [string, unknown][] = [
  ["no msg for text", {}],
  ["msg as a number", { msg: 5 }],
  ["image without msg", { type: "image" }],
  ["unknown type", { type: "file", msg: "x" }],
  ["news without articles", { type: "news" }],
  ["news with no article", { type: "news", articles: [] }],
  ["news with 9 articles", { type: "news", articles: Array.from({ length: 9 }, () => article) }],
  ["article without url", { type: "news", articles: [{ title: "t", description: "d", picUrl: "p" }] }],
  ["kfAccount as a number", { type: "transfer_customer_service", kfAccount: 1 }],
  ["a JSON array", [{ msg: "x" }]],
  ["a string", "success"],
];

describe("BackendReply", () => {
  test.each(validReplies.map((r) => [JSON.stringify(r), r] as const))("valid: %s", (_label, reply) => {
    expect(both(backendReplySchema, reply)).toBe(true);
  });

  test.each(invalidReplies)("invalid: %s", (_label, reply) => {
    expect(both(backendReplySchema, reply)).toBe(false);
  });

  test("a reply valid by the schema is one the gateway sends as that type", () => {
    for (const reply of validReplies) {
      const normalized = normalizeReply(reply);
      expect(typeof normalized).toBe("object");
      expect((normalized as { type: string }).type).toBe(reply.type || "text");
    }
  });

  test("a reply the schema refuses, the gateway refuses too, with a reason", () => {
    for (const [label, reply] of invalidReplies) expect([label, typeof normalizeReply(reply)]).toEqual([label, "string"]);
  });

  test("extra fields are allowed (a backend written for the Go original may send more)", () => {
    expect(both(backendReplySchema, { type: "text", msg: "hi", traceId: "abc" })).toBe(true);
  });

  test("Channels reply: msg optional, a string when present", () => {
    expect(both(channelsReplySchema, {})).toBe(true);
    expect(both(channelsReplySchema, { msg: "ok" })).toBe(true);
    expect(both(channelsReplySchema, { msg: 1 })).toBe(false);
  });
});

describe("OAuth2Forward", () => {
  const body: OAuth2Forward = {
    requestURI: "/redirect?code=061Abc&state=menu1",
    appId: "wx1234567890abcdef",
    openId: "oV5CrjpxgaGXNHIQigzNlgLTnwic",
    state: "menu1",
    userInfo: { openid: "oV5CrjpxgaGXNHIQigzNlgLTnwic", nickname: "张三", headimgurl: "https://thirdwx.qlogo.cn/x/132" },
    userInfoError: "",
  };

  test("valid with userInfo, and with userInfo null and an error", () => {
    expect(both(oauth2ForwardSchema, body)).toBe(true);
    expect(both(oauth2ForwardSchema, { ...body, userInfo: null, userInfoError: "errcode 48001: api unauthorized" })).toBe(true);
  });

  test("invalid without state, with a numeric openId, or without userInfoError", () => {
    const { state: _, ...noState } = body;
    expect(both(oauth2ForwardSchema, noState)).toBe(false);
    expect(both(oauth2ForwardSchema, { ...body, openId: 1 })).toBe(false);
    const { userInfoError: __, ...noError } = body;
    expect(both(oauth2ForwardSchema, noError)).toBe(false);
  });

  test("the reply and OAuth2 schemas are titled, described and open", () => {
    for (const schema of [backendReplySchema, channelsReplySchema, oauth2ForwardSchema]) {
      const json = JSON.parse(JSON.stringify(schema)) as Record<string, unknown>;
      expect(json.$id).toBeUndefined();
      for (const node of walkSchemas(json)) {
        if (node.type !== "object" && node.anyOf === undefined) continue;
        expect(typeof node.description).toBe("string");
        if (node.type === "object") expect([node.title, node.additionalProperties]).toEqual([expect.any(String), true]);
      }
    }
  });
});

describe("schemaForPath", () => {
  test("own schemas by path, ignoring a msg-proxy-pass prefix and a query", () => {
    expect(schemaForPath("/msg/text")).toBe(forwardedSchemas["/msg/text"]!);
    expect(schemaForPath("/event/CLICK")).toBe(forwardedSchemas["/event/CLICK"]!);
    expect(schemaForPath("http://backend:8080/wx/msg/text?x=1")).toBe(forwardedSchemas["/msg/text"]!);
    expect(schemaForPath("/event/channels_ec_order_pay")).toBe(forwardedSchemas["/event/channels_ec_order_pay"]!);
  });

  test("event names are case-sensitive, as WeChat spells them", () => {
    expect(schemaForPath("/event/click")).toBe(genericEventSchema);
    expect(schemaForPath("/event/location")).toBe(genericEventSchema);
  });

  test("unknown types fall back to the generic schemas", () => {
    expect(schemaForPath("/msg/miniprogrampage")).toBe(genericMessageSchema);
    expect(schemaForPath("/event/user_info_modified")).toBe(genericEventSchema);
    expect(schemaForPath("/event/product_spu_audit", { channels: true })).toBe(genericChannelsEventSchema);
  });

  test("anything but /msg/<type> or /event/<Event> is an error", () => {
    for (const path of ["/foo", "/msg/", "/event", "/msg/text/extra", ""]) expect(() => schemaForPath(path)).toThrow(/not a backend path/);
  });
});
