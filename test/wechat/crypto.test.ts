import { describe, expect, test } from "bun:test";
import { createCipheriv, randomBytes } from "node:crypto";
import { CryptoError, type CryptoErrorReason, createMessageCrypto, decodeAesKey, msgSignature } from "../../src/wechat/crypto";
import vectorFile from "../fixtures/crypto/vectors.json";

interface Vector {
  name: string;
  source: string;
  token?: string;
  encodingAesKey: string;
  appId: string;
  timestamp?: string;
  nonce?: string;
  random16?: string;
  encrypt: string;
  msgSignature?: string;
  plaintext?: string;
  plaintextIncludes?: string[];
}

const vectors: Vector[] = vectorFile.vectors;
const KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
const APP_ID = "wx2c2769f8efd9abc2";
const crypto = createMessageCrypto(KEY, APP_ID);

/** Runs `fn` and returns the CryptoError's reason; fails on success or on any other exception. */
function reasonOf(fn: () => unknown): CryptoErrorReason {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(CryptoError);
    return (error as CryptoError).reason;
  }
  throw new Error("expected a CryptoError, got a result");
}

/** AES-256-CBC over raw bytes with WeChat's key/IV and no padding: lets a test build any plaintext. */
function rawEncrypt(plain: Buffer, aesKey = KEY): string {
  const key = decodeAesKey(aesKey);
  const cipher = createCipheriv("aes-256-cbc", key, key.subarray(0, 16));
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(plain), cipher.final()]).toString("base64");
}

/** random16 + big-endian length + msg + appId, before padding. */
function frame(msg: string, appId = APP_ID, declaredLength?: number): Buffer {
  const body = Buffer.from(msg, "utf8");
  const length = Buffer.alloc(4);
  length.writeUInt32BE(declaredLength ?? body.length, 0);
  return Buffer.concat([Buffer.alloc(16, 7), length, body, Buffer.from(appId)]);
}

function pad32(data: Buffer): Buffer {
  const n = 32 - (data.length % 32);
  return Buffer.concat([data, Buffer.alloc(n, n)]);
}

describe("published vectors", () => {
  test("the fixture has complete vectors with sources", () => {
    expect(vectors.length).toBeGreaterThanOrEqual(2);
    for (const v of vectors) expect(v.source.length).toBeGreaterThan(20);
    expect(vectors.filter((v) => v.msgSignature && v.plaintext).length).toBeGreaterThanOrEqual(2);
  });

  for (const v of vectors) {
    test(`${v.name}: decrypts to the published plaintext`, () => {
      const plain = createMessageCrypto(v.encodingAesKey, v.appId).decrypt(v.encrypt);
      if (v.plaintext !== undefined) expect(plain).toBe(v.plaintext);
      for (const part of v.plaintextIncludes ?? []) expect(plain).toContain(part);
    });
    if (v.msgSignature) {
      test(`${v.name}: msg_signature matches`, () => {
        expect(msgSignature(v.token ?? "", v.timestamp ?? "", v.nonce ?? "", v.encrypt)).toBe(v.msgSignature!);
        expect(msgSignature(v.token ?? "", v.timestamp ?? "", `${v.nonce}0`, v.encrypt)).not.toBe(v.msgSignature!);
      });
    }
    if (v.random16 && v.plaintext !== undefined) {
      test(`${v.name}: encrypts byte for byte with the published random`, () => {
        const c = createMessageCrypto(v.encodingAesKey, v.appId);
        expect(c.encrypt(v.plaintext!, Buffer.from(v.random16!, "ascii"))).toBe(v.encrypt);
      });
    }
  }
});

