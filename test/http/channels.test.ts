/**
 * Channels shop (视频号小店 / 微信小店) services through the real gateway (SPEC §4.6): JSON callbacks,
 * plain and encrypted, forwarded to /event/<Event> with 64-bit ids as strings, answered "success"
 * unless the backend has a msg, and re-pushes absorbed for 14400 s.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { createMessageCrypto } from "../../src/wechat/crypto";
import { AES_KEY, APP_ID, makeConfig, TOKEN } from "../_helpers/config";
import { startFakeBackend } from "../_helpers/fake-backend";
import { startGateway, type TestGateway } from "../_helpers/gateway";
import { aesQuery, channelsAesCallback, channelsCallback, signedQuery } from "../_helpers/wechat";

/** Above 2^53: JSON.parse would turn it into 3705115058471209000. */
const ORDER_ID = "3705115058471208928";
const AFTERSALE_ID = "3705115058471208999";

/** A Channels event as WeChat writes it: ids as bare JSON integers (微信小店 消息推送 examples). */
const orderEvent = (event: string, extra: string, opts: { time?: number; orderId?: string; from?: string } = {}) =>
  `{"ToUserName":"gh_shop","FromUserName":"${opts.from ?? "oBuyer"}","CreateTime":${opts.time ?? 1700000000},"MsgType":"event",` +
  `"Event":"${event}","order_info":{"order_id":${opts.orderId ?? ORDER_ID}${extra}}}`;
const aftersaleEvent = (status: string, opts: { time?: number; id?: string } = {}) =>
  `{"ToUserName":"gh_shop","FromUserName":"oFixedOpenId","CreateTime":${opts.time ?? 1700000000},"MsgType":"event","Event":"channels_ec_aftersale_update",` +
  `"finder_shop_aftersale_status_update":{"status":"${status}","after_sale_order_id":${opts.id ?? AFTERSALE_ID},"order_id":"${ORDER_ID}"}}`;

const KNOWN: Array<[string, string, Record<string, unknown>]> = [
  ["channels_ec_order_pay", orderEvent("channels_ec_order_pay", ',"pay_time":1700000000'), { order_info: { order_id: ORDER_ID, pay_time: 1700000000 } }],
  ["channels_ec_order_cancel", orderEvent("channels_ec_order_cancel", ',"cancel_type":1'), { order_info: { order_id: ORDER_ID, cancel_type: 1 } }],
  ["channels_ec_order_confirm", orderEvent("channels_ec_order_confirm", ',"confirm_type":2'), { order_info: { order_id: ORDER_ID, confirm_type: 2 } }],
  [
    "channels_ec_order_settle",
    orderEvent("channels_ec_order_settle", ',"settle_time":1700003600'),
    { order_info: { order_id: ORDER_ID, settle_time: 1700003600 } },
  ],
  [
    "channels_ec_aftersale_update",
    aftersaleEvent("USER_WAIT_RETURN"),
    { finder_shop_aftersale_status_update: { status: "USER_WAIT_RETURN", after_sale_order_id: AFTERSALE_ID, order_id: ORDER_ID } },
  ],
];

const backend = startFakeBackend();
/** the gateways' clock, moved by the dedup-window test */
let nowMs = Date.now();
const clock = { now: () => nowMs };
const gateways: TestGateway[] = [];
function gateway(service: Record<string, unknown>): TestGateway {
  const gw = startGateway(makeConfig({ "is-channels-ec": true, "msg-proxy-pass": backend.url, ...service }), clock);
  gateways.push(gw);
  return gw;
}
const plain = gateway({});
const safe = gateway({ "wx-params": { token: TOKEN, "app-id": APP_ID, "app-secret": "s", "aes-key": AES_KEY } });
afterAll(() => {
  for (const gw of gateways) gw.stop();
  backend.stop();
});

const sendPlain = (json: string) => fetch(channelsCallback(plain.url, "/wx", json));
const sendSafe = (json: string, opts = {}) => fetch(channelsAesCallback(safe.url, "/wx", json, AES_KEY, APP_ID, opts));
/** distinct CreateTimes so tests never dedup each other */
let time = 1_700_100_000;

