/**
 * One gateway for every push surface a company receives (issue 19's "done when"): an Official Account,
 * a Channels shop, a Mini Program and a WeCom app as four services of one config, each verified and
 * decoded by its own profile, forwarded to its own backend (which checks the body against its
 * surface's schema) and answered in its own way — every kind × format × mode, the reply opened as
 * WeChat or WeCom would open it.
 */
import { afterAll, expect, test } from "bun:test";
import { getSignature, encrypt as wecomEncrypt } from "@wecom/crypto";
import { parseConfig } from "../../src/config/load";
import { createMessageCrypto } from "../../src/wechat/crypto";
import { AES_KEY, APP_ID, rawConfig, rawService } from "../_helpers/config";
import { startFakeBackend } from "../_helpers/fake-backend";
import { startGateway } from "../_helpers/gateway";
import { type Mode, openAnswer, type Push, pushRequest } from "../_helpers/surfaces";
import { aesCallback, channelsAesCallback, openEncryptedReply, readReplyEnvelope, textXml } from "../_helpers/wechat";

const CORP_ID = "ww0123456789abcdef";
const backends = {
  oa: startFakeBackend(),
  shop: startFakeBackend("/biz", { kind: "channels-ec" }),
  mp: startFakeBackend("/biz", { kind: "mini-program" }),
  wecom: startFakeBackend("/biz", { kind: "wecom" }),
};
const safe = { token: "test_token", "app-id": APP_ID, "app-secret": "s", "aes-key": AES_KEY };
// plaintext pushes too, so that one service of each kind takes every mode
const allModes = { "wx-params": safe, "allow-plaintext": true };
const raw = rawConfig(
  {},
  {
    services: [
      rawService("oa", "/oa", { "msg-proxy-pass": backends.oa.url, ...allModes }),
      rawService("shop", "/shop", { kind: "channels-ec", "msg-proxy-pass": backends.shop.url, ...allModes }),
      rawService("mp", "/mp", { kind: "mini-program", "msg-proxy-pass": backends.mp.url, ...allModes }),
      rawService("wecom", "/wecom", {
        kind: "wecom",
        "msg-proxy-pass": backends.wecom.url,
        "wx-params": { token: "test_token", "aes-key": AES_KEY, "corp-id": CORP_ID, "agent-id": "1000002" },
      }),
    ],
  },
);
const gw = startGateway(parseConfig(raw, "test", {}).config);
afterAll(() => {
  gw.stop();
  for (const b of Object.values(backends)) b.stop();
});

test("an Official Account, a Channels shop, a Mini Program and a WeCom app behind one gateway", async () => {
  const oa = await fetch(aesCallback(gw.url, "/oa", textXml("hello OA"), AES_KEY, APP_ID));
  expect(openEncryptedReply(await oa.text(), AES_KEY, APP_ID).xml).toContain("<Content><![CDATA[got /msg/text]]></Content>");

  const order =
    '{"ToUserName":"gh_shop","FromUserName":"oBuyer","CreateTime":1700000000,"MsgType":"event","Event":"channels_ec_order_pay","order_info":{"order_id":3705115058471208928,"pay_time":1700000000}}';
  expect(await (await fetch(channelsAesCallback(gw.url, "/shop", order, AES_KEY, APP_ID))).text()).toBe("got /event/channels_ec_order_pay");

  backends.mp.on("/event/xpay_coin_pay_notify", { json: { type: "json", json: { ErrCode: 0, ErrMsg: "success" } } });
  const coin =
    '{"ToUserName":"gh_mp","FromUserName":"oWx","CreateTime":1714112500,"MsgType":"event","Event":"xpay_coin_pay_notify","OpenId":"o1","OutTradeNo":"coin_1","Env":0,"CoinInfo":{"Quantity":60,"OrigPrice":600,"ActualPrice":600,"Attach":""}}';
  const mp = (await (await fetch(channelsAesCallback(gw.url, "/mp", coin, AES_KEY, APP_ID))).json()) as { Encrypt: string };
  expect(JSON.parse(createMessageCrypto(AES_KEY, APP_ID).decrypt(mp.Encrypt))).toEqual({ ErrCode: 0, ErrMsg: "success" });

  const wecomXml = `<xml><ToUserName><![CDATA[${CORP_ID}]]></ToUserName><FromUserName><![CDATA[zhangsan]]></FromUserName><CreateTime>1700000000</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[hello WeCom]]></Content><MsgId>7362551834723893411</MsgId><AgentID>1000002</AgentID></xml>`;
  const encrypt = wecomEncrypt(AES_KEY, wecomXml, CORP_ID);
  const query = `msg_signature=${getSignature("test_token", "1700000000", "42", encrypt)}&timestamp=1700000000&nonce=42`;
  const wecom = await fetch(`${gw.url}/wecom?${query}`, {
    method: "POST",
    body: `<xml><ToUserName><![CDATA[${CORP_ID}]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt><AgentID><![CDATA[1000002]]></AgentID></xml>`,
  });
  expect(readReplyEnvelope(await wecom.text())).not.toBeNull();

  expect(backends.oa.received.map((r) => [r.path, r.body.Content])).toEqual([["/msg/text", "hello OA"]]);
  expect(backends.shop.received.map((r) => [r.path, (r.body.order_info as { order_id: string }).order_id])).toEqual([
    ["/event/channels_ec_order_pay", "3705115058471208928"],
  ]);
  expect(backends.mp.received.map((r) => [r.path, r.body.OutTradeNo])).toEqual([["/event/xpay_coin_pay_notify", "coin_1"]]);
  expect(backends.wecom.received.map((r) => [r.path, r.body.Content, r.body.AgentID, r.body.MsgId])).toEqual([
    ["/msg/text", "hello WeCom", "1000002", "7362551834723893411"],
  ]);
});