describe("decodeAesKey", () => {
  test("a key whose last character carries stray bits still decodes to 32 bytes", () => {
    // 43 characters carry 258 bits; 32 bytes hold 256. "G" is 000110: its low 2 bits are stray,
    // so "E" (000100) is the canonical spelling of the same key, and "A" (000000) is another key.
    expect(Buffer.from(`${KEY}=`, "base64").toString("base64")).not.toBe(`${KEY}=`);
    const lenient = decodeAesKey(KEY);
    expect(lenient.length).toBe(32);
    expect(lenient.equals(decodeAesKey(`${KEY.slice(0, 42)}E`))).toBe(true);
    expect(lenient.equals(decodeAesKey(`${KEY.slice(0, 42)}A`))).toBe(false);
    expect(lenient.subarray(0, 3).toString("latin1")).toBe(Buffer.from("abcd", "base64").toString("latin1"));
  });

  test.each([
    ["empty", ""],
    ["42 characters", KEY.slice(0, 42)],
    ["44 characters", `${KEY}A`],
    ["url-safe alphabet", `${KEY.slice(0, 41)}-_`],
    ["padding inside", `${KEY.slice(0, 42)}=`],
    ["whitespace", `${KEY.slice(0, 42)} `],
    ["non-ASCII", `${KEY.slice(0, 42)}é`],
  ])("rejects %s with reason key", (_label, key) => {
    expect(reasonOf(() => decodeAesKey(key))).toBe("key");
    expect(reasonOf(() => createMessageCrypto(key, APP_ID))).toBe("key");
  });
});

describe("round trip", () => {
  test.each([
    ["empty", ""],
    ["ASCII", "hello"],
    ["Chinese", "你好，世界。消息长度按字节计算"],
    ["emoji", "👍🏽 family: 👨‍👩‍👧 and 🀄"],
    ["CDATA terminator", "<xml><Content><![CDATA[a]]>b]]></Content></xml>"],
    ["2 KB text", "文".repeat(700) + "x".repeat(2)],
  ])("%s", (_label, text) => {
    const fixed = crypto.encrypt(text, Buffer.alloc(16, 1));
    expect(Buffer.from(fixed, "base64").length % 32).toBe(0);
    expect(crypto.decrypt(fixed)).toBe(text);
    const random = crypto.encrypt(text);
    expect(crypto.decrypt(random)).toBe(text);
  });

  test("an aligned message gets a whole 32-byte block of padding", () => {
    const n = 32 * 4 - 16 - 4 - APP_ID.length; // 16 + 4 + n + appId is exactly 4 blocks
    const sealed = Buffer.from(crypto.encrypt("x".repeat(n), Buffer.alloc(16)), "base64");
    expect(sealed.length).toBe(32 * 5);
    expect(crypto.decrypt(sealed.toString("base64"))).toBe("x".repeat(n));
  });

  test("fresh random bytes each call; a random16 that is not 16 bytes is refused", () => {
    expect(crypto.encrypt("same")).not.toBe(crypto.encrypt("same"));
    expect(crypto.encrypt("same", Buffer.alloc(16, 9))).toBe(crypto.encrypt("same", Buffer.alloc(16, 9)));
    expect(() => crypto.encrypt("x", Buffer.alloc(15))).toThrow(RangeError);
  });
});

