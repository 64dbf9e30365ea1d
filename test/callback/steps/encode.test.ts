import { describe, expect, test } from "bun:test";
import { encode } from "../../../src/callback/steps/encode";
import type { WechatReply } from "../../../src/wechat/reply";
import { testRuntime } from "../../_helpers/runtime";

const route = { kind: "msg", type: "text", path: "/msg/text" } as const;
const signed = { timestamp: "1700000000", nonce: "n", aes: false, msgSignature: "" };
const decoded = { text: "", format: "xml", encrypted: false } as const;

describe("encode step", () => {
  test("a reply as the profile renders it, or its no-reply; counted as replied or success-fallback", async () => {
    const { rt, metrics } = testRuntime();
    const reply: WechatReply = { kind: "reply", reply: { type: "text", msg: "hi" }, toUser: "oU", fromUser: "gh", createTime: 1_700_000_000 };
    expect(await encode(reply, signed, decoded, route, rt).text()).toBe(rt.profile.render(reply as Extract<WechatReply, { kind: "reply" }>));
    expect(await encode({ kind: "success", reason: "none" }, signed, decoded, route, rt).text()).toBe("success");
    expect(metrics).toEqual(["callback svc text replied", "callback svc text success-fallback"]);
  });
});
