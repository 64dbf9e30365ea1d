import { describe, expect, test } from "bun:test";
import { withinBodyLimit } from "../../src/http/body";
import { GatewayError } from "../../src/http/errors";

describe("withinBodyLimit", () => {
  test("counts UTF-8 bytes, not characters", () => {
    expect(withinBodyLimit("x".repeat(2048), 2048)).toHaveLength(2048);
    expect(withinBodyLimit("中".repeat(682), 2048)).toHaveLength(682); // 2046 bytes
    for (const text of ["x".repeat(2049), "中".repeat(683), "😀".repeat(513)]) {
      let caught: unknown;
      try {
        withinBodyLimit(text, 2048);
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(GatewayError);
      expect((caught as GatewayError).status).toBe(413);
    }
  });
});
