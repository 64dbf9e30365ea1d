import { describe, expect, test } from "bun:test";
import { parse } from "../../../src/callback/steps/parse";
import type { GatewayError } from "../../../src/http/errors";
import { testRuntime } from "../../_helpers/runtime";

const statusAndMessage = (text: string, format: "xml" | "json" = "xml", service: Record<string, unknown> = {}) => {
  try {
    parse({ text, format, encrypted: false }, testRuntime(service).rt);
    return [0, ""];
  } catch (err) {
    return [(err as GatewayError).status, (err as GatewayError).message];
  }
};

describe("parse step", () => {
  test("whatever the parser refuses is a 400 with its reason, never a 500", () => {
    expect(statusAndMessage("<xml><MsgType>text</MsgType><CreateTime>soon</CreateTime></xml>")).toEqual([400, expect.stringContaining("CreateTime")]);
    expect(statusAndMessage("<xml><MsgType>text")[0]).toBe(400);
    expect(statusAndMessage("<xml></xml>")).toEqual([400, expect.stringContaining("MsgType")]);
    expect(statusAndMessage('{"Event":1}', "json", { "is-channels-ec": true })).toEqual([400, expect.stringContaining("Event")]);
  });

  test("a good message is the profile's typed message", () => {
    const msg = parse(
      { text: "<xml><MsgType>text</MsgType><Content>hi</Content><CreateTime>5</CreateTime></xml>", format: "xml", encrypted: false },
      testRuntime().rt,
    );
    expect([msg.MsgType, msg.Content, msg.CreateTime]).toEqual(["text", "hi", 5]);
  });
});
