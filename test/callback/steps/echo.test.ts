import { describe, expect, test } from "bun:test";
import { echo, echoReply } from "../../../src/callback/steps/echo";
import { testRuntime } from "../../_helpers/runtime";

const route = { kind: "msg", type: "text", path: "/msg/text" } as const;

describe("echo step", () => {
  test("echoes text and media, greets subscribers, names clicked keys; nothing else", () => {
    expect(echoReply({ MsgType: "text", Content: "hi" })).toEqual({ type: "text", msg: "hi" });
    expect(echoReply({ MsgType: "image", MediaId: "m1" })).toEqual({ type: "image", msg: "m1" });
    expect(echoReply({ MsgType: "video", MediaId: "v1" })).toEqual({ type: "video", msg: "v1", title: "", desc: "" });
    expect(echoReply({ MsgType: "event", Event: "CLICK", EventKey: "K" })).toEqual({ type: "text", msg: "event key K clicked" });
    expect(echoReply({ MsgType: "event", Event: "subscribe" })?.type).toBe("text");
    for (const msg of [{ MsgType: "text", Content: "" }, { MsgType: "location" }, { MsgType: "event", Event: "VIEW" }]) expect(echoReply(msg)).toBeNull();
  });

  test("the echo is addressed back to the sender", async () => {
    const { rt } = testRuntime();
    const reply = await echo({ MsgType: "text", Content: "hi", FromUserName: "oUser", ToUserName: "gh_acct" }, route, rt);
    expect(reply).toMatchObject({
      kind: "reply",
      reply: { type: "text", msg: "hi" },
      toUser: "oUser",
      fromUser: "gh_acct",
      createTime: Math.floor(rt.deps.now() / 1000),
    });
    expect(await echo({ MsgType: "location" }, route, rt)).toEqual({ kind: "success", reason: "echo mode: nothing to echo" });
  });
});
