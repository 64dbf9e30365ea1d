/**
 * @module wechat/aes-cbc
 * AES-256-CBC for one fixed key and IV — WeChat's message encryption uses IV = key[0..16] for every
 * message — on two long-lived OpenSSL contexts instead of a createCipheriv/createDecipheriv per
 * message (an object per message for the GC to walk; docs/performance.md).
 *
 * CBC chains every block to the previous ciphertext block, so a context that has processed a
 * message holds that message's last ciphertext block where the IV was. One extra leading block puts
 * the real IV back:
 * - decrypting, the extra ciphertext block is the IV itself (its plaintext is discarded);
 * - encrypting, the extra plaintext block is D(IV) xor chain, whose ciphertext is exactly the IV.
 * Only whole blocks go in and OpenSSL's padding is off (WeChat pads to 32 bytes itself), so a
 * context never holds data back between messages. Synchronous, so calls never interleave.
 */
import { createCipheriv, createDecipheriv } from "node:crypto";

const BLOCK = 16;

export interface FixedIvCbc {
  /** Ciphertext (whole blocks) → plaintext. @throws RangeError when not whole blocks */
  decrypt(ciphertext: Uint8Array): Buffer;
  /**
   * Encrypts `buffer` after its first 16 bytes, which are scratch space for the chain reset; the
   * rest must be whole blocks. Returns the ciphertext of the rest (a view of a new buffer).
   */
  encryptAfterScratch(buffer: Buffer): Buffer;
}

export function createFixedIvCbc(key: Uint8Array, iv: Uint8Array): FixedIvCbc {
  if (iv.length !== BLOCK) throw new RangeError("the IV must be 16 bytes");
  const decipher = createDecipheriv("aes-256-cbc", key, iv).setAutoPadding(false);
  const cipher = createCipheriv("aes-256-cbc", key, iv).setAutoPadding(false);
  const ecb = createDecipheriv("aes-256-ecb", key, null).setAutoPadding(false);
  const decryptedIv = ecb.update(iv); // D(IV)
  const ivBlock = Buffer.from(iv);
  const chain = Buffer.from(iv); // the encrypting context's current chaining block

  return {
    decrypt(ciphertext) {
      if (ciphertext.length % BLOCK !== 0) throw new RangeError("ciphertext is not whole AES blocks");
      decipher.update(ivBlock); // chain := IV
      return decipher.update(ciphertext);
    },
    encryptAfterScratch(buffer) {
      if (buffer.length < BLOCK || buffer.length % BLOCK !== 0) throw new RangeError("plaintext is not whole AES blocks");
      for (let i = 0; i < BLOCK; i++) buffer[i] = (decryptedIv[i] as number) ^ (chain[i] as number);
      const out = cipher.update(buffer);
      out.copy(chain, 0, out.length - BLOCK);
      return out.subarray(BLOCK);
    },
  };
}
