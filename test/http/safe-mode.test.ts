/**
 * Safe and compatible mode (encrypt_type=aes) through the real gateway: real HTTP, a fake backend on
 * 127.0.0.1, every message and event type encrypted the way WeChat does it, every reply decrypted
 * and its msg_signature checked, and every way a callback can be refused (SPEC §4.2).
 */
import { afterAll, describe, expect, test } from "bun:test";
import { createCipheriv, randomBytes } from "node:crypto";
import { createMessageCrypto, decodeAesKey } from "../../src/wechat/crypto";
import { wechatSignature } from "../../src/wechat/signature";
import { CALLBACK_SAMPLES, type CallbackSample } from "../_helpers/callback-samples";
import { AES_KEY, APP_ID, makeConfig, TOKEN } from "../_helpers/config";
import { startFakeBackend } from "../_helpers/fake-backend";
import { startGateway, type TestGateway } from "../_helpers/gateway";
import { aesCallback, aesQuery, compatibleCallback, openEncryptedReply, plainCallback, readReplyEnvelope, signedQuery, textXml } from "../_helpers/wechat";

/** A fixed clock makes the reply's CreateTime, and so the whole decrypted reply, exact. */
const NOW_S = 1_700_000_500;
const fixedClock = { now: () => NOW_S * 1000 };
const safeParams = { token: TOKEN, "app-id": APP_ID, "app-secret": "secret_value", "aes-key": AES_KEY };

const backend = startFakeBackend();
const gateways: TestGateway[] = [];
function gateway(service: Record<string, unknown>, deps = {}): TestGateway {
  const gw = startGateway(makeConfig({ "msg-proxy-pass": backend.url, "wx-params": safeParams, ...service }), deps);
  gateways.push(gw);
  return gw;
}
afterAll(() => {
  for (const gw of gateways) gw.stop();
  backend.stop();
});

/** The text reply the fake backend's default answer ("got <path>") becomes, addressed back to the sender. */
const expectedReply = (s: CallbackSample) =>
  `<xml><ToUserName><![CDATA[${s.fields.FromUserName ?? "oUserSample"}]]></ToUserName><FromUserName><![CDATA[gh_test]]></FromUserName>` +
  `<CreateTime>${NOW_S}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[got ${s.path}]]></Content></xml>`;

type Mode = "safe" | "compatible";
const encrypted = (mode: Mode, url: string, xml: string, opts: { timestamp?: string; nonce?: string } = {}) =>
  mode === "safe" ? aesCallback(url, "/wx", xml, AES_KEY, APP_ID, opts) : compatibleCallback(url, "/wx", xml, AES_KEY, APP_ID, opts);

/** Checks an encrypted answer: the exact envelope, the request's timestamp/nonce, a valid msg_signature; returns the inner XML. */
function openReply(body: string, timestamp: string, nonce: string): string {
  const envelope = readReplyEnvelope(body);
  expect(envelope).not.toBeNull();
  expect(envelope!.timeStamp).toBe(timestamp);
  expect(envelope!.nonce).toBe(nonce);
  expect(envelope!.msgSignature).toBe(wechatSignature([TOKEN, timestamp, nonce, envelope!.encrypt]));
  const opened = openEncryptedReply(body, AES_KEY, APP_ID);
  expect(opened.signatureOk).toBe(true);
  return opened.xml;
}

