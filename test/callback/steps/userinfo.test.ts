import { describe, expect, test } from "bun:test";
import { type FlightStep, fly } from "../../../src/callback/flight";
import { addUserInfo } from "../../../src/callback/steps/userinfo";
import type { InboundMessage } from "../../../src/wechat/message";
import type { UserInfoLookup } from "../../../src/wxapi/user";
import { testRuntime } from "../../_helpers/runtime";

const route = { kind: "msg", type: "text", path: "/msg/text" } as const;
/** lets settled promises run their callbacks (no time passes) */
const flush = () => new Promise<void>((resolve) => setImmediate(resolve));
/** runs addUserInfo and answers with what the message became */
const withInfo = (rt: ReturnType<typeof testRuntime>["rt"], msg: InboundMessage, startedMs = rt.deps.now()) => {
  const report: FlightStep = (f) => f.answer({ kind: "success", reason: JSON.stringify({ userInfo: f.msg.userInfo, userInfoError: f.msg.userInfoError }) });
  return fly(msg, route, rt, startedMs, { steps: [addUserInfo, report], onDeadline: () => {} }).then((r) => JSON.parse((r as { reason: string }).reason));
};

describe("userInfo step", () => {
  test("adds userInfo; messages from one user at once share one lookup", async () => {
    let calls = 0;
    const lookup: UserInfoLookup = async (_svc, openId) => (calls++, { userInfo: { openid: openId }, userInfoError: "" });
    const { rt } = testRuntime({ "dont-append-userinfo": false }, { userInfo: lookup });
    const [a, b] = await Promise.all([withInfo(rt, { MsgType: "text", FromUserName: "oA" }), withInfo(rt, { MsgType: "text", FromUserName: "oA" })]);
    expect(a).toEqual({ userInfo: { openid: "oA" }, userInfoError: "" });
    expect(b).toEqual(a);
    expect(calls).toBe(1);
    expect(await withInfo(rt, { MsgType: "text" })).toEqual({ userInfo: null, userInfoError: "no FromUserName" });
  });

  test("a lookup slower than its share of the deadline (from the arrival) gives a userInfoError", async () => {
    const never: UserInfoLookup = () => new Promise(() => {});
    const { rt, clock } = testRuntime({ "dont-append-userinfo": false, "reply-timeout-ms": 1000 }, { userInfo: never });
    const started = rt.deps.now();
    clock.advance(100);
    const info = withInfo(rt, { MsgType: "text", FromUserName: "oSlow" }, started);
    clock.advance(299); // the share is 400 ms from the arrival
    await flush();
    let done = false;
    void info.then(() => (done = true));
    await flush();
    expect(done).toBe(false);
    clock.advance(1);
    expect(await info).toEqual({ userInfo: null, userInfoError: "user info lookup exceeded 400 ms" });
  });

  test("dont-append-userinfo: the message goes on unchanged, without a lookup", async () => {
    let calls = 0;
    const { rt } = testRuntime({ "dont-append-userinfo": true }, { userInfo: async () => (calls++, { userInfo: {}, userInfoError: "" }) });
    expect(await withInfo(rt, { MsgType: "text", FromUserName: "oA" })).toEqual({});
    expect(calls).toBe(0);
  });
});