const PATHS = { "official-account": "/oa", "channels-ec": "/shop", "mini-program": "/mp", wecom: "/wecom" } as const;
const BACKENDS = { "official-account": backends.oa, "channels-ec": backends.shop, "mini-program": backends.mp, wecom: backends.wecom } as const;
const MATRIX: Array<[Push["kind"], Push["format"], Mode]> = [
  ["official-account", "xml", "plaintext"],
  ["official-account", "xml", "compatible"],
  ["official-account", "xml", "safe"],
  ["channels-ec", "json", "plaintext"],
  ["channels-ec", "json", "safe"],
  ["mini-program", "xml", "plaintext"],
  ["mini-program", "xml", "compatible"],
  ["mini-program", "xml", "safe"],
  ["mini-program", "json", "plaintext"],
  ["mini-program", "json", "compatible"],
  ["mini-program", "json", "safe"],
  ["wecom", "xml", "safe"],
];
/** what each surface answers the backend's reply with (the Mini Program's backend hands texts to customer service) */
const ANSWERS: Record<Push["kind"], RegExp> = {
  "official-account": /^<xml><ToUserName><!\[CDATA\[oRoundTrip\]\]>.*<Content><!\[CDATA\[got \/msg\/text\]\]><\/Content><\/xml>$/,
  "channels-ec": /^got \/event\/channels_ec_order_pay$/,
  "mini-program": /transfer_customer_service/,
  wecom: /^<xml><ToUserName><!\[CDATA\[oRoundTrip\]\]>.*<Content><!\[CDATA\[got \/msg\/text\]\]><\/Content><\/xml>$/,
};
let seq = 0;

/** a text, or for the Channels shop (events only) an order event; `id` tells the pushes apart */
function messageOf(kind: Push["kind"], id: number): Record<string, unknown> {
  const head = { ToUserName: kind === "wecom" ? CORP_ID : "gh_acct", FromUserName: "oRoundTrip", CreateTime: 1714112445 };
  if (kind === "channels-ec")
    return { ...head, MsgType: "event", Event: "channels_ec_order_pay", order_info: { order_id: 1_000_000_000_000 + id, pay_time: 1714112445 } };
  return { ...head, MsgType: "text", Content: `round trip ${id}`, MsgId: id, ...(kind === "wecom" ? { AgentID: "1000002" } : {}) };
}

test.each(MATRIX)("%s, %s, %s: forwarded to its backend as its schema says, answered in its format and mode", async (kind, format, mode) => {
  const push: Push = { kind, format, mode };
  backends.mp.on("/msg/text", { json: { type: "transfer_customer_service" } });
  const id = 7_000_000 + ++seq;
  const res = await fetch(pushRequest(`${gw.url}${PATHS[kind]}`, push, messageOf(kind, id)));
  expect(res.status).toBe(200);
  const answer = await openAnswer(res, push);
  expect(answer).toMatch(ANSWERS[kind]);
  if (kind === "mini-program") expect(answer[0]).toBe(format === "json" ? "{" : "<");
  const got = BACKENDS[kind].received.at(-1)!.body;
  if (kind === "channels-ec") expect((got.order_info as { order_id: string }).order_id).toBe(String(1_000_000_000_000 + id));
  else expect([got.Content, got.MsgId]).toEqual([`round trip ${id}`, String(id)]);
});
