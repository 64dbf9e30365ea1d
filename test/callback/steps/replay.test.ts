import { describe, expect, test } from "bun:test";
import { guardReplay } from "../../../src/callback/steps/replay";
import { verify } from "../../../src/callback/steps/verify";
import type { GatewayError } from "../../../src/http/errors";
import { testRuntime } from "../../_helpers/runtime";
import { signedQuery } from "../../_helpers/wechat";

const errorOf = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (err: GatewayError) => [err.status, err.message],
  );

describe("replay step", () => {
  test("a nonce used again with another body is a replay (401); WeChat's own retry (same body) passes", async () => {
    const { rt } = testRuntime({ timeout: 10 });
    const query = Object.fromEntries(signedQuery({ timestamp: String(Math.floor(rt.deps.now() / 1000)) }));
    const signed = verify(query, rt, rt.deps.now());
    expect(await errorOf(guardReplay(signed, "<xml>A</xml>", rt, rt.replay!))).toBeNull();
    expect(await errorOf(guardReplay(signed, "<xml>A</xml>", rt, rt.replay!))).toBeNull();
    expect(await errorOf(guardReplay(signed, "<xml>forged</xml>", rt, rt.replay!))).toEqual([401, "nonce already used for another message (replay)"]);
  });

  test("the window is checked again once the body is in: a body trickled in past the nonce's memory is refused", async () => {
    const { rt, clock } = testRuntime({ timeout: 10 });
    const query = Object.fromEntries(signedQuery({ timestamp: String(Math.floor(rt.deps.now() / 1000)) }));
    // WeChat's request: remembered for twice the window
    expect(await errorOf(guardReplay(verify(query, rt, rt.deps.now()), "<xml>A</xml>", rt, rt.replay!))).toBeNull();
    // a captured query sent again at the window's end, its forged body trickling in until the nonce is forgotten
    clock.advance(10_000);
    const replayed = verify(query, rt, rt.deps.now());
    clock.advance(12_000);
    expect(await errorOf(guardReplay(replayed, "<xml>forged</xml>", rt, rt.replay!))).toEqual([401, "timestamp outside the allowed window"]);
  });
});