for (const mode of ["safe", "compatible"] as const) {
  describe(`${mode} mode: every message and event type round-trips`, () => {
    const gw = gateway({}, fixedClock);
    for (const sample of CALLBACK_SAMPLES) {
      test(sample.name, async () => {
        const timestamp = String(NOW_S - 3);
        const nonce = `${mode}-${sample.name}-1234`;
        const before = backend.received.length;
        const res = await fetch(encrypted(mode, gw.url, sample.xml, { timestamp, nonce }));
        expect(res.status).toBe(200);
        expect(res.headers.get("content-type")).toContain("xml");
        expect(openReply(await res.text(), timestamp, nonce)).toBe(expectedReply(sample));
        const got = backend.received.slice(before);
        expect(got.map((r) => r.path)).toEqual([sample.path]);
        expect(got[0]!.body).toMatchObject(sample.fields);
        expect(got[0]!.raw).not.toContain("Encrypt");
      });
    }

    test("multi-byte text with ']]>' survives both directions (UTF-8 byte length inside the ciphertext)", async () => {
      backend.on("/msg/text", (b) => ({ json: { type: "text", msg: `回声：${b.Content} ]]> 🎉` } }));
      const xml = await (await fetch(encrypted(mode, gw.url, textXml("中文 😀 ]]> end"), { timestamp: "1700000001", nonce: `${mode}-utf8` }))).text();
      expect(openReply(xml, "1700000001", `${mode}-utf8`)).toContain("<Content><![CDATA[回声：中文 😀 ]]]]><![CDATA[> end ]]]]><![CDATA[> 🎉]]></Content>");
      expect(backend.received.at(-1)!.body.Content).toBe("中文 😀 ]]> end");
      backend.on("/msg/text", { json: { type: "text", msg: "got /msg/text" } });
    });

    test("a 'success' answer stays plain success, not an envelope", async () => {
      for (const answer of [{ json: { type: "success" } }, { json: { type: "text", msg: "" } }, { status: 500, json: {} }]) {
        backend.on("/msg/text", answer);
        const res = await fetch(encrypted(mode, gw.url, textXml("x")));
        expect(res.status).toBe(200);
        expect(await res.text()).toBe("success");
      }
      backend.on("/msg/text", { json: { type: "text", msg: "got /msg/text" } });
    });
  });
}

test("compatible mode trusts only <Encrypt>: plaintext fields beside it cannot change the message", async () => {
  const gw = gateway({});
  const real = textXml("the real text");
  const forged = real.replace("the real text", "forged text").replace("oUser1", "oAttacker");
  const res = await fetch(compatibleCallback(gw.url, "/wx", real, AES_KEY, APP_ID, {}, forged));
  expect(res.status).toBe(200);
  expect(backend.received.at(-1)!.body).toMatchObject({ Content: "the real text", FromUserName: "oUser1" });
});

/** Encrypts an arbitrary plaintext layout with the service key, no padding added (to craft broken messages). */
function rawEncrypt(plain: Buffer): string {
  const key = decodeAesKey(AES_KEY);
  const cipher = createCipheriv("aes-256-cbc", key, key.subarray(0, 16));
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(plain), cipher.final()]).toString("base64");
}
/** random16 + length + msg + appId, then `pad` bytes up to a multiple of 32 (WeChat's layout, with knobs to break it). */
function layout(msg: string, opts: { lengthDelta?: number; padByte?: (n: number) => number } = {}): Buffer {
  const body = Buffer.from(msg);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(body.length + (opts.lengthDelta ?? 0));
  const data = Buffer.concat([randomBytes(16), len, body, Buffer.from(APP_ID)]);
  const n = 32 - (data.length % 32);
  return Buffer.concat([data, Buffer.alloc(n, opts.padByte ? opts.padByte(n) : n)]);
}
const envelopeOf = (encrypt: string) => `<xml><ToUserName><![CDATA[gh_test]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`;

