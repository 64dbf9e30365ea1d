/**
 * @module test/contract/export
 * The exported JSON Schema files are friendly to code generators: `$id` = file name, every object
 * titled, one shape per title, objects used in several places written once and referenced, every
 * field described, discriminators as `const`, and the bundle names every type; ajv reads the files
 * as a set and every forwarded fixture validates against the file of its path.
 */
import { describe, expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { Type as t } from "@sinclair/typebox";
import Ajv from "ajv";
import { exportContract, type JsonSchema, titledShapes } from "../../src/contract/export";
import { pathOf } from "../_helpers/contract";

const { files, index } = exportContract();
const FORWARDED = join(import.meta.dir, "../fixtures/forwarded");
const isNode = (v: unknown): v is JsonSchema => typeof v === "object" && v !== null && !Array.isArray(v);

/** Every subschema with the path to it. */
function* nodes(node: JsonSchema, at = ""): Generator<[string, JsonSchema]> {
  yield [at, node];
  for (const [key, value] of Object.entries(node)) {
    if (key === "properties" || key === "patternProperties" || key === "definitions") {
      for (const [name, child] of Object.entries(value as JsonSchema)) if (isNode(child)) yield* nodes(child, `${at}/${name}`);
    } else if (Array.isArray(value)) {
      for (const [i, child] of value.entries()) if (isNode(child)) yield* nodes(child, `${at}/${key}[${i}]`);
    } else if (isNode(value) && (key === "items" || key === "additionalProperties")) yield* nodes(value, `${at}/${key}`);
  }
}
const everyNode = () => [...files].flatMap(([file, doc]) => [...nodes(doc)].map(([at, node]) => ({ file, at, node })));

describe("the export", () => {
  test("each file's $id is its name, titled, and every $ref names a written file", () => {
    for (const [file, doc] of files) {
      expect(doc.$id).toBe(file);
      expect(typeof doc.title).toBe("string");
    }
    const refs = everyNode().flatMap(({ node }) => (typeof node.$ref === "string" ? [node.$ref] : []));
    expect(refs.length).toBeGreaterThan(50);
    for (const ref of refs) expect(files.has(ref)).toBe(true);
  });

  test("every object is titled, one title is one type (a file or one place), every field is described", () => {
    const places = new Map<string, string[]>();
    for (const { file, at, node } of everyNode()) {
      if (node.type === "object" && node.properties) {
        expect({ file, at, title: node.title }).toEqual({ file, at, title: expect.any(String) });
        places.set(node.title as string, [...(places.get(node.title as string) ?? []), `${file}${at}`]);
      }
      for (const [name, property] of Object.entries((node.properties ?? {}) as Record<string, JsonSchema>)) {
        const described =
          typeof property.description === "string" || (typeof property.$ref === "string" && typeof files.get(property.$ref)?.description === "string");
        expect({ file, field: `${at}/${name}`, described }).toEqual({ file, field: `${at}/${name}`, described: true });
      }
    }
    for (const [title, where] of places) expect({ title, where: where.length }).toEqual({ title, where: 1 });
  });

  test("schemas used in several places are written once and referenced: UserInfo, SendPicsInfo, ScanCodeInfo, EventMsgType", () => {
    expect(Object.keys(index.definitions)).toEqual(expect.arrayContaining(["UserInfo", "SendPicsInfo", "ScanCodeInfo", "EventMsgType"]));
    const text = files.get(index.forwarded["/msg/text"]!)!;
    const userInfo = (text.properties as Record<string, JsonSchema>).userInfo!;
    expect(userInfo.anyOf).toEqual([{ $ref: "def.UserInfo.schema.json" }, { type: "null" }]);
    expect((files.get(index.oauth2Forward)!.properties as Record<string, JsonSchema>).userInfo!.anyOf).toContainEqual({ $ref: "def.UserInfo.schema.json" });
    expect(files.get("def.UserInfo.schema.json")!.title).toBe("UserInfo");
  });

  test("discriminators are const: MsgType per message, MsgType and Event per event", () => {
    const resolve = (node: JsonSchema) => (typeof node.$ref === "string" ? files.get(node.$ref)! : node);
    for (const [path, file] of Object.entries(index.forwarded)) {
      const props = files.get(file)!.properties as Record<string, JsonSchema>;
      const [, kind, type] = /^\/(msg|event)\/(.+)$/.exec(path)!;
      expect(resolve(props.MsgType!).const).toBe(kind === "msg" ? type : "event");
      if (kind === "event") expect({ path, Event: props.Event!.const }).toEqual({ path, Event: type });
    }
    // every event's MsgType is one type (EventMsgType), not one per event
    expect((files.get(index.forwarded["/event/CLICK"]!)!.properties as Record<string, JsonSchema>).MsgType).toEqual({ $ref: "def.EventMsgType.schema.json" });
  });

  test("contract.schema.json names every type and the unions of messages and events", () => {
    const definitions = files.get(index.contract)!.definitions as Record<string, JsonSchema>;
    for (const [file, doc] of files) if (file !== index.contract) expect(definitions[doc.title as string]).toEqual({ $ref: file });
    expect(definitions.WechatMessage!.anyOf).toContainEqual({ $ref: index.forwarded["/msg/text"] });
    expect(definitions.WechatEvent!.anyOf).toContainEqual({ $ref: index.fallback.event });
    expect(definitions.ChannelsEvent!.anyOf).toContainEqual({ $ref: index.forwarded["/event/channels_ec_order_pay"] });
  });

  test("one title naming two shapes is refused", () => {
    const a = t.Object({ x: t.String() }, { title: "Same" });
    const b = t.Object({ y: t.String() }, { title: "Same" });
    const plain = (s: unknown) => JSON.parse(JSON.stringify(s)) as JsonSchema;
    expect(() => titledShapes([plain(t.Object({ a, b }))])).toThrow("the title Same names two different schemas");
    expect(titledShapes([plain(t.Object({ a, again: a }))]).get("Same")!.uses).toBe(2);
  });

  test("ajv reads the files as a set; every forwarded fixture validates against the file of its path", async () => {
    const ajv = new Ajv({ strict: false });
    for (const doc of files.values()) ajv.addSchema(doc);
    for (const file of files.keys()) expect(ajv.getSchema(file)).toBeDefined();
    for (const name of readdirSync(FORWARDED)) {
      const body = (await Bun.file(join(FORWARDED, name)).json()) as Record<string, unknown>;
      const file =
        index.forwarded[pathOf(body)] ??
        (name.startsWith("channels_") ? index.fallback.channelsEvent : index.fallback[body.MsgType === "event" ? "event" : "msg"]);
      const validate = ajv.getSchema(file)!;
      expect({ name, valid: validate({ ...body, userInfo: { subscribe: 1, openid: "o", tagid_list: [] }, userInfoError: "" }) }).toEqual({ name, valid: true });
      expect({ name, valid: validate({ ...body, CreateTime: String(body.CreateTime) }) }).toEqual({ name, valid: false });
    }
  });
});