for (const [mode, send] of [
  ["plain", sendPlain],
  ["encrypted", sendSafe],
] as const) {
  describe(`${mode} Channels callbacks`, () => {
    for (const [event, json, fields] of KNOWN) {
      test(`${event} reaches /event/${event} with its ids digit for digit`, async () => {
        const body = json.replace("1700000000,", `${++time},`);
        const before = backend.received.length;
        const res = await send(body);
        expect(res.status).toBe(200);
        expect(await res.text()).toBe(`got /event/${event}`);
        const got = backend.received.slice(before);
        expect(got.map((r) => r.path)).toEqual([`/event/${event}`]);
        expect(got[0]!.raw).toContain(`"order_id":"${ORDER_ID}"`);
        expect(got[0]!.raw).not.toMatch(/"order_id":\d/);
        expect(got[0]!.body).toMatchObject({ ToUserName: "gh_shop", MsgType: "event", Event: event, CreateTime: time, ...fields });
        expect(got[0]!.raw).not.toContain("Encrypt");
      });
    }

    test("unknown events are forwarded too, ids still strings", async () => {
      const before = backend.received.length;
      await send(orderEvent("channels_ec_order_new", "", { time: ++time }));
      await send(
        `{"ToUserName":"gh_shop","FromUserName":"oX","CreateTime":${++time},"MsgType":"event","Event":"product_spu_audit","product_id":10000101186231,"audit_info":{"product_id":7308411928340332553}}`,
      );
      const got = backend.received.slice(before);
      expect(got.map((r) => r.path)).toEqual(["/event/channels_ec_order_new", "/event/product_spu_audit"]);
      expect(got[0]!.body.order_info).toEqual({ order_id: ORDER_ID });
      expect(got[1]!.raw).toContain('"audit_info":{"product_id":"7308411928340332553"}');
      expect(got[1]!.body.product_id).toBe("10000101186231");
    });

    test("WeChat is answered plain 'success' unless the backend returns a non-empty msg", async () => {
      const answers: Array<[object, string]> = [
        [{ json: {} }, "success"],
        [{ json: { msg: "" } }, "success"],
        [{ json: { type: "success" } }, "success"],
        [{ status: 500, json: { msg: "boom" } }, "success"],
        [{ raw: "not json" }, "success"],
        [{ json: { msg: "ok" } }, "ok"],
        [{ json: { type: "image", msg: "passed on" } }, "passed on"],
      ];
      for (const [answer, expected] of answers) {
        backend.on("/event/channels_ec_order_pay", answer);
        const res = await send(orderEvent("channels_ec_order_pay", ',"pay_time":1700000000', { time: ++time }));
        expect(res.status).toBe(200);
        expect(res.headers.get("content-type")).toContain("text/plain");
        expect(await res.text()).toBe(expected);
      }
      backend.on("/event/channels_ec_order_pay", { json: { msg: "got /event/channels_ec_order_pay" } });
    });
  });
}

describe("dedup of Channels re-pushes", () => {
  test("the default window is 14400 s for Channels services (60 s otherwise); dedup-window-s overrides it", () => {
    expect(makeConfig({ "is-channels-ec": true }).services[0]!.dedupWindowS).toBe(14400);
    expect(makeConfig({}).services[0]!.dedupWindowS).toBe(60);
    expect(makeConfig({ "is-channels-ec": true, "dedup-window-s": 600 }).services[0]!.dedupWindowS).toBe(600);
  });

  test("a re-push of the same event is forwarded once, and answered the same (plain, encrypted, reformatted)", async () => {
    backend.on("/event/channels_ec_order_pay", (b) => ({ json: { msg: `paid ${(b.order_info as { order_id: string }).order_id}` } }));
    const json = orderEvent("channels_ec_order_pay", ',"pay_time":1700000000', { time: ++time });
    const before = backend.received.length;
    const first = await (await sendPlain(json)).text();
    expect(first).toBe(`paid ${ORDER_ID}`);
    expect(await (await sendPlain(json)).text()).toBe(first);
    // WeChat may re-serialize a re-push: other key order, spaces, the id as a string
    const reordered = Object.fromEntries(Object.entries(JSON.parse(json.replace(ORDER_ID, `"${ORDER_ID}"`))).reverse());
    const reformatted = JSON.stringify(reordered, null, 1);
    expect(reformatted.indexOf('"order_info"')).toBeLessThan(reformatted.indexOf('"ToUserName"'));
    expect(await (await sendPlain(reformatted)).text()).toBe(first);
    expect(backend.received.length - before).toBe(1);

    const encrypted = orderEvent("channels_ec_order_pay", ',"pay_time":1700000001', { time: ++time });
    await sendSafe(encrypted);
    await sendSafe(encrypted); // new nonce, new random bytes: another ciphertext of the same event
    expect(backend.received.length - before).toBe(2);
  });

  test("distinct events sharing FromUserName + CreateTime + Event are all forwarded", async () => {
    const t = ++time;
    const before = backend.received.length;
    // one payment covering two orders of one buyer
    await sendPlain(orderEvent("channels_ec_order_pay", ',"pay_time":1700000000', { time: t, orderId: "3705115058471208001" }));
    await sendPlain(orderEvent("channels_ec_order_pay", ',"pay_time":1700000000', { time: t, orderId: "3705115058471208002" }));
    // after-sale pushes come from a fixed FromUserName: other after-sale orders, or one order changing status
    await sendPlain(aftersaleEvent("MERCHANT_PROCESSING", { time: t, id: "3705115058471209001" }));
    await sendPlain(aftersaleEvent("MERCHANT_PROCESSING", { time: t, id: "3705115058471209002" }));
    await sendPlain(aftersaleEvent("USER_WAIT_RETURN", { time: t, id: "3705115058471209002" }));
    const got = backend.received.slice(before);
    expect(got.length).toBe(5);
    expect(got.map((r) => JSON.stringify(r.body.order_info ?? r.body.finder_shop_aftersale_status_update))).toEqual([
      `{"order_id":"3705115058471208001","pay_time":1700000000}`,
      `{"order_id":"3705115058471208002","pay_time":1700000000}`,
      `{"status":"MERCHANT_PROCESSING","after_sale_order_id":"3705115058471209001","order_id":"${ORDER_ID}"}`,
      `{"status":"MERCHANT_PROCESSING","after_sale_order_id":"3705115058471209002","order_id":"${ORDER_ID}"}`,
      `{"status":"USER_WAIT_RETURN","after_sale_order_id":"3705115058471209002","order_id":"${ORDER_ID}"}`,
    ]);
  });

  test("a re-push hours later is still absorbed; after the window it is forwarded again", async () => {
    const json = orderEvent("channels_ec_order_settle", ',"settle_time":1700000000', { time: ++time });
    const before = backend.received.length;
    await sendPlain(json);
    nowMs += 3.5 * 3600_000; // WeChat's last re-push comes about 3.6 h after the first push
    await sendPlain(json);
    expect(backend.received.length - before).toBe(1);
    nowMs += 2 * 14400_000; // past the window (an entry lives one to two windows)
    await sendPlain(json);
    expect(backend.received.length - before).toBe(2);
  });
});