describe("refused encrypted callbacks: nothing is forwarded and the gateway keeps serving", () => {
  const gw = gateway({});
  const post = (body: string, query: URLSearchParams) => fetch(new Request(`${gw.url}/wx?${query}`, { method: "POST", body }));

  async function expectRefused(req: Promise<Response>, status: number, msg: string | RegExp) {
    const before = backend.received.length;
    const res = await req;
    expect(res.status).toBe(status);
    const body = (await res.json()) as { code: number; msg: string };
    expect(body.code).toBe(status);
    expect(body.msg).toMatch(msg);
    expect(backend.received.length).toBe(before);
    const ok = await fetch(aesCallback(gw.url, "/wx", textXml("still serving"), AES_KEY, APP_ID));
    expect(ok.status).toBe(200);
    expect(readReplyEnvelope(await ok.text())).not.toBeNull();
  }
  const encryptOf = (xml: string, appId = APP_ID) => createMessageCrypto(AES_KEY, appId).encrypt(xml);

  test("wrong msg_signature → 401", async () => {
    const encrypt = encryptOf(textXml("x"));
    await expectRefused(post(envelopeOf(encrypt), aesQuery(encrypt, { msgToken: "not_the_token" })), 401, "msg_signature mismatch");
  });
  test("a tampered Encrypt under the original msg_signature → 401", async () => {
    const encrypt = encryptOf(textXml("x"));
    const tampered = (encrypt[0] === "A" ? "B" : "A") + encrypt.slice(1);
    await expectRefused(post(envelopeOf(tampered), aesQuery(encrypt)), 401, "msg_signature mismatch");
  });
  test("missing msg_signature → 400", async () => {
    const encrypt = encryptOf(textXml("x"));
    const q = aesQuery(encrypt);
    q.delete("msg_signature");
    await expectRefused(post(envelopeOf(encrypt), q), 400, "msg_signature is required");
  });
  test("a wrong query signature → 401 before anything is decrypted", async () => {
    const encrypt = encryptOf(textXml("x"));
    const q = aesQuery(encrypt);
    q.set("signature", wechatSignature(["other", q.get("timestamp")!, q.get("nonce")!]));
    await expectRefused(post(envelopeOf(encrypt), q), 401, "signature mismatch");
  });
  test("bad base64 → 400", async () => {
    for (const encrypt of ["not*base64!", "QUJD RA==", `@${encryptOf(textXml("x"))}`]) {
      await expectRefused(post(envelopeOf(encrypt), aesQuery(encrypt)), 400, "cannot decrypt: base64");
    }
  });
  test("bad padding → 400", async () => {
    const zero = rawEncrypt(layout(textXml("x"), { padByte: () => 0 }));
    const big = rawEncrypt(layout(textXml("x"), { padByte: () => 33 }));
    const mixed = rawEncrypt(Buffer.concat([layout(textXml("x")).subarray(0, -1), Buffer.from([2])]));
    const partial = Buffer.alloc(20, 7).toString("base64");
    for (const encrypt of [zero, big, mixed, partial]) {
      await expectRefused(post(envelopeOf(encrypt), aesQuery(encrypt)), 400, "cannot decrypt: padding");
    }
  });
  test("wrong length → 400", async () => {
    const encrypt = rawEncrypt(layout(textXml("x"), { lengthDelta: 1000 }));
    await expectRefused(post(envelopeOf(encrypt), aesQuery(encrypt)), 400, "cannot decrypt: length");
  });
  test("wrong app-id (encrypted for another account) → 400", async () => {
    const encrypt = encryptOf(textXml("x"), "wx0000000000000000");
    await expectRefused(post(envelopeOf(encrypt), aesQuery(encrypt)), 400, "cannot decrypt: app-id");
  });
  test("encrypted with another EncodingAESKey → 400", async () => {
    const encrypt = createMessageCrypto("ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxwvut", APP_ID).encrypt(textXml("x"));
    await expectRefused(post(envelopeOf(encrypt), aesQuery(encrypt)), 400, /^cannot decrypt: /);
  });
  test("no Encrypt, an empty one, or a DOCTYPE → 400", async () => {
    const encrypt = encryptOf(textXml("x"));
    await expectRefused(post(textXml("x"), aesQuery(encrypt)), 400, "no Encrypt");
    await expectRefused(post(envelopeOf(""), aesQuery("")), 400, "no Encrypt");
    await expectRefused(post(`<!DOCTYPE xml [<!ENTITY e "e">]>${envelopeOf(encrypt)}`, aesQuery(encrypt)), 400, "no Encrypt");
  });
  test("plaintext to a service with an aes-key → 401 (no downgrade)", async () => {
    await expectRefused(fetch(plainCallback(gw.url, "/wx", textXml("downgrade?"))), 401, "plaintext callback refused");
  });
});

