import { describe, expect, test } from "bun:test";
import { checkWindow, verify, verifyUrl } from "../../../src/callback/steps/verify";
import type { GatewayError } from "../../../src/http/errors";
import { testRuntime } from "../../_helpers/runtime";
import { signedQuery } from "../../_helpers/wechat";

const at = (unixS: number) => Object.fromEntries(signedQuery({ timestamp: String(unixS) }));
const statusOf = (fn: () => unknown) => {
  try {
    fn();
    return 0;
  } catch (err) {
    return (err as GatewayError).status;
  }
};

describe("verify step", () => {
  test("the signature is the profile's; the timestamp window (timeout) is checked both ways", () => {
    const { rt } = testRuntime({ timeout: 10 });
    const nowMs = 1_700_000_000_000;
    expect(verify(at(1_700_000_010), rt, nowMs).timestamp).toBe("1700000010");
    expect(verify(at(1_699_999_990), rt, nowMs).timestamp).toBe("1699999990");
    expect(statusOf(() => verify(at(1_700_000_011), rt, nowMs))).toBe(401);
    expect(statusOf(() => verify(at(1_699_999_989), rt, nowMs))).toBe(401);
    expect(statusOf(() => verify({ ...at(1_700_000_000), signature: "0".repeat(40) }, rt, nowMs))).toBe(401);
  });

  test("timeout 0 accepts any timestamp; URL verification has the window too", () => {
    expect(verify(at(1), testRuntime({ timeout: 0 }).rt, 1_700_000_000_000).timestamp).toBe("1");
    const { rt } = testRuntime({ timeout: 10 });
    expect(verifyUrl({ ...at(1_700_000_000), echostr: "e" }, rt, 1_700_000_000_000)).toBe("e");
    expect(statusOf(() => verifyUrl({ ...at(1_700_000_000), echostr: "e" }, rt, 1_700_000_011_000))).toBe(401);
  });

  test("checkWindow judges a signed query at a later time", () => {
    const { rt } = testRuntime({ timeout: 10 });
    const signed = verify(at(1_700_000_000), rt, 1_700_000_000_000);
    expect(() => checkWindow(signed, rt, 1_700_000_010_999)).not.toThrow();
    expect(statusOf(() => checkWindow(signed, rt, 1_700_000_011_000))).toBe(401);
  });
});
