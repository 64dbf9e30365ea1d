/**
 * One gateway for every push surface a company receives (issue 19's "done when"): an Official Account,
 * a Channels shop, a Mini Program and a WeCom app as four services of one config, each verified and
 * decoded by its own profile and forwarded to its own backend.
 */
import { afterAll, expect, test } from "bun:test";
import { getSignature, encrypt as wecomEncrypt } from "@wecom/crypto";
import { parseConfig } from "../../src/config/load";
import { createMessageCrypto } from "../../src/wechat/crypto";
import { AES_KEY, APP_ID, rawConfig, rawService } from "../_helpers/config";
import { startFakeBackend } from "../_helpers/fake-backend";
import { startGateway } from "../_helpers/gateway";
import { aesCallback, channelsAesCallback, openEncryptedReply, readReplyEnvelope, textXml } from "../_helpers/wechat";

const CORP_ID = "ww0123456789abcdef";
const backends = { oa: startFakeBackend(), shop: startFakeBackend(), mp: startFakeBackend(), wecom: startFakeBackend() };
const safe = { token: "test_token", "app-id": APP_ID, "app-secret": "s", "aes-key": AES_KEY };
const raw = rawConfig({}, {
  services: [
    rawService("oa", "/oa", { "msg-proxy-pass": backends.oa.url, "wx-params": safe }),
    rawService("shop", "/shop", { kind: "channels-ec", "msg-proxy-pass": backends.shop.url, "wx-params": safe }),
    rawService("mp", "/mp", { kind: "mini-program", "msg-proxy-pass": backends.mp.url, "wx-params": safe }),
    rawService("wecom", "/wecom", { kind: "wecom", "msg-proxy-pass": backends.wecom.url, "wx-params": { token: "test_token", "aes-key": AES_KEY, "corp-id": CORP_ID, "agent-id": "1000002" } }),
  ],
});
const gw = startGateway(parseConfig(raw, "test", {}).config);
afterAll(() => {
  gw.stop();
  for (const b of Object.values(backends)) b.stop();
});

test("an Official Account, a Channels shop, a Mini Program and a WeCom app behind one gateway", async () => {
  const oa = await fetch(aesCallback(gw.url, "/oa", textXml("hello OA"), AES_KEY, APP_ID));
  expect(openEncryptedReply(await oa.text(), AES_KEY, APP_ID).xml).toContain("<Content><![CDATA[got /msg/text]]></Content>");

  const order = '{"ToUserName":"gh_shop","FromUserName":"oBuyer","CreateTime":1700000000,"MsgType":"event","Event":"channels_ec_order_pay","order_info":{"order_id":3705115058471208928,"pay_time":1700000000}}';
  expect(await (await fetch(channelsAesCallback(gw.url, "/shop", order, AES_KEY, APP_ID))).text()).toBe("got /event/channels_ec_order_pay");

  backends.mp.on("/event/xpay_coin_pay_notify", { json: { type: "json", json: { ErrCode: 0, ErrMsg: "success" } } });
  const coin = '{"ToUserName":"gh_mp","FromUserName":"oWx","CreateTime":1714112500,"MsgType":"event","Event":"xpay_coin_pay_notify","OpenId":"o1","OutTradeNo":"coin_1","Env":0,"CoinInfo":{"Quantity":60,"OrigPrice":600,"ActualPrice":600,"Attach":""}}';
  const mp = (await (await fetch(channelsAesCallback(gw.url, "/mp", coin, AES_KEY, APP_ID))).json()) as { Encrypt: string };
  expect(JSON.parse(createMessageCrypto(AES_KEY, APP_ID).decrypt(mp.Encrypt))).toEqual({ ErrCode: 0, ErrMsg: "success" });

  const wecomXml = `<xml><ToUserName><![CDATA[${CORP_ID}]]></ToUserName><FromUserName><![CDATA[zhangsan]]></FromUserName><CreateTime>1700000000</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[hello WeCom]]></Content><MsgId>7362551834723893411</MsgId><AgentID>1000002</AgentID></xml>`;
  const encrypt = wecomEncrypt(AES_KEY, wecomXml, CORP_ID);
  const query = `msg_signature=${getSignature("test_token", "1700000000", "42", encrypt)}&timestamp=1700000000&nonce=42`;
  const wecom = await fetch(`${gw.url}/wecom?${query}`, { method: "POST", body: `<xml><ToUserName><![CDATA[${CORP_ID}]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt><AgentID><![CDATA[1000002]]></AgentID></xml>` });
  expect(readReplyEnvelope(await wecom.text())).not.toBeNull();

  expect(backends.oa.received.map((r) => [r.path, r.body.Content])).toEqual([["/msg/text", "hello OA"]]);
  expect(backends.shop.received.map((r) => [r.path, (r.body.order_info as { order_id: string }).order_id])).toEqual([["/event/channels_ec_order_pay", "3705115058471208928"]]);
  expect(backends.mp.received.map((r) => [r.path, r.body.OutTradeNo])).toEqual([["/event/xpay_coin_pay_notify", "coin_1"]]);
  expect(backends.wecom.received.map((r) => [r.path, r.body.Content, r.body.AgentID, r.body.MsgId])).toEqual([["/msg/text", "hello WeCom", "1000002", "7362551834723893411"]]);
});
