/**
 * WeCom (企业微信) app services through the real gateway (SPEC §8): WeCom's published sample replayed
 * byte for byte (the encrypted-echostr verification and the message POST), forwarding as for an
 * Official Account with AgentID kept, replies always encrypted (opened with WeCom's own `@wecom/crypto`),
 * "no reply" an empty body, refusals with nothing forwarded, and retries deduplicated.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { Value } from "@sinclair/typebox/value";
import { getSignature, decrypt as wecomDecrypt, encrypt as wecomEncrypt } from "@wecom/crypto";
import { genericWecomBodySchema, wecomSchemas } from "../../src/contract/wecom";
import { makeConfig } from "../_helpers/config";
import { startFakeBackend } from "../_helpers/fake-backend";
import { startGateway } from "../_helpers/gateway";
import { readReplyEnvelope } from "../_helpers/wechat";
import samples from "../fixtures/wecom/samples.json";

const DIR = join(import.meta.dir, "../fixtures/wecom");
const { token, encodingAesKey: aesKey, corpId } = samples;
const backend = startFakeBackend("/biz", { kind: "wecom" });
const wecomService = (extra: Record<string, unknown> = {}) =>
  makeConfig({
    kind: "wecom",
    "msg-proxy-pass": backend.url,
    "wx-params": { token, "aes-key": aesKey, "corp-id": corpId, "agent-id": "218", "app-secret": "s" },
    ...extra,
  });
const gw = startGateway(wecomService());
afterAll(() => {
  gw.stop();
  backend.stop();
});

const sampleBody = await Bun.file(join(DIR, samples.callback.body)).text();
let nonce = 1_000;

/** A POST as WeCom sends it: `xml` encrypted for `receiveId`, signed with msg_signature only. */
function wecomPost(xml: string, opts: { receiveId?: string; signatureToken?: string; encrypt?: string } = {}): Request {
  const encrypt = opts.encrypt ?? wecomEncrypt(aesKey, xml, opts.receiveId ?? corpId);
  const timestamp = "1409659813";
  const n = String(++nonce);
  const msgSignature = getSignature(opts.signatureToken ?? token, timestamp, n, encrypt);
  const body = `<xml><ToUserName><![CDATA[${corpId}]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt><AgentID><![CDATA[218]]></AgentID></xml>`;
  return new Request(`${gw.url}/wx?msg_signature=${msgSignature}&timestamp=${timestamp}&nonce=${n}`, { method: "POST", body });
}

/** The reply envelope's plaintext, after checking its signature as WeCom does. */
function openReply(body: string): string {
  const env = readReplyEnvelope(body);
  if (!env) throw new Error(`not an encrypted reply envelope: ${body}`);
  expect(getSignature(token, env.timeStamp, env.nonce, env.encrypt)).toBe(env.msgSignature);
  const { message, id } = wecomDecrypt(aesKey, env.encrypt);
  expect(id).toBe(corpId);
  return message;
}

const event = (name: string, fields: string, time = 1403610513) =>
  `<xml><ToUserName><![CDATA[${corpId}]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName><CreateTime>${time}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[${name}]]></Event>${fields}<AgentID>218</AgentID></xml>`;

describe("WeCom's published sample through the gateway", () => {
  test("URL verification answers the echostr's plaintext, nothing else", async () => {
    const res = await fetch(`${gw.url}/wx?${samples.verifyUrl.rawQuery}`);
    expect(res.status).toBe(200);
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect(new TextDecoder().decode(bytes)).toBe("1616140317555161061");
    expect(bytes[0]).not.toBe(0xef); // no BOM
  });

  test("the sample POST is forwarded as its message, and the reply is encrypted for the corp-id with the request's timestamp and nonce", async () => {
    const before = backend.received.length;
    const res = await fetch(`${gw.url}/wx?${samples.callback.rawQuery}`, { method: "POST", body: sampleBody });
    expect(res.status).toBe(200);
    const got = backend.received.slice(before);
    expect(got.map((r) => r.path)).toEqual(["/msg/text"]);
    expect(got[0]!.body).toMatchObject({ ToUserName: corpId, FromUserName: "mycreate", CreateTime: 1409659813, Content: "hello", AgentID: "218" });
    expect(got[0]!.raw).toContain('"MsgId":"4561255354251345929"');
    expect(got[0]!.body).not.toHaveProperty("userInfo");
    const text = await res.text();
    expect(readReplyEnvelope(text)).toMatchObject({ timeStamp: samples.callback.timestamp, nonce: samples.callback.nonce });
    const reply = openReply(text);
    expect(reply).toContain("<ToUserName><![CDATA[mycreate]]></ToUserName>");
    expect(reply).toContain(`<FromUserName><![CDATA[${corpId}]]></FromUserName>`);
    expect(reply).toContain("<Content><![CDATA[got /msg/text]]></Content>");
  });

  test("WeCom's retry of the same message gets the same answer; the backend sees it once", async () => {
    const before = backend.received.length;
    const res = await fetch(`${gw.url}/wx?${samples.callback.rawQuery}`, { method: "POST", body: sampleBody });
    expect(openReply(await res.text())).toContain("<Content><![CDATA[got /msg/text]]></Content>");
    expect(backend.received.length).toBe(before);
  });
});

