import { describe, expect, test } from "bun:test";
import { type Flight, type FlightPlan, type FlightStep, fly, lateFlight } from "../../src/callback/flight";
import type { WechatReply } from "../../src/wechat/reply";
import { testRuntime } from "../_helpers/runtime";

const msg = { MsgType: "text", Content: "hi" };
const route = { kind: "msg", type: "text", path: "/msg/text" } as const;
const answer = (reason: string): WechatReply => ({ kind: "success", reason });

describe("flight", () => {
  test("runs the steps in order, each when the one before calls proceed(), and answers once", async () => {
    const { rt } = testRuntime({ "reply-timeout-ms": 1000 });
    const seen: string[] = [];
    let later!: Flight;
    const plan: FlightPlan = {
      steps: [
        (f) => (seen.push("a"), f.proceed()),
        (f) => (seen.push("b"), (later = f)), // waits, as a slot or a fetch does
        (f) => (seen.push("c"), f.answer(answer("first")), f.answer(answer("second")), f.proceed()),
        (f) => seen.push(`d late=${f.late}`),
      ],
      onDeadline: (f) => f.answer(answer("deadline")),
    };
    const reply = fly(msg, route, rt, rt.deps.now(), plan);
    expect(seen).toEqual(["a", "b"]);
    later.proceed();
    expect(await reply).toEqual(answer("first"));
    expect(seen).toEqual(["a", "b", "c", "d late=true"]);
    expect(rt.core.deadlines.size).toBe(0); // answering cancelled the deadline
  });

  test("the deadline answers first, counted from the arrival; the steps still run, late", async () => {
    const { rt, clock } = testRuntime({ "reply-timeout-ms": 1000 });
    const started = rt.deps.now();
    clock.advance(300); // e.g. reading the body
    let waiting!: Flight;
    const lateSeen: boolean[] = [];
    const plan: FlightPlan = {
      steps: [(f) => (waiting = f), (f) => (lateSeen.push(f.late), f.answer(answer("from the steps")))],
      onDeadline: (f) => f.answer(answer("deadline")),
    };
    const reply = fly(msg, route, rt, started, plan);
    let settled = false;
    void reply.then(() => (settled = true));
    clock.advance(699);
    await Promise.resolve();
    expect(settled).toBe(false);
    clock.advance(1);
    expect(await reply).toEqual(answer("deadline"));
    waiting.proceed();
    expect(lateSeen).toEqual([true]);
  });

  test("a step that throws fails the request; a failure after the answer is dropped", async () => {
    const { rt } = testRuntime();
    const boom: FlightStep = () => {
      throw new Error("boom");
    };
    await expect(fly(msg, route, rt, rt.deps.now(), { steps: [boom], onDeadline: () => {} })).rejects.toThrow("boom");
    const answered = fly(msg, route, rt, rt.deps.now(), { steps: [(f) => (f.answer(answer("ok")), f.proceed()), boom], onDeadline: () => {} });
    expect(await answered).toEqual(answer("ok"));
  });

  test("a late flight (WeChat answered already): no deadline, every answer late and dropped, a failure logged", () => {
    const { rt, logs } = testRuntime({ "reply-timeout-ms": 1000 });
    const seen: boolean[] = [];
    const flight = lateFlight(msg, route, rt, {
      steps: [
        (f) => (seen.push(f.late), f.answer(answer("nobody waits")), f.proceed()),
        () => {
          throw new Error("backend step broke");
        },
      ],
      onDeadline: () => seen.push(false),
    });
    expect(rt.core.deadlines.size).toBe(0);
    flight.proceed();
    expect(seen).toEqual([true]);
    const line = logs().find((l) => l.msg === "a message answered already failed before its backend call was over");
    expect(line?.err).toBe("Error: backend step broke");
  });

  test("the flight is the limiter's job: run() is the next step", () => {
    const { rt } = testRuntime({ workerNum: 1 });
    const ran: number[] = [];
    const plan = (i: number): FlightPlan => ({ steps: [(f) => rt.limiter.enter(f), () => ran.push(i)], onDeadline: () => {} });
    void fly(msg, route, rt, rt.deps.now(), plan(1));
    void fly(msg, route, rt, rt.deps.now(), plan(2));
    expect(ran).toEqual([1]);
    rt.limiter.release();
    expect(ran).toEqual([1, 2]);
  });
});
