import { describe, expect, test } from "bun:test";
import type { BackendResult } from "../../../src/callback/flight";
import { type Flight, type FlightStep, fly } from "../../../src/callback/flight";
import type { AsyncReplySender } from "../../../src/callback/runtime";
import { answerAtDeadline, replyFromBackend, toReply } from "../../../src/callback/steps/reply";
import type { InboundMessage } from "../../../src/wechat/message";
import { testRuntime } from "../../_helpers/runtime";

const route = { kind: "msg", type: "text", path: "/msg/text" } as const;
const msg = { MsgType: "text", FromUserName: "oUser", ToUserName: "gh_acct", Content: "hi" };
const text = (n: number) => ({ type: "text", msg: "x".repeat(n) }) as const;

describe("reply step", () => {
  test("a reply is addressed back to the sender and rendered by the profile; `success` stays no reply", () => {
    const { rt } = testRuntime();
    const reply = toReply(text(3), msg, route, rt);
    expect(reply).toEqual({
      kind: "reply",
      reply: text(3),
      toUser: "oUser",
      fromUser: "gh_acct",
      createTime: Math.floor(rt.deps.now() / 1000),
      rendered: expect.stringContaining("<Content><![CDATA[xxx]]></Content>"),
    });
    expect(toReply({ type: "success", why: "backend asked for success" }, msg, route, rt)).toEqual({ kind: "success", reason: "backend asked for success" });
  });

  test("a rendering over 2048 bytes goes through the customer-service API with async-reply; without it, it is answered with a warning", async () => {
    const sent: string[] = [];
    const send: AsyncReplySender = async (_svc, m) => void sent.push(`${m.body.touser} ${m.body.msgtype}`);
    const withAsync = testRuntime({ "async-reply": true }, { asyncReply: send });
    expect(toReply(text(1800), msg, route, withAsync.rt).kind).toBe("reply"); // its XML fits
    expect(toReply(text(2000), msg, route, withAsync.rt)).toEqual({ kind: "success", reason: "reply over 2048 bytes sent through the customer-service API" });
    await withAsync.rt.core.asyncSends.whenIdle();
    expect(sent).toEqual(["oUser text"]);
    expect(withAsync.metrics).toContain("asyncReply svc sent");
    const without = testRuntime();
    expect(toReply(text(2000), msg, route, without.rt).kind).toBe("reply");
    expect(without.logs().some((l) => l.msg === "reply exceeds 2048 bytes: WeChat may drop it (enable async-reply)")).toBe(true);
  });

  test("a reply the surface takes no passive form of (a Mini Program's text) goes through its message API with async-reply; without it, nothing is sent", async () => {
    const sent: Array<[string, Record<string, unknown>]> = [];
    const send: AsyncReplySender = async (_svc, m) => void sent.push([m.path, m.body]);
    const mp = testRuntime({ kind: "mini-program", "async-reply": true }, { asyncReply: send });
    expect(toReply(text(2), msg, route, mp.rt)).toEqual({ kind: "success", reason: "text reply sent through the message API" });
    expect(toReply({ type: "transfer_customer_service", kfAccount: "" }, msg, route, mp.rt).kind).toBe("reply");
    await mp.rt.core.asyncSends.whenIdle();
    expect(sent).toEqual([["/cgi-bin/message/custom/send", { touser: "oUser", msgtype: "text", text: { content: "xx" } }]]);
    const off = testRuntime({ kind: "mini-program" }, { asyncReply: send });
    expect(toReply(text(2), msg, route, off.rt)).toEqual({ kind: "success", reason: "a text reply cannot be the answer here (async-reply is off)" });
    expect(off.logs().some((l) => l.msg === "no passive reply of this type on this surface: not sent (enable async-reply to send it)")).toBe(true);
    expect(sent).toHaveLength(1);
  });

  test("an oversized reply with no form in the surface's message API is counted as refused, not sent", async () => {
    const sent: string[] = [];
    const send: AsyncReplySender = async (_svc, m) => void sent.push(m.path);
    const { rt, metrics, logs } = testRuntime({ "async-reply": true }, { asyncReply: send });
    const huge = { type: "transfer_customer_service", kfAccount: "k".repeat(2100) } as const;
    expect(toReply(huge, msg, route, rt).kind).toBe("success");
    expect(sent).toEqual([]);
    expect(metrics).toContain("asyncReply svc refused");
    expect(logs().some((l) => l.msg === "async reply not sent: the surface's message API has no such message type")).toBe(true);
  });

  test("after the backend: a failure is `success`, counted by category; after the deadline a reply is late", async () => {
    const run = (result: BackendResult, rt = testRuntime().rt, late = false) => {
      const set: FlightStep = (f) => ((f.result = result), late && answerAtDeadline(f), f.proceed());
      return fly(msg, route, rt, rt.deps.now(), { steps: [set, replyFromBackend], onDeadline: answerAtDeadline });
    };
    const failed = testRuntime();
    expect(await run({ ok: false, category: "bad-reply", reason: "unknown reply type" }, failed.rt)).toEqual({ kind: "success", reason: "unknown reply type" });
    // the category is the metric's label; the reason goes to the status page's last errors
    expect(failed.metrics).toContain("fallback svc bad-reply unknown reply type");
    expect((await run({ ok: true, reply: text(2) })).kind).toBe("reply");
    const late = testRuntime({ "reply-timeout-ms": 1500 });
    expect(await run({ ok: true, reply: text(2) }, late.rt, true)).toEqual({ kind: "success", reason: "backend did not answer within 1500 ms" });
    expect(late.metrics).toContain("fallback svc timeout backend did not answer within 1500 ms");
    expect(late.logs().some((l) => l.msg === "late backend reply discarded (enable async-reply to deliver it)")).toBe(true);
  });

  test("a message answered at its deadline is journaled until its backend call is over; one answered in time never is", async () => {
    const journal: string[] = [];
    const deps = {
      journal: {
        acknowledged: (_f: object, service: string, m: InboundMessage) => void journal.push(`ack ${service} ${m.Content}`),
        settled: (f: object) => void journal.push(`settled ${(f as Flight).msg.Content}`),
      },
    };
    const { rt, clock } = testRuntime({ "reply-timeout-ms": 1000 }, deps);
    let backend!: Flight;
    const plan = { steps: [(f: Flight) => (backend = f), replyFromBackend], onDeadline: answerAtDeadline };
    const reply = fly({ ...msg, Content: "slow" }, route, rt, rt.deps.now(), plan);
    clock.advance(1000);
    expect((await reply).kind).toBe("success");
    expect(journal).toEqual(["ack svc slow"]);
    backend.result = { ok: true, reply: text(2) };
    backend.proceed();
    expect(journal).toEqual(["ack svc slow", "settled slow"]);
    const inTime = fly({ ...msg, Content: "fast" }, route, rt, rt.deps.now(), {
      steps: [(f: Flight) => ((f.result = { ok: true, reply: text(2) }), f.proceed()), replyFromBackend],
      onDeadline: answerAtDeadline,
    });
    expect((await inTime).kind).toBe("reply");
    expect(journal).toEqual(["ack svc slow", "settled slow"]);
  });
});