describe("refusals: nothing is forwarded", () => {
  const v = samples.verifyUrl;
  const cases: Array<[string, () => Request, number]> = [
    ["a wrong msg_signature", () => wecomPost("<xml/>", { signatureToken: "another" }), 401],
    ["a message for another corp-id (-40005)", () => wecomPost(event("click", "<EventKey>k</EventKey>"), { receiveId: "ww0000000000000000" }), 400],
    ["a ciphertext that is not whole AES blocks (-40007)", () => wecomPost("", { encrypt: "AAAAAAAAAAAAAAAAAAAAAA==" }), 400],
    [
      "a body without Encrypt",
      () => new Request(`${gw.url}/wx?msg_signature=${"0".repeat(40)}&timestamp=1&nonce=2`, { method: "POST", body: "<xml><ToUserName>x</ToUserName></xml>" }),
      400,
    ],
    [
      "an Official Account's signature instead of msg_signature",
      () => new Request(`${gw.url}/wx?signature=${"0".repeat(40)}&timestamp=1&nonce=2`, { method: "POST", body: sampleBody }),
      400,
    ],
  ];
  test.each(cases)("%s", async (_what, request, status) => {
    const before = backend.received.length;
    const res = await fetch(request());
    expect(res.status).toBe(status);
    expect(await res.text()).not.toContain(corpId);
    expect(backend.received.length).toBe(before);
  });

  test("URL verification with a wrong signature or for another corp-id", async () => {
    const bad = await fetch(`${gw.url}/wx?${samples.verifyUrl.rawQuery.replace(v.msgSignature, "0".repeat(40))}`);
    expect(bad.status).toBe(401);
    const other = startGateway(wecomService({ "wx-params": { token, "aes-key": aesKey, "corp-id": "ww0000000000000000" } }));
    try {
      expect((await fetch(`${other.url}/wx?${samples.verifyUrl.rawQuery}`)).status).toBe(400);
    } finally {
      other.stop();
    }
  });
});

describe("events and answers", () => {
  test("events go to /event/<Event> with WeCom's names; distinct contact changes in one second each arrive once", async () => {
    const before = backend.received.length;
    for (const xml of [
      event("click", "<EventKey><![CDATA[MENU_1]]></EventKey>"),
      event("change_contact", "<ChangeType>create_user</ChangeType><UserID><![CDATA[zhangsan]]></UserID>"),
      event("change_contact", "<ChangeType>create_user</ChangeType><UserID><![CDATA[lisi]]></UserID>"),
      event("change_contact", "<ChangeType>create_user</ChangeType><UserID><![CDATA[lisi]]></UserID>"), // WeCom's retry
    ]) {
      expect((await fetch(wecomPost(xml))).status).toBe(200);
    }
    const got = backend.received.slice(before);
    expect(got.map((r) => r.path)).toEqual(["/event/click", "/event/change_contact", "/event/change_contact"]);
    expect(got.map((r) => r.body.UserID ?? r.body.EventKey)).toEqual(["MENU_1", "zhangsan", "lisi"]);
    for (const r of got) {
      const schema = wecomSchemas[r.path] ?? genericWecomBodySchema;
      expect([...Value.Errors(schema, r.body)].map((e) => `${r.path} ${e.path} ${e.message}`)).toEqual([]);
    }
  });

  test('"no reply" is an empty 200 body; a reply WeCom cannot take (music) is no reply too', async () => {
    backend.on("/event/enter_agent", { json: { type: "success" } });
    const res = await fetch(wecomPost(event("enter_agent", "<EventKey><![CDATA[]]></EventKey>", 1403610600)));
    expect([res.status, await res.text()]).toEqual([200, ""]);
    backend.on("/event/view", { json: { type: "music", title: "t" } });
    const music = await fetch(wecomPost(event("view", "<EventKey><![CDATA[https://work.weixin.qq.com]]></EventKey>", 1403610601)));
    expect([music.status, await music.text()]).toEqual([200, ""]);
  });

  test("a news reply is rendered as WeCom's passive news and encrypted", async () => {
    backend.on("/msg/image", { json: { type: "news", articles: [{ title: "周报", description: "d", picUrl: "https://p", url: "https://u" }] } });
    const xml = `<xml><ToUserName><![CDATA[${corpId}]]></ToUserName><FromUserName><![CDATA[zhangsan]]></FromUserName><CreateTime>1348831860</CreateTime><MsgType><![CDATA[image]]></MsgType><PicUrl><![CDATA[https://p]]></PicUrl><MediaId><![CDATA[m]]></MediaId><MsgId>1234567890123457</MsgId><AgentID>218</AgentID></xml>`;
    const reply = openReply(await (await fetch(wecomPost(xml))).text());
    expect(reply).toContain("<MsgType><![CDATA[news]]></MsgType><ArticleCount>1</ArticleCount>");
    expect(reply).toContain("<Title><![CDATA[周报]]></Title>");
  });
});