describe("decrypt errors", () => {
  const good = crypto.encrypt("<xml><Content><![CDATA[hi]]></Content></xml>", Buffer.alloc(16, 3));

  test("the vector used below ends in '='", () => expect(vectors[0]!.encrypt.endsWith("=")).toBe(true));

  test.each([
    ["junk characters", "not base64!"],
    ["missing '=' padding", vectors[0]!.encrypt.replace(/=+$/, "")],
    ["a line break inside", `${good.slice(0, 20)}\n${good.slice(20)}`],
    ["url-safe alphabet", good.replaceAll("+", "-").replaceAll("/", "_") + "-"],
    ["stray bits in the last character", "QR=="],
  ])("bad base64 (%s) → base64", (_label, value) => {
    expect(reasonOf(() => crypto.decrypt(value))).toBe("base64");
  });

  test("empty or truncated ciphertext → padding", () => {
    expect(reasonOf(() => crypto.decrypt(""))).toBe("padding");
    const raw = Buffer.from(good, "base64");
    expect(reasonOf(() => crypto.decrypt(raw.subarray(0, raw.length - 5).toString("base64")))).toBe("padding");
    expect(reasonOf(() => crypto.decrypt(raw.subarray(0, 7).toString("base64")))).toBe("padding");
  });

  test("pad value 0 → padding", () => {
    const body = frame("hi");
    const zeroed = Buffer.concat([body, Buffer.alloc(64 - body.length)]); // last byte 0
    expect(reasonOf(() => crypto.decrypt(rawEncrypt(zeroed)))).toBe("padding");
  });

  test("pad value 33 → padding", () => {
    const body = frame("x".repeat(32 * 3 - 20 - APP_ID.length)); // exactly 3 blocks
    expect(body.length).toBe(96);
    expect(reasonOf(() => crypto.decrypt(rawEncrypt(Buffer.concat([body, Buffer.alloc(32, 33)]))))).toBe("padding");
  });

  test("inconsistent pad bytes → padding", () => {
    const padded = pad32(frame("hello"));
    const pad = padded[padded.length - 1]!;
    expect(pad).toBeGreaterThan(2);
    padded[padded.length - 2] = pad - 1;
    expect(reasonOf(() => crypto.decrypt(rawEncrypt(padded)))).toBe("padding");
  });

  test("length field larger than the data → length", () => {
    expect(reasonOf(() => crypto.decrypt(rawEncrypt(pad32(frame("hello", APP_ID, 0xffffffff)))))).toBe("length");
    expect(reasonOf(() => crypto.decrypt(rawEncrypt(pad32(frame("hello", APP_ID, 5 + APP_ID.length + 1)))))).toBe("length");
    // after padding is stripped there is no room for the 16 random bytes and the length field
    expect(reasonOf(() => crypto.decrypt(rawEncrypt(pad32(Buffer.alloc(10)))))).toBe("length");
  });

  test("wrong app-id → app-id (other, prefix, longer, none)", () => {
    for (const appId of ["wx0000000000000000", APP_ID.slice(0, -1), `${APP_ID}x`, ""]) {
      expect(reasonOf(() => crypto.decrypt(rawEncrypt(pad32(frame("hi", appId)))))).toBe("app-id");
    }
    const sealed = createMessageCrypto(KEY, "wx0000000000000000").encrypt("hi");
    expect(reasonOf(() => crypto.decrypt(sealed))).toBe("app-id");
  });

  test("wrong key → a CryptoError, never plaintext nor another exception", () => {
    const other = createMessageCrypto("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefg", APP_ID);
    expect(["padding", "length", "app-id"]).toContain(reasonOf(() => other.decrypt(good)));
    const v = vectors[0]!;
    expect(reasonOf(() => createMessageCrypto(KEY.replace("a", "b"), v.appId).decrypt(v.encrypt))).toBe("padding");
    for (let i = 0; i < 200; i++) {
      const key = randomBytes(33).toString("base64").slice(0, 43);
      expect(["padding", "length", "app-id"]).toContain(reasonOf(() => createMessageCrypto(key, APP_ID).decrypt(good)));
    }
  });

  test("tampering with any ciphertext block is caught", () => {
    const raw = Buffer.from(good, "base64");
    raw[raw.length - 1]! ^= 0x01;
    expect(["padding", "length", "app-id"]).toContain(reasonOf(() => crypto.decrypt(raw.toString("base64"))));
  });

  test("random input never escapes as another exception", () => {
    for (let i = 0; i < 300; i++) {
      const bytes = randomBytes(1 + (i % 97));
      expect(() => {
        try {
          crypto.decrypt(bytes.toString("base64"));
        } catch (error) {
          if (!(error instanceof CryptoError)) throw error;
        }
      }).not.toThrow();
    }
  });

  test("the error message holds no secret", () => {
    const error = (() => {
      try {
        crypto.decrypt(rawEncrypt(pad32(frame("hi", "wxother"))));
      } catch (e) {
        return e as CryptoError;
      }
      return null;
    })();
    expect(error?.name).toBe("CryptoError");
    expect(error?.message).not.toContain(KEY);
    expect(error?.message).not.toContain("wxother");
  });
});
