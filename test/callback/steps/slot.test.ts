import { describe, expect, test } from "bun:test";
import { fly } from "../../../src/callback/flight";
import { admit, leaveSlot, takeSlot } from "../../../src/callback/steps/slot";
import { GatewayError } from "../../../src/http/errors";
import { testRuntime } from "../../_helpers/runtime";

const msg = { MsgType: "text" };
const route = { kind: "msg", type: "text", path: "/msg/text" } as const;

describe("slot steps", () => {
  test("admitted messages take workerNum slots in arrival order and count until they leave", async () => {
    const { rt } = testRuntime({ workerNum: 1 });
    const reached: number[] = [];
    const flights = [1, 2].map((i) =>
      fly(msg, route, rt, rt.deps.now(), {
        steps: [admit, takeSlot, (f) => (reached.push(i), f.proceed()), leaveSlot, (f) => f.answer({ kind: "success", reason: `${i}` })],
        onDeadline: () => {},
      }),
    );
    expect(reached).toEqual([1, 2]); // the first left its slot at once, so the second took it
    expect(await Promise.all(flights)).toEqual([
      { kind: "success", reason: "1" },
      { kind: "success", reason: "2" },
    ]);
    expect([rt.limiter.outstanding, rt.limiter.active]).toEqual([0, 0]);
  });

  test("a draining service refuses a new message with 503, so that WeChat sends it again", async () => {
    const { rt } = testRuntime();
    await rt.limiter.drain();
    const refused = fly(msg, route, rt, rt.deps.now(), { steps: [admit, takeSlot], onDeadline: () => {} });
    const err = await refused.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GatewayError);
    expect((err as GatewayError).status).toBe(503);
    expect(rt.limiter.outstanding).toBe(0);
  });
});
