import { afterAll, describe, expect, test } from "bun:test";
import { createMemoryKvStore } from "../../src/store/kv";
import { sendTemplateMessage } from "../../src/wxapi/message";
import { createUserInfoLookup, getSnsUserInfo, getUserInfo } from "../../src/wxapi/user";
import { APP_ID } from "../_helpers/config";
import { fakeTimerClock } from "../_helpers/fake-timers";
import { startFakeWechat } from "../_helpers/fake-wechat";
import { makeWxApi, SECRET } from "../_helpers/wxapi";

const fake = startFakeWechat({ users: { "o-vip": { subscribe: 1, openid: "o-vip", nickname: "VIP", tagid_list: [2] } } });
afterAll(() => fake.stop());

const infoCalls = (openid: string) => fake.callsTo("/cgi-bin/user/info").filter((c) => c.query.openid === openid).length;

describe("getUserInfo", () => {
  test("asks cgi-bin/user/info with lang=zh_CN and returns every field", async () => {
    const { api, svc } = makeWxApi(fake);
    expect(await getUserInfo(api, svc, "o-vip")).toEqual({ subscribe: 1, openid: "o-vip", nickname: "VIP", tagid_list: [2] });
    expect(fake.callsTo("/cgi-bin/user/info").at(-1)!.query).toMatchObject({ openid: "o-vip", lang: "zh_CN" });
  });

  test("is cached for 10 minutes per app-id and openId", async () => {
    const clock = fakeTimerClock();
    const cache = createMemoryKvStore({ now: clock.unixMs });
    const { api, svc } = makeWxApi(fake, { clock });
    await getUserInfo(api, svc, "o-cache", { cache });
    await getUserInfo(api, svc, "o-cache", { cache });
    await getUserInfo(api, svc, "o-other", { cache });
    expect(infoCalls("o-cache")).toBe(1);
    expect(infoCalls("o-other")).toBe(1);
    clock.advance(9 * 60 * 1000 + 59_000);
    await getUserInfo(api, svc, "o-cache", { cache });
    expect(infoCalls("o-cache")).toBe(1);
    clock.advance(2000);
    await getUserInfo(api, svc, "o-cache", { cache });
    expect(infoCalls("o-cache")).toBe(2);
    // another app-id does not share the entry
    await getUserInfo(api, { ...svc, appId: `${APP_ID}x` }, "o-cache", { cache }).catch(() => {});
    expect(infoCalls("o-cache")).toBe(3);
  });

  test("errors are not cached", async () => {
    const cache = createMemoryKvStore();
    const { api, svc } = makeWxApi(fake);
    fake.failNext("/cgi-bin/user/info", { errcode: 45009, errmsg: "reach max api daily quota limit" });
    const err = await getUserInfo(api, svc, "o-err", { cache }).catch((e) => e);
    expect(err.errcode).toBe(45009);
    expect((await getUserInfo(api, svc, "o-err", { cache })).openid).toBe("o-err");
    expect(infoCalls("o-err")).toBe(2);
  });

  test("createUserInfoLookup never throws: a failure fills userInfoError", async () => {
    const { api, svc } = makeWxApi(fake);
    const lookup = createUserInfoLookup(api, createMemoryKvStore());
    expect(await lookup(svc, "o-lk")).toEqual({ userInfo: expect.objectContaining({ openid: "o-lk" }), userInfoError: "" });
    fake.failNext("/cgi-bin/user/info", { errcode: 40003, errmsg: "invalid openid" });
    const failed = await lookup(svc, "o-bad");
    expect(failed.userInfo).toBeNull();
    expect(failed.userInfoError).toContain("40003");
  });

  test("getSnsUserInfo uses the OAuth token, not the access_token", async () => {
    const { api } = makeWxApi(fake);
    const oauth = await api.callPlain<{ access_token: string; openid: string }>({
      path: "/sns/oauth2/access_token",
      query: { appid: APP_ID, secret: SECRET, code: "sns-1", grant_type: "authorization_code" },
    });
    const info = await getSnsUserInfo(api, oauth.access_token, oauth.openid);
    expect(info.nickname).toBe("nick-openid-sns-1");
    expect(fake.callsTo("/sns/userinfo").at(-1)!.query).toMatchObject({ access_token: oauth.access_token, lang: "zh_CN" });
  });
});

describe("messages", () => {
  test("sendTemplateMessage returns WeChat's msgid; an errcode rejects with it", async () => {
    const { api, svc } = makeWxApi(fake);
    const res = await sendTemplateMessage(api, svc, { touser: "o1", template_id: "tid", data: { k: { value: "v" } } });
    expect(res.errcode).toBe(0);
    expect(typeof res.msgid).toBe("number");
    const err = await sendTemplateMessage(api, svc, { touser: "o1", data: {} }).catch((e) => e);
    expect(err.status).toBe(502);
    expect(err.errcode).toBe(40037);
  });
});
