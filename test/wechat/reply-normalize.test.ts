/**
 * @module test/wechat/reply-normalize
 * The backend's answer → the reply sent (wechat/reply-normalize): what the gateway sends for each
 * reply type (the schema's fields only, optional strings ""), an empty msg as a deliberate "no reply",
 * and the reasons for answering success instead, which name the field and never quote the value; a
 * surface's own reply union normalised the same way.
 */
import { describe, expect, test } from "bun:test";
import { type TSchema, Type as t } from "@sinclair/typebox";
import { jsonReplySchema } from "../../src/contract/mini-program";
import { backendReplySchema } from "../../src/contract/reply";
import { normalizeReply, replyNormalizer } from "../../src/wechat/reply-normalize";

const article = { title: "t", description: "d", picUrl: "p", url: "u" };

describe("valid replies", () => {
  test("type left out, empty or null is text", () => {
    for (const type of [undefined, "", null, "text"]) expect(normalizeReply({ type, msg: "hi" })).toStrictEqual({ type: "text", msg: "hi" });
  });

  test("only the schema's fields are sent; optional strings absent are ''", () => {
    expect(normalizeReply({ type: "video", msg: "M", traceId: "x" })).toStrictEqual({ type: "video", msg: "M", title: "", desc: "" });
    expect(normalizeReply({ type: "music", title: "T" })).toStrictEqual({
      type: "music",
      title: "T",
      desc: "",
      musicUrl: "",
      hqMusicUrl: "",
      thumbMediaId: "",
    });
    expect(normalizeReply({ type: "transfer_customer_service" })).toStrictEqual({ type: "transfer_customer_service", kfAccount: "" });
    expect(normalizeReply({ type: "news", articles: [{ ...article, extra: 1 }, article] })).toStrictEqual({ type: "news", articles: [article, article] });
  });

  test("an empty msg is a deliberate 'no reply'; type success too", () => {
    for (const type of ["text", "image", "voice", "video"]) {
      expect(normalizeReply({ type, msg: "" })).toStrictEqual({ type: "success", why: `empty msg for ${type} reply` });
    }
    expect(normalizeReply({ type: "success", msg: "ignored" })).toStrictEqual({ type: "success", why: "backend asked for success" });
  });
});

describe("refused replies: the reason names what is wrong, never the value", () => {
  const cases: [unknown, string][] = [
    [[{ msg: "x" }], "reply is not a JSON object"],
    ["success", "reply is not a JSON object"],
    [null, "reply is not a JSON object"],
    [{ type: "hologram", msg: "x" }, 'unknown reply type "hologram"'],
    [{ type: 5, msg: "x" }, "unknown reply type 5"],
    [{ type: "news" }, "news reply needs 1 to 8 articles"],
    [{ type: "news", articles: [] }, "news reply needs 1 to 8 articles"],
    [{ type: "news", articles: Array.from({ length: 9 }, () => article) }, "news reply needs 1 to 8 articles"],
    [{ type: "news", articles: "SECRET" }, "news reply needs 1 to 8 articles"],
    [{ type: "news", articles: [article, { title: "t", description: "d", picUrl: "p" }] }, "news reply: articles.1.url: Expected required property"],
    [{}, "text reply: msg: Expected required property"],
    [{ msg: 5 }, "text reply: msg: Expected string"],
    [{ type: "image" }, "image reply: msg: Expected required property"],
    [{ type: "video", msg: "SECRET", title: 7 }, "video reply: title: Expected string"],
    [{ type: "transfer_customer_service", kfAccount: 1 }, "transfer_customer_service reply: kfAccount: Expected string"],
  ];
  test.each(cases.map(([body, reason]) => [JSON.stringify(body), body, reason] as const))("%s", (_label, body, reason) => {
    expect(normalizeReply(body)).toBe(reason);
  });
});

test("every optional field of a reply type is a string (the gateway sends '' for it when absent)", () => {
  const optional: string[] = [];
  const visit = (schema: TSchema): void => {
    for (const [name, property] of Object.entries((schema.properties ?? {}) as Record<string, TSchema>)) {
      if (name !== "type" && !(schema.required as string[] | undefined)?.includes(name)) optional.push(`${name}:${property.type}`);
      visit(property.type === "array" ? (property.items as TSchema) : property);
    }
  };
  for (const member of backendReplySchema.anyOf) visit(member);
  expect(optional.length).toBeGreaterThan(5);
  for (const field of optional) expect(field).toEndWith(":string");
});

test("a surface's reply union (the Official Account replies and the json reply) is normalised by the same rules", () => {
  const normalize = replyNormalizer(t.Union([...backendReplySchema.anyOf, jsonReplySchema]));
  expect(normalize({ type: "json", json: { ErrCode: 0, ErrMsg: "success" }, extra: 1 })).toStrictEqual({
    type: "json",
    json: { ErrCode: 0, ErrMsg: "success" },
  });
  expect(normalize({ type: "json", json: ["SECRET"] })).toBe("json reply: json: Expected object");
  expect(normalize({ msg: "hi" })).toStrictEqual({ type: "text", msg: "hi" });
  expect(normalizeReply({ type: "json", json: {} })).toBe('unknown reply type "json"');
});
