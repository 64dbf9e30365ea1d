/**
 * @module wechat/crypto
 * WeChat's message encryption for safe and compatible mode (encrypt_type=aes), as described in
 * WeChat's "消息加解密说明" and implemented by its official WXBizMsgCrypt samples:
 *
 * - AESKey = base64_decode(EncodingAESKey + "="), 32 bytes; AES-256-CBC with IV = AESKey[0..16].
 * - Plaintext = 16 random bytes + 4-byte big-endian length of msg (UTF-8 bytes) + msg + appId,
 *   PKCS#7-padded to a multiple of 32 bytes (pad values 1..32, not AES's 16).
 * - Encrypt = base64(ciphertext); msg_signature = sha1(sort([token, timestamp, nonce, Encrypt]).join("")).
 *
 * Pure and synchronous: the key material is decoded once per service in `createMessageCrypto`.
 */
import { timingSafeEqual } from "node:crypto";
import { createFixedIvCbc } from "./aes-cbc";
import { wechatSignature } from "./signature";

/**
 * Why a message could not be decrypted (or a key could not be used):
 * - `base64`: `Encrypt` is not canonical base64;
 * - `padding`: the ciphertext is empty or not whole AES blocks, or the 32-byte PKCS#7 pad is wrong
 *   (what a wrong key or a tampered last block usually gives);
 * - `length`: the 4-byte length field points past the data (or the data cannot hold it);
 * - `app-id`: the trailing app-id is not this service's;
 * - `key`: the EncodingAESKey is not 43 base64 characters.
 */
export type CryptoErrorReason = "base64" | "padding" | "length" | "app-id" | "key";

/** The one error this module throws; `reason` tells the caller what was wrong, never a secret. */
export class CryptoError extends Error {
  override readonly name = "CryptoError";
  constructor(
    readonly reason: CryptoErrorReason,
    message: string,
  ) {
    super(message);
  }
}

/** WeChat pads to 32-byte blocks (its samples' PKCS7Encoder block_size = 32). */
const PAD_BLOCK = 32;
const RANDOM_BYTES = 16;
const LENGTH_BYTES = 4;
/** room for aes-cbc's chain-reset block in front of the plaintext */
const SCRATCH = 16;
/** 43 characters of the standard base64 alphabet; the admin console generates exactly this. */
const AES_KEY_SHAPE = /^[A-Za-z0-9+/]{43}$/;

/**
 * Decodes a 43-character EncodingAESKey into the 32-byte AES key.
 * Real keys are often non-canonical base64: 43 characters carry 258 bits, so the last character's
 * 2 low bits are stray and often non-zero. WeChat's samples decode leniently and drop them; so do we.
 * @throws CryptoError("key") when the shape is wrong.
 */
export function decodeAesKey(aesKey: string): Buffer {
  if (!AES_KEY_SHAPE.test(aesKey)) throw new CryptoError("key", "EncodingAESKey must be 43 base64 characters");
  const key = Buffer.from(`${aesKey}=`, "base64");
  if (key.length !== 32) throw new CryptoError("key", "EncodingAESKey does not decode to 32 bytes");
  return key;
}

/** Encrypts and decrypts the `Encrypt` values of one service (one key, one appId). */
export interface MessageCrypto {
  /**
   * Base64 `Encrypt` value → the message text (XML, or JSON for Channels shop callbacks).
   * @throws CryptoError with reason "base64" | "padding" | "length" | "app-id"
   */
  decrypt(encrypt: string): string;
  /** Message text → base64 `Encrypt` value; `random16` fixes the 16 leading random bytes (tests only). */
  encrypt(plaintext: string, random16?: Uint8Array): string;
}

/**
 * Creates the crypto for one service. The key is decoded here, once, so a bad key fails at start
 * (CryptoError "key") and the hot path only runs AES.
 */
export function createMessageCrypto(aesKey: string, appId: string): MessageCrypto {
  const key = decodeAesKey(aesKey);
  const cbc = createFixedIvCbc(key, key.subarray(0, 16));
  const appIdBytes = Buffer.from(appId, "utf8");

  function decrypt(encrypt: string): string {
    const data = Buffer.from(encrypt, "base64");
    // Node's decoder skips junk silently; WeChat sends canonical base64, so anything that does not
    // re-encode to itself (stray characters, whitespace, missing "=", stray bits) is refused.
    if (data.toString("base64") !== encrypt) throw new CryptoError("base64", "Encrypt is not canonical base64");
    if (data.length === 0 || data.length % 16 !== 0) {
      throw new CryptoError("padding", "ciphertext is not a whole, non-empty number of AES blocks");
    }
    // WeChat's 32-byte padding is not OpenSSL's 16-byte PKCS#7 check, so we strip it ourselves.
    const body = stripPadding(cbc.decrypt(data));
    if (body.length < RANDOM_BYTES + LENGTH_BYTES) throw new CryptoError("length", "plaintext too short");
    const msgLength = body.readUInt32BE(RANDOM_BYTES);
    const msgEnd = RANDOM_BYTES + LENGTH_BYTES + msgLength;
    if (msgEnd > body.length) throw new CryptoError("length", "message length exceeds the data");
    const tail = body.subarray(msgEnd);
    if (tail.length !== appIdBytes.length || !timingSafeEqual(tail, appIdBytes)) {
      throw new CryptoError("app-id", "message is not for this app-id");
    }
    return body.toString("utf8", RANDOM_BYTES + LENGTH_BYTES, msgEnd);
  }

  function encrypt(plaintext: string, random16?: Uint8Array): string {
    if (random16 !== undefined && random16.length !== RANDOM_BYTES) throw new RangeError("random16 must be 16 bytes");
    // one buffer: [16 bytes of cbc scratch][random 16][length 4][msg][appId][padding to 32]
    const msgLength = Buffer.byteLength(plaintext, "utf8");
    const bodyLength = RANDOM_BYTES + LENGTH_BYTES + msgLength + appIdBytes.length;
    const pad = PAD_BLOCK - (bodyLength % PAD_BLOCK);
    const buffer = Buffer.allocUnsafe(SCRATCH + bodyLength + pad);
    const random = buffer.subarray(SCRATCH, SCRATCH + RANDOM_BYTES);
    if (random16) random.set(random16);
    else crypto.getRandomValues(random);
    buffer.writeUInt32BE(msgLength, SCRATCH + RANDOM_BYTES);
    buffer.write(plaintext, SCRATCH + RANDOM_BYTES + LENGTH_BYTES, "utf8");
    appIdBytes.copy(buffer, SCRATCH + RANDOM_BYTES + LENGTH_BYTES + msgLength);
    buffer.fill(pad, SCRATCH + bodyLength);
    return cbc.encryptAfterScratch(buffer).toString("base64");
  }

  return { decrypt, encrypt };
}

/** msg_signature = sha1 over the sorted [token, timestamp, nonce, Encrypt] (WeChat's 消息体签名). */
export function msgSignature(token: string, timestamp: string, nonce: string, encrypt: string): string {
  return wechatSignature([token, timestamp, nonce, encrypt]);
}

/** Checks strictly: pad value 1..32, not longer than the data, every pad byte equal. */
function stripPadding(plain: Buffer): Buffer {
  const pad = plain[plain.length - 1] ?? 0;
  if (pad < 1 || pad > PAD_BLOCK || pad > plain.length) throw new CryptoError("padding", "bad padding");
  for (let i = plain.length - pad; i < plain.length; i++) {
    if (plain[i] !== pad) throw new CryptoError("padding", "bad padding");
  }
  return plain.subarray(0, plain.length - pad);
}
