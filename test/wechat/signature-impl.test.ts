import { describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { safeEqual, verifySignature, wechatSignature } from "../../src/wechat/signature";

const nodeSha1 = (parts: string[]) =>
  createHash("sha1")
    .update([...parts].sort().join(""))
    .digest("hex");

describe("signature implementation (Bun.SHA1, char-wise constant-time compare)", () => {
  test("wechatSignature equals node:crypto's sha1 over the sorted parts, UTF-8 included", () => {
    for (const parts of [
      ["bench_token", "1700000000", "12345"],
      ["令牌", "1700000000", "n😀", "Encrypt+/="],
      ["", "", ""],
    ]) {
      expect(wechatSignature(parts)).toBe(nodeSha1(parts));
    }
  });
  test("the order is the default sort's (code units) for every arrangement, duplicates and prefixes included", () => {
    const pool = ["1700000000", "17", "Z", "a", "a", "", "😀", "\uffff", "Encrypt+/="];
    for (let seed = 1; seed <= 300; seed++) {
      const n = 3 + (seed % 2);
      const parts = Array.from({ length: n }, (_, i) => pool[(seed * 7 + i * 13 + ((seed * i) % 5)) % pool.length]!);
      expect(wechatSignature(parts)).toBe(nodeSha1(parts));
    }
  });
  test("the parts are not reordered in place", () => {
    const parts = ["c", "b", "a"];
    wechatSignature(parts);
    expect(parts).toEqual(["c", "b", "a"]);
  });
  test("verifySignature accepts upper-case hex and refuses any other difference", () => {
    const parts = ["tok", "1700000000", "42"];
    const sig = nodeSha1(parts);
    expect(verifySignature(sig, parts)).toBe(true);
    expect(verifySignature(sig.toUpperCase(), parts)).toBe(true);
    expect(verifySignature(`${sig.slice(0, -1)}${sig.endsWith("0") ? "1" : "0"}`, parts)).toBe(false);
    expect(verifySignature(sig.slice(1), parts)).toBe(false);
    expect(verifySignature("", parts)).toBe(false);
  });
  test("safeEqual compares whole strings, lengths included", () => {
    expect(safeEqual("abc", "abc")).toBe(true);
    expect(safeEqual("令牌", "令牌")).toBe(true);
    expect(safeEqual("abc", "abd")).toBe(false);
    expect(safeEqual("abc", "abcd")).toBe(false);
    expect(safeEqual("", "")).toBe(true);
    expect(safeEqual("\ud800", "\udc00")).toBe(false); // lone surrogates no longer collapse to U+FFFD
  });
});
