import { describe, expect, test } from "bun:test";
import { unreadableBody, withinLimit } from "../../../src/callback/steps/body";
import { GatewayError } from "../../../src/http/errors";
import { testRuntime } from "../../_helpers/runtime";

describe("body step", () => {
  test("the service's byte limit counts UTF-8 bytes (413 beyond)", () => {
    const { rt } = testRuntime({ "max-body-bytes": 1024 });
    expect(withinLimit("中".repeat(341), rt)).toHaveLength(341); // 1023 bytes
    expect(() => withinLimit("中".repeat(342), rt)).toThrow(GatewayError);
  });

  test("a read that fails is the client's: 413 over the server's limit, 400 when the body stops; other errors are not", () => {
    const over = unreadableBody(new Error("Request body exceeded maxRequestBodySize"));
    expect([over?.status, over?.message]).toEqual([413, "body exceeds the server's request body limit"]);
    const dropped = unreadableBody(new DOMException("The connection was closed.", "AbortError"));
    expect([dropped?.status, dropped?.message]).toEqual([400, "the request body could not be read to its end"]);
    expect(unreadableBody(new TypeError("x is not a function"))).toBeNull();
    expect(unreadableBody("a string")).toBeNull();
  });
});