describe("refused Channels callbacks forward nothing", () => {
  async function expectRefused(req: Request, status: number, msg: string) {
    const before = backend.received.length;
    const res = await fetch(req);
    expect(res.status).toBe(status);
    expect(((await res.json()) as { msg: string }).msg).toContain(msg);
    expect(backend.received.length).toBe(before);
  }
  const envelope = (encrypt: string) => JSON.stringify({ ToUserName: "gh_shop", Encrypt: encrypt });

  test("encrypted: wrong msg_signature 401, no Encrypt 400, wrong app-id 400, plaintext 401", async () => {
    const json = orderEvent("channels_ec_order_pay", ',"pay_time":1700000000', { time: ++time });
    const encrypt = createMessageCrypto(AES_KEY, APP_ID).encrypt(json);
    const post = (body: string, q: URLSearchParams) => new Request(`${safe.url}/wx?${q}`, { method: "POST", body });
    await expectRefused(post(envelope(encrypt), aesQuery(encrypt, { msgToken: "wrong" })), 401, "msg_signature mismatch");
    await expectRefused(post(JSON.stringify({ ToUserName: "gh_shop" }), aesQuery(encrypt)), 400, "no Encrypt");
    await expectRefused(post("{not json", aesQuery(encrypt)), 400, "no Encrypt");
    const other = createMessageCrypto(AES_KEY, "wx0000000000000000").encrypt(json);
    await expectRefused(post(envelope(other), aesQuery(other)), 400, "cannot decrypt: app-id");
    await expectRefused(channelsCallback(safe.url, "/wx", json), 401, "plaintext callback refused");
    expect((await sendSafe(json)).status).toBe(200);
  });

  test("plain: invalid JSON, a non-object, or no Event → 400", async () => {
    await expectRefused(channelsCallback(plain.url, "/wx", '{"Event":"x",'), 400, "not valid JSON");
    await expectRefused(channelsCallback(plain.url, "/wx", '{"ToUserName":"gh_shop","CreateTime":1}'), 400, "Event is missing");
    await expectRefused(channelsCallback(plain.url, "/wx", "[1,2]"), 400, "");
    await expectRefused(channelsCallback(plain.url, "/wx", '{"Event":"x"}', signedQuery({ token: "wrong" })), 401, "signature mismatch");
    expect((await sendPlain(orderEvent("channels_ec_order_pay", ',"pay_time":1700000000', { time: ++time }))).status).toBe(200);
  });

  test("URL verification (GET) works as for any service", async () => {
    const q = signedQuery();
    q.set("echostr", "channels-echo");
    expect(await (await fetch(`${safe.url}/wx?${q}`)).text()).toBe("channels-echo");
  });
});
