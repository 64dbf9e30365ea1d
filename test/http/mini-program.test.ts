/**
 * Mini Program (小程序 消息推送) services through the real gateway (SPEC §8): WeChat's published
 * message-push example replayed byte for byte (URL verification, the plaintext and the encrypted JSON
 * push, the encrypted JSON answer), 64-bit MsgIds digit for digit, answers in the request's format
 * (json reply, transfer_customer_service in JSON and XML, success), msg_signature always checked, and
 * virtual-payment re-pushes answered the same without reaching the backend again.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { Value } from "@sinclair/typebox/value";
import { miniProgramSchemas } from "../../src/contract/mini-program";
import { createMessageCrypto } from "../../src/wechat/crypto";
import { AES_KEY, APP_ID, makeConfig, TOKEN } from "../_helpers/config";
import { startFakeBackend } from "../_helpers/fake-backend";
import { startGateway } from "../_helpers/gateway";
import { aesCallback, aesQuery, channelsCallback, openEncryptedReply, plainCallback, signedQuery } from "../_helpers/wechat";
import samples from "../fixtures/mini-program/samples.json";

const DIR = join(import.meta.dir, "../fixtures/mini-program");
const read = (name: string) => Bun.file(join(DIR, name)).text();
const backend = startFakeBackend("/biz", { kind: "mini-program" });
const service = (wxParams: Record<string, unknown>) => makeConfig({ kind: "mini-program", "msg-proxy-pass": backend.url, "wx-params": wxParams });
/** the published example's settings */
const doc = startGateway(service({ token: samples.token, "app-id": samples.appId, "aes-key": samples.encodingAesKey }));
const docPlain = startGateway(service({ token: samples.token, "app-id": samples.appId }));
/** the test suite's settings */
const safe = startGateway(service({ token: TOKEN, "app-id": APP_ID, "app-secret": "s", "aes-key": AES_KEY }));
const plain = startGateway(service({ token: TOKEN, "app-id": APP_ID }));
afterAll(() => {
  for (const gw of [doc, docPlain, safe, plain]) gw.stop();
  backend.stop();
});

/** An encrypted JSON push: `{"ToUserName","Encrypt"}` with msg_signature over the Encrypt. */
function jsonAesPush(json: string, opts: { msgToken?: string } = {}): Request {
  const encrypt = createMessageCrypto(AES_KEY, APP_ID).encrypt(json);
  return new Request(`${safe.url}/wx?${aesQuery(encrypt, opts)}`, { method: "POST", body: JSON.stringify({ ToUserName: "gh_mp", Encrypt: encrypt }) });
}

const forwardedSince = (before: number) => backend.received.slice(before);

describe("WeChat's published example through the gateway", () => {
  test("URL verification answers the echostr", async () => {
    const res = await fetch(`${doc.url}/wx?${samples.verifyUrl.rawQuery}`);
    expect([res.status, await res.text()]).toEqual([200, samples.verifyUrl.echostr]);
  });

  test("the plaintext JSON push (pretty-printed) is forwarded to /event/debug_demo", async () => {
    const before = backend.received.length;
    const res = await fetch(`${docPlain.url}/wx?${samples.plainPush.rawQuery}`, { method: "POST", body: await read(samples.plainPush.body) });
    expect(res.status).toBe(200);
    expect(forwardedSince(before).map((r) => [r.path, r.body.debug_str])).toEqual([["/event/debug_demo", "hello world"]]);
  });

  test("the encrypted JSON push: msg_signature checked, decrypted for the AppID, forwarded; the json answer comes back in the JSON envelope", async () => {
    backend.on("/event/debug_demo", { json: { type: "json", json: { demo_resp: "good luck" } } });
    const before = backend.received.length;
    const res = await fetch(`${doc.url}/wx?${samples.encryptedPush.rawQuery}`, { method: "POST", body: await read(samples.encryptedPush.body) });
    expect(res.status).toBe(200);
    const got = forwardedSince(before);
    expect(got.map((r) => r.body)).toEqual([JSON.parse(samples.encryptedPush.plaintext)]);
    const envelope = (await res.json()) as Record<string, unknown>;
    expect(Object.keys(envelope)).toEqual(["Encrypt", "MsgSignature", "TimeStamp", "Nonce"]);
    expect(envelope).toMatchObject({ TimeStamp: 1714112445, Nonce: "415670741" });
    const crypto = createMessageCrypto(samples.encodingAesKey, samples.appId);
    expect(crypto.decrypt(String(envelope.Encrypt))).toBe(samples.encryptedReply.plaintext);
    const resent = await fetch(`${doc.url}/wx?${samples.encryptedPush.rawQuery}`, { method: "POST", body: await read(samples.encryptedPush.body) });
    expect(crypto.decrypt(String(((await resent.json()) as Record<string, unknown>).Encrypt))).toBe(samples.encryptedReply.plaintext);
    expect(backend.received.length).toBe(before + 1);
  });

  test("the example's push with its msg_signature changed is 401, nothing forwarded", async () => {
    const before = backend.received.length;
    const query = samples.encryptedPush.rawQuery.replace(samples.encryptedPush.msgSignature, "0".repeat(40));
    expect((await fetch(`${doc.url}/wx?${query}`, { method: "POST", body: await read(samples.encryptedPush.body) })).status).toBe(401);
    expect(backend.received.length).toBe(before);
  });
});

