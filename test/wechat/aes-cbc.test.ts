import { describe, expect, test } from "bun:test";
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { createFixedIvCbc } from "../../src/wechat/aes-cbc";

const key = randomBytes(32);
const iv = key.subarray(0, 16);
const reference = {
  encrypt: (plain: Buffer) => Buffer.concat([createCipheriv("aes-256-cbc", key, iv).setAutoPadding(false).update(plain)]),
  decrypt: (ct: Buffer) => createDecipheriv("aes-256-cbc", key, iv).setAutoPadding(false).update(ct),
};

describe("createFixedIvCbc: long-lived contexts give the same bytes as a fresh context per message", () => {
  test("many messages of different lengths, in both directions, interleaved", () => {
    const cbc = createFixedIvCbc(key, iv);
    for (let n = 0; n < 200; n++) {
      const plain = randomBytes(16 * (1 + (n % 13)));
      const withScratch = Buffer.concat([randomBytes(16), plain]); // scratch content must not matter
      const ct = cbc.encryptAfterScratch(withScratch);
      expect(ct.equals(reference.encrypt(plain))).toBe(true);
      expect(cbc.decrypt(ct).equals(plain)).toBe(true);
      const other = randomBytes(32 * (1 + (n % 5)));
      expect(cbc.decrypt(other).equals(reference.decrypt(other))).toBe(true);
    }
  });
  test("partial blocks are refused before they can desynchronise a context", () => {
    const cbc = createFixedIvCbc(key, iv);
    expect(() => cbc.decrypt(randomBytes(33))).toThrow(RangeError);
    expect(() => cbc.encryptAfterScratch(randomBytes(40))).toThrow(RangeError);
    const plain = randomBytes(48);
    expect(cbc.decrypt(reference.encrypt(plain)).equals(plain)).toBe(true);
  });
});