describe("service settings around safe mode", () => {
  test("a service without aes-key receiving encrypt_type=aes → 400, nothing forwarded", async () => {
    const plain = gateway({ "wx-params": { ...safeParams, "aes-key": "" } });
    const before = backend.received.length;
    const res = await fetch(aesCallback(plain.url, "/wx", textXml("x"), AES_KEY, APP_ID));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { msg: string }).msg).toContain("no aes-key");
    expect(backend.received.length).toBe(before);
    expect((await fetch(plainCallback(plain.url, "/wx", textXml("plain still works")))).status).toBe(200);
  });

  test("allow-plaintext: true accepts plaintext (plain XML reply) and still encrypts replies to encrypted callbacks", async () => {
    const both = gateway({ "allow-plaintext": true });
    const plainRes = await fetch(plainCallback(both.url, "/wx", textXml("plain during the switch")));
    expect(plainRes.status).toBe(200);
    const plainXml = await plainRes.text();
    expect(plainXml).toContain("<Content><![CDATA[got /msg/text]]></Content>");
    expect(readReplyEnvelope(plainXml)).toBeNull();
    expect(backend.received.at(-1)!.body.Content).toBe("plain during the switch");
    const res = await fetch(
      aesCallback(both.url, "/wx", textXml("encrypted during the switch"), AES_KEY, APP_ID, { timestamp: "1700000009", nonce: "switch" }),
    );
    expect(openReply(await res.text(), "1700000009", "switch")).toContain("<Content><![CDATA[got /msg/text]]></Content>");
  });

  test("timeout > 0: a nonce reused for another encrypted body is a replay (401); WeChat's identical retry gets the same reply", async () => {
    const strict = gateway({ timeout: 300 });
    const timestamp = String(Math.floor(Date.now() / 1000));
    const opts = { timestamp, nonce: "replayed-nonce" };
    const first = aesCallback(strict.url, "/wx", textXml("first", "5000000000000000001"), AES_KEY, APP_ID, opts);
    const retry = first.clone() as Request; // the identical request, as WeChat resends it
    const before = backend.received.length;
    const firstXml = openReply(await (await fetch(first)).text(), timestamp, "replayed-nonce");
    expect(openReply(await (await fetch(retry)).text(), timestamp, "replayed-nonce")).toBe(firstXml);
    const other = await fetch(aesCallback(strict.url, "/wx", textXml("second", "5000000000000000002"), AES_KEY, APP_ID, opts));
    expect(other.status).toBe(401);
    expect(((await other.json()) as { msg: string }).msg).toContain("replay");
    expect(backend.received.length - before).toBe(1);
    const stale = await fetch(aesCallback(strict.url, "/wx", textXml("old"), AES_KEY, APP_ID, { timestamp: String(Number(timestamp) - 3600) }));
    expect(stale.status).toBe(401);
    expect(backend.received.length - before).toBe(1);
    expect((await fetch(aesCallback(strict.url, "/wx", textXml("fresh"), AES_KEY, APP_ID))).status).toBe(200);
  });

  test("URL verification (GET) on a safe-mode service works as in plaintext", async () => {
    const gw = gateway({});
    const q = signedQuery();
    q.set("echostr", "5734638469474326371");
    const res = await fetch(`${gw.url}/wx?${q}`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("5734638469474326371");
    const bad = signedQuery({ token: "wrong" });
    bad.set("echostr", "x");
    expect((await fetch(`${gw.url}/wx?${bad}`)).status).toBe(401);
  });
});