describe("pushes and answers", () => {
  test.each(["msg-text", "msg-text-64bit", "msg-image", "msg-miniprogrampage", "event-user_enter_tempsession"])(
    "json/%s.json, plain and encrypted, reaches the backend as forwarded/%s.json",
    async (name) => {
      const json = await read(`json/${name}.json`);
      const expected = JSON.parse(await read(`forwarded/${name}.json`)) as Record<string, unknown>;
      const before = backend.received.length;
      await fetch(channelsCallback(plain.url, "/wx", json));
      await fetch(
        jsonAesPush(json.replace(/"CreateTime": ?1482048670/, '"CreateTime":1482048671').replace(/"MsgId": ?(\d+)/, (_m, id: string) => `"MsgId":9${id}`)),
      );
      const got = forwardedSince(before);
      expect(got).toHaveLength(2);
      expect(got[0]!.body).toEqual(expected);
      for (const r of got) {
        if (r.body.MsgId !== undefined) expect(r.raw).toMatch(/"MsgId":"\d+"/);
        expect([...Value.Errors(miniProgramSchemas[r.path]!, r.body)].map((e) => `${e.path} ${e.message}`)).toEqual([]);
      }
    },
  );

  test("a 64-bit MsgId above 2^53 reaches the backend digit for digit", async () => {
    const before = backend.received.length;
    await fetch(jsonAesPush('{"ToUserName":"gh_mp","FromUserName":"o1","CreateTime":1714112445,"MsgType":"text","Content":"hi","MsgId":9223372036854775807}'));
    expect(forwardedSince(before)[0]!.raw).toContain('"MsgId":"9223372036854775807"');
  });

  test("virtual payment: the json answer as the body; a re-push of the order (new CreateTime) gets it again without reaching the backend", async () => {
    const answer = { ErrCode: 0, ErrMsg: "success" };
    backend.on("/event/xpay_goods_deliver_notify", { json: { type: "json", json: answer } });
    const push = JSON.parse(await read("json/event-xpay_goods_deliver_notify.json")) as Record<string, unknown>;
    const before = backend.received.length;
    const first = await fetch(channelsCallback(plain.url, "/wx", JSON.stringify(push)));
    expect([first.headers.get("content-type"), await first.text()]).toEqual(["application/json; charset=utf-8", JSON.stringify(answer)]);
    const again = await fetch(channelsCallback(plain.url, "/wx", JSON.stringify({ ...push, CreateTime: Number(push.CreateTime) + 15 })));
    expect(await again.text()).toBe(JSON.stringify(answer));
    expect(forwardedSince(before).map((r) => r.path)).toEqual(["/event/xpay_goods_deliver_notify"]);
  });

  test("transfer_customer_service answers in the push's format: JSON for JSON, XML for XML, encrypted when the push was", async () => {
    backend.on("/msg/text", (body) => ({ json: body.Content === "人工" ? { type: "transfer_customer_service" } : { type: "text", msg: "got it" } }));
    const voice = (id: number) => ({ ToUserName: "gh_mp", FromUserName: "oUser", CreateTime: 1714112445, MsgType: "text", Content: "人工", MsgId: String(id) });
    const asJson = await fetch(channelsCallback(plain.url, "/wx", JSON.stringify(voice(1))));
    expect(await asJson.json()).toMatchObject({ ToUserName: "oUser", FromUserName: "gh_mp", MsgType: "transfer_customer_service" });
    const xml = `<xml><ToUserName><![CDATA[gh_mp]]></ToUserName><FromUserName><![CDATA[oUser]]></FromUserName><CreateTime>1714112445</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[人工]]></Content><MsgId>2</MsgId></xml>`;
    const asXml = await (await fetch(plainCallback(plain.url, "/wx", xml))).text();
    expect(asXml).toMatch(/^<xml><ToUserName><!\[CDATA\[oUser\]\]><\/ToUserName>.*<MsgType><!\[CDATA\[transfer_customer_service\]\]><\/MsgType><\/xml>$/);
    const encryptedXml = openEncryptedReply(
      await (await fetch(aesCallback(safe.url, "/wx", xml.replace("<MsgId>2", "<MsgId>3"), AES_KEY, APP_ID))).text(),
      AES_KEY,
      APP_ID,
    );
    expect(encryptedXml.signatureOk).toBe(true);
    expect(encryptedXml.xml).toContain("<MsgType><![CDATA[transfer_customer_service]]></MsgType>");
    const encryptedJson = (await (await fetch(jsonAesPush(JSON.stringify(voice(4))))).json()) as Record<string, unknown>;
    expect(JSON.parse(createMessageCrypto(AES_KEY, APP_ID).decrypt(String(encryptedJson.Encrypt)))).toMatchObject({
      MsgType: "transfer_customer_service",
      ToUserName: "oUser",
    });
  });

  test("a text reply (no passive text for a Mini Program) and success answer plain success", async () => {
    backend.on("/event/user_enter_tempsession", { json: { type: "text", msg: "hi" } });
    const push = { ToUserName: "gh_mp", FromUserName: "oUser", CreateTime: 1714112445, MsgType: "text", Content: "?", MsgId: "5" };
    expect(await (await fetch(channelsCallback(plain.url, "/wx", JSON.stringify(push)))).text()).toBe("success");
    expect(
      await (
        await fetch(jsonAesPush(JSON.stringify({ ...push, CreateTime: 1714112446, MsgType: "event", Event: "user_enter_tempsession", SessionFrom: "wxapp" })))
      ).text(),
    ).toBe("success");
  });
});

