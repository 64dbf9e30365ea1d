/**
 * @module test/contract/schemas
 * The backend contract against the real samples: every expected forwarded body validates against the
 * schema of its backend path (TypeBox and ajv, which reads the exported JSON Schema), mutated bodies
 * fail, each specific schema accepts only its own type, replies and the OAuth2 body validate, and the
 * schemas are plain JSON Schema (titled, described, open to new WeChat fields).
 */
import { describe, expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import type { TSchema } from "@sinclair/typebox";
import { Value } from "@sinclair/typebox/value";
import Ajv from "ajv";
import { forwardedSchemas, genericChannelsEventSchema, genericEventSchema, genericMessageSchema, schemaForPath } from "../../src/contract/index";
import { pathOf, walkSchemas, without } from "../_helpers/contract";

const FIXTURES = join(import.meta.dir, "../fixtures");
const names = (dir: string, ext: string) =>
  readdirSync(join(FIXTURES, dir))
    .filter((f) => f.endsWith(ext))
    .map((f) => f.slice(0, -ext.length))
    .sort();
const xmlNames = names("xml", ".xml");
const channelsNames = names("channels", ".json");
type Body = Record<string, unknown>;
const forwarded = async (name: string): Promise<Body> => (await Bun.file(join(FIXTURES, "forwarded", `${name}.json`)).json()) as Body;
const ajv = new Ajv({ strict: true, allErrors: true });
const ajvCheck = (schema: TSchema, body: unknown) => ajv.validate(JSON.parse(JSON.stringify(schema)), body);
const schemaOf = (name: string, body: Body) => schemaForPath(pathOf(body), { channels: channelsNames.includes(name) });

const cases = [...xmlNames, ...channelsNames];

describe("forwarded fixtures", () => {
  test("every XML and Channels fixture has its expected forwarded body", () => {
    expect(xmlNames.length).toBeGreaterThanOrEqual(30);
    expect(names("forwarded", ".json")).toEqual([...cases].sort());
  });

  test.each(cases)("%s validates against the schema of its backend path (TypeBox and ajv)", async (name) => {
    const body = await forwarded(name);
    const schema = schemaOf(name, body);
    expect([...Value.Errors(schema, body)].map((e) => `${e.path} ${e.message}`)).toEqual([]);
    expect(ajvCheck(schema, body)).toBe(true);
  });

  test.each(xmlNames)("%s still validates with userInfo appended, or with userInfo null and an error", async (name) => {
    const body = await forwarded(name);
    const schema = schemaOf(name, body);
    const info = { subscribe: 1, openid: body.FromUserName, language: "zh_CN", subscribe_time: 1700000000, tagid_list: [2, 100], someNewField: "kept" };
    expect(Value.Check(schema, { ...body, userInfo: info, userInfoError: "" })).toBe(true);
    expect(Value.Check(schema, { ...body, userInfo: null, userInfoError: "api unauthorized" })).toBe(true);
    expect(Value.Check(schema, { ...body, userInfo: "oops" })).toBe(false);
  });

  test("every schema of its own has at least one fixture, and unknown types fall back to the generic schemas", async () => {
    const used = new Set<string>();
    for (const name of cases) used.add(pathOf(await forwarded(name)));
    expect(Object.keys(forwardedSchemas).filter((path) => !used.has(path))).toEqual([]);
    expect(schemaOf("msg-miniprogrampage", await forwarded("msg-miniprogrampage"))).toBe(genericMessageSchema);
    expect(schemaForPath("/event/user_info_modified")).toBe(genericEventSchema);
    expect(Value.Check(genericEventSchema, { ...(await forwarded("event-view_miniprogram")), Event: "user_info_modified" })).toBe(true);
    expect(schemaOf("channels_ec_order_new", await forwarded("channels_ec_order_new"))).toBe(genericChannelsEventSchema);
  });

  test("each specific schema accepts its own type only", async () => {
    const bodies = await Promise.all(cases.map(async (name) => ({ name, body: await forwarded(name) })));
    for (const [path, schema] of Object.entries(forwardedSchemas)) {
      const accepted = bodies.filter(({ body }) => Value.Check(schema, body)).map(({ body }) => pathOf(body));
      expect(accepted.length).toBeGreaterThan(0);
      expect(new Set(accepted)).toEqual(new Set([path]));
    }
  });
});

describe("mutated bodies fail", () => {
  const mutations: [string, (b: Body) => void][] = [
    ["MsgId as a number", (b) => (b.MsgId = Number(b.MsgId))],
    ["CreateTime as a string", (b) => (b.CreateTime = String(b.CreateTime))],
    ["FromUserName missing", (b) => delete b.FromUserName],
  ];
  const messages = xmlNames.filter((n) => n.startsWith("msg-"));
  for (const [what, mutate] of mutations) {
    test.each(messages)(`${what}: %s`, async (name) => {
      const body = await forwarded(name);
      mutate(body);
      expect(Value.Check(schemaOf(name, body), body)).toBe(false);
      expect(ajvCheck(schemaOf(name, body), body)).toBe(false);
    });
  }

  test("counts as strings, MsgID as a number, a one-entry item list collapsed to an object", async () => {
    const mass = await forwarded("event-MASSSENDJOBFINISH-sent");
    const check = (b: Body) => Value.Check(schemaForPath("/event/MASSSENDJOBFINISH"), b);
    expect(check(mass)).toBe(true);
    expect(check({ ...mass, SentCount: "75" })).toBe(false);
    expect(check({ ...mass, MsgID: 1988 })).toBe(false);
    const copyright = mass.CopyrightCheckResult as { ResultList: { item: unknown[] } };
    expect(check({ ...mass, CopyrightCheckResult: { ...copyright, ResultList: { item: copyright.ResultList.item[0] } } })).toBe(false);
    // an empty <ResultList></ResultList> is parsed as "", which the contract allows
    expect(check({ ...mass, CopyrightCheckResult: { Count: 0, ResultList: "", CheckState: "3" } })).toBe(true);

    const pics = await forwarded("event-pic_sysphoto");
    const info = pics.SendPicsInfo as { PicList: { item: unknown[] } };
    expect(Value.Check(schemaForPath("/event/pic_sysphoto"), { ...pics, SendPicsInfo: { ...info, PicList: { item: info.PicList.item[0] } } })).toBe(false);
    expect(Value.Check(schemaForPath("/event/pic_sysphoto"), without(pics, "PicList"))).toBe(false);
  });

  test("subscription, publishing and Shake Nearby events: one-entry lists stay lists, ids stay strings", async () => {
    const sent = await forwarded("event-subscribe_msg_sent_event");
    const sentCheck = (b: Body) => Value.Check(schemaForPath("/event/subscribe_msg_sent_event"), b);
    const list = (sent.SubscribeMsgSentEvent as { List: Body[] }).List;
    expect(sentCheck(sent)).toBe(true);
    expect(sentCheck({ ...sent, SubscribeMsgSentEvent: { List: list[0] } })).toBe(false);
    expect(sentCheck({ ...sent, SubscribeMsgSentEvent: { List: [{ ...list[0], MsgID: Number(list[0]!.MsgID) }] } })).toBe(false);

    const published = await forwarded("event-PUBLISHJOBFINISH");
    const info = published.PublishEventInfo as { article_detail: { count: string; item: unknown[] } };
    const pubCheck = (i: unknown) => Value.Check(schemaForPath("/event/PUBLISHJOBFINISH"), { ...published, PublishEventInfo: i });
    expect(pubCheck({ ...info, article_detail: { ...info.article_detail, item: info.article_detail.item[0] } })).toBe(false);
    // <fail_idx> repeats without a list element around it: one string for one failure, an array for several
    expect(pubCheck({ publish_id: "1", publish_status: "2", fail_idx: "1" })).toBe(true);
    expect(pubCheck({ publish_id: "1", publish_status: "2", fail_idx: ["1", "2"] })).toBe(true);

    const shake = await forwarded("event-ShakearoundUserShake");
    const beacons = (shake.AroundBeacons as { AroundBeacon: unknown[] }).AroundBeacon;
    const shakeCheck = (b: Body) => Value.Check(schemaForPath("/event/ShakearoundUserShake"), b);
    expect(shakeCheck({ ...shake, AroundBeacons: { AroundBeacon: beacons[0] } })).toBe(true);
    expect(shakeCheck({ ...shake, AroundBeacons: "" })).toBe(true);
    expect(shakeCheck(without(shake, "ChosenBeacon"))).toBe(false);
  });

  test.each(["event-user_get_card", "event-kf_switch_session", "event-card_pay_order", "event-qualification_verify_fail"])(
    "%s without its own fields fails",
    async (name) => {
      const body = await forwarded(name);
      const own = Object.keys(body).filter((k) => !["ToUserName", "FromUserName", "CreateTime", "MsgType", "Event"].includes(k));
      const schema = schemaOf(name, body);
      expect(Value.Check(schema, body)).toBe(true);
      expect(own.length).toBeGreaterThan(0);
      expect(Value.Check(schema, without(body, own[0]!))).toBe(false);
      expect(Value.Check(genericEventSchema, without(body, own[0]!))).toBe(true);
    },
  );

  test("Channels ids as JSON numbers (what JSON.parse makes of the raw body) fail", async () => {
    for (const name of channelsNames.filter((n) => n !== "channels_ec_order_new")) {
      const raw = JSON.parse(await Bun.file(join(FIXTURES, "channels", `${name}.json`)).text()) as Body;
      expect(Value.Check(schemaOf(name, raw), raw)).toBe(false);
    }
  });
});

describe("schemas are plain, documented JSON Schema", () => {
  const all: [string, TSchema][] = [
    ...Object.entries(forwardedSchemas),
    ["generic message", genericMessageSchema],
    ["generic event", genericEventSchema],
    ["generic Channels event", genericChannelsEventSchema],
  ];

  test.each(all)("%s: titled, described, open objects, no $id, compiles in ajv strict mode", (_path, schema) => {
    const json = JSON.parse(JSON.stringify(schema)) as Record<string, unknown>;
    expect(json.$id).toBeUndefined();
    expect(typeof json.title).toBe("string");
    expect(typeof json.description).toBe("string");
    for (const node of walkSchemas(json)) {
      if (node.type !== "object") continue;
      expect({ at: node.title, additionalProperties: node.additionalProperties }).toEqual({ at: node.title, additionalProperties: true });
      expect(typeof node.title).toBe("string");
      expect(typeof node.description).toBe("string");
    }
    expect(() => ajv.compile(json)).not.toThrow();
  });
});
