/**
 * async-reply and userInfo for the Mini Program and WeCom surfaces (SPEC §8) through the gateway as
 * `serve` builds it, against a fake WeChat (`wx-api-base`) and a fake WeCom (`wecom-api-base`):
 * - a Mini Program's text, image, link and miniprogrampage replies (no passive form) and its late
 *   replies go through message/custom/send on the Mini Program's token;
 * - a WeCom app's late and oversized replies go through message/send with its agentid, on the token
 *   WeCom's gettoken gave for the corp-id and the app's Secret; WeChat's API is never called for it;
 * - a WeCom app's members are looked up with user/get only when the service asks for userInfo.
 * Deadlines run on a fake clock; a slow backend holds its answer until the test releases it.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { AES_KEY, APP_ID, makeConfig, rawService, TOKEN } from "../_helpers/config";
import { startFakeBackend } from "../_helpers/fake-backend";
import { fakeTimerClock } from "../_helpers/fake-timers";
import { startFakeWechat } from "../_helpers/fake-wechat";
import { startWiredGateway } from "../_helpers/gateway";
import { AGENT_ID, CORP_ID, openAnswer, type Push, pushRequest } from "../_helpers/surfaces";

const wechat = startFakeWechat();
const wecom = startFakeWechat();
const mpBackend = startFakeBackend("/biz", { kind: "mini-program" });
const wecomBackend = startFakeBackend("/biz", { kind: "wecom" });
const wecomParams = { token: TOKEN, "aes-key": AES_KEY, "corp-id": CORP_ID, "agent-id": AGENT_ID, "app-secret": "wecom_secret" };
const timely = { "async-reply": true, "reply-timeout-ms": 300 };
const config = makeConfig(
  {},
  {
    "wx-api-base": wechat.url,
    "wecom-api-base": wecom.url,
    services: [
      rawService("mp", "/mp", { kind: "mini-program", "msg-proxy-pass": mpBackend.url, ...timely }),
      rawService("wecom", "/wecom", { kind: "wecom", "msg-proxy-pass": wecomBackend.url, "wx-params": wecomParams, ...timely }),
      rawService("members", "/members", { kind: "wecom", "msg-proxy-pass": wecomBackend.url, "wx-params": wecomParams, "dont-append-userinfo": false }),
    ],
  },
);
const clock = fakeTimerClock();
const gw = startWiredGateway(config, { clock });
afterAll(() => {
  gw.stop();
  for (const s of [wechat, wecom, mpBackend, wecomBackend]) s.stop();
});

const MP: Push = { kind: "mini-program", format: "json", mode: "plaintext" };
const WECOM: Push = { kind: "wecom", format: "xml", mode: "safe" };
let seq = 0;
const text = (to: string, from: string, content: string, extra: Record<string, unknown> = {}) => ({
  ToUserName: to,
  FromUserName: from,
  CreateTime: 1714112445,
  MsgType: "text",
  Content: content,
  MsgId: 9_100_000 + ++seq,
  ...extra,
});
const push = (path: string, p: Push, fields: Record<string, unknown>) => fetch(pushRequest(`${gw.url}${path}`, p, fields));
const toMp = (content: string) => push("/mp", MP, text("gh_mp", "oMpUser", content));
const toWecom = (path: string, content: string, from = "zhangsan") => push(path, WECOM, text(CORP_ID, from, content, { AgentID: AGENT_ID }));

describe("Mini Program: message/custom/send", () => {
  const replies: Array<[string, Record<string, unknown>, Record<string, unknown>]> = [
    ["text", { type: "text", msg: "您的订单已发货" }, { text: { content: "您的订单已发货" } }],
    ["image", { type: "image", msg: "MEDIA_1" }, { image: { media_id: "MEDIA_1" } }],
    [
      "link",
      { type: "link", title: "物流", url: "https://example.com/t/42", description: "顺丰", thumbUrl: "https://example.com/p.png" },
      { link: { title: "物流", description: "顺丰", url: "https://example.com/t/42", thumb_url: "https://example.com/p.png" } },
    ],
    [
      "miniprogrampage",
      { type: "miniprogrampage", title: "订单 #42", pagePath: "pages/order?id=42", thumbMediaId: "THUMB_1" },
      { miniprogrampage: { title: "订单 #42", pagepath: "pages/order?id=42", thumb_media_id: "THUMB_1" } },
    ],
  ];
  test.each(replies)("a %s reply: WeChat is answered success, the reply is sent as a customer-service message", async (type, reply, part) => {
    mpBackend.on("/msg/text", { json: reply });
    const before = wechat.callsTo("/cgi-bin/message/custom/send").length;
    expect(await (await toMp(`send me a ${type}`)).text()).toBe("success");
    const sent = await wechat.whenCalled("/cgi-bin/message/custom/send", before + 1);
    expect(sent.body).toEqual({ touser: "oMpUser", msgtype: type, ...part });
    expect(wechat.validTokens(APP_ID)).toContain(sent.query.access_token!);
  });

  test("a late reply (after reply-timeout-ms) goes the same way; transfer_customer_service stays the passive answer", async () => {
    const release = Promise.withResolvers<void>();
    mpBackend.on("/msg/text", { until: release.promise, json: { type: "text", msg: "sorry, late" } });
    const before = wechat.callsTo("/cgi-bin/message/custom/send").length;
    const arrived = mpBackend.whenReceived(mpBackend.received.length + 1);
    const answer = toMp("slow");
    await arrived;
    clock.advance(300);
    expect(await (await answer).text()).toBe("success");
    release.resolve();
    const sent = await wechat.whenCalled("/cgi-bin/message/custom/send", before + 1);
    expect(sent.body).toEqual({ touser: "oMpUser", msgtype: "text", text: { content: "sorry, late" } });
    mpBackend.on("/msg/text", { json: { type: "transfer_customer_service" } });
    expect(await openAnswer(await toMp("人工"), MP)).toContain('"MsgType":"transfer_customer_service"');
    expect(wechat.callsTo("/cgi-bin/message/custom/send").length).toBe(before + 1);
    expect(wecom.calls.filter((c) => c.path !== "/cgi-bin/gettoken" && c.path !== "/cgi-bin/user/get")).toEqual([]);
  });
});

describe("WeCom: message/send from the app's agent", () => {
  test("a late reply: WeCom gets the empty 'no reply' in time, then message/send with agentid on the app's gettoken token", async () => {
    const release = Promise.withResolvers<void>();
    wecomBackend.on("/msg/text", { until: release.promise, json: { type: "text", msg: "审批已通过" } });
    const arrived = wecomBackend.whenReceived(wecomBackend.received.length + 1);
    const answer = toWecom("/wecom", "slow");
    await arrived;
    clock.advance(300);
    expect(await openAnswer(await answer, WECOM)).toBe("");
    release.resolve();
    const sent = await wecom.whenCalled("/cgi-bin/message/send");
    expect(sent.body).toEqual({ touser: "zhangsan", msgtype: "text", agentid: 1000002, text: { content: "审批已通过" } });
    const token = wecom.callsTo("/cgi-bin/gettoken").at(-1)!;
    expect(token.query).toEqual({ corpid: CORP_ID, corpsecret: "wecom_secret" });
    expect(sent.query.access_token).toStartWith(`WT_${CORP_ID}_`);
    expect(wechat.callsTo("/cgi-bin/message/send")).toEqual([]);
    expect(wechat.callsTo("/cgi-bin/stable_token").filter((c) => (c.body as { appid?: string }).appid !== APP_ID)).toEqual([]);
  });

  test("a reply over 2048 bytes is sent with message/send instead; news keeps its articles", async () => {
    const long = "长".repeat(1000);
    wecomBackend.on("/msg/text", { json: { type: "text", msg: long } });
    const before = wecom.callsTo("/cgi-bin/message/send").length;
    expect(await openAnswer(await toWecom("/wecom", "long please", "lisi"), WECOM)).toBe("");
    const sent = await wecom.whenCalled("/cgi-bin/message/send", before + 1);
    expect(sent.body).toMatchObject({ touser: "lisi", agentid: 1000002, text: { content: long } });
    const article = { title: "周报", description: "d", url: "https://u", picUrl: "https://p" };
    wecomBackend.on("/msg/text", { json: { type: "news", articles: Array.from({ length: 8 }, () => ({ ...article, description: "长".repeat(90) })) } });
    expect(await openAnswer(await toWecom("/wecom", "news please", "wangwu"), WECOM)).toBe("");
    const news = await wecom.whenCalled("/cgi-bin/message/send", before + 2);
    expect((news.body as { news: { articles: unknown[] } }).news.articles[0]).toEqual({
      title: "周报",
      description: "长".repeat(90),
      url: "https://u",
      picurl: "https://p",
    });
  });
});

describe("WeCom: userInfo", () => {
  test("with dont-append-userinfo false the member from user/get (no errcode) is appended; otherwise user/get is never called", async () => {
    const before = wecom.callsTo("/cgi-bin/user/get").length;
    wecomBackend.on("/msg/text", { json: { type: "success" } });
    await toWecom("/wecom", "no lookup", "zhaoliu");
    expect(wecom.callsTo("/cgi-bin/user/get").length).toBe(before);
    expect(wecomBackend.received.at(-1)!.body).not.toHaveProperty("userInfo");
    await toWecom("/members", "who am I", "zhaoliu");
    expect(wecom.callsTo("/cgi-bin/user/get").at(-1)!.query.userid).toBe("zhaoliu");
    const body = wecomBackend.received.at(-1)!.body;
    expect(body.userInfo).toEqual({ userid: "zhaoliu", name: "name-zhaoliu", department: [1], position: "", status: 1, main_department: 1 });
    expect(body.userInfoError).toBe("");
    expect(wechat.callsTo("/cgi-bin/user/info")).toEqual([]);
  });
});