describe("refusals: nothing is forwarded", () => {
  const cases: Array<[string, () => Request, number]> = [
    ["an encrypted push whose msg_signature is for another token", () => jsonAesPush('{"MsgType":"text"}', { msgToken: "other" }), 401],
    ["a plaintext push to a service with an aes-key", () => channelsCallback(safe.url, "/wx", '{"MsgType":"text","MsgId":1}'), 401],
    ["an encrypted push for another AppID", () => aesCallback(safe.url, "/wx", "<xml><MsgType>text</MsgType></xml>", AES_KEY, "wx0000000000000000"), 400],
    [
      "a MsgId that is not digits",
      () => channelsCallback(plain.url, "/wx", '{"ToUserName":"g","FromUserName":"o","CreateTime":1,"MsgType":"text","MsgId":"1e3"}'),
      400,
    ],
    [
      "an Event that is not a plain name",
      () => channelsCallback(plain.url, "/wx", '{"ToUserName":"g","FromUserName":"o","CreateTime":1,"MsgType":"event","Event":"../x"}'),
      400,
    ],
    [
      "a bad signature",
      () => channelsCallback(plain.url, "/wx", '{"MsgType":"text"}', new URLSearchParams({ ...Object.fromEntries(signedQuery()), signature: "0".repeat(40) })),
      401,
    ],
  ];
  test.each(cases)("%s", async (_what, request, status) => {
    const before = backend.received.length;
    expect((await fetch(request())).status).toBe(status);
    expect(backend.received.length).toBe(before);
  });
});
