/**
 * @module callback/dedup/key-hash
 * The 32-bit hash of a dedup key that the in-flight and reply tables index by. One function for all
 * of them, so a message's key is hashed once and the hash serves every lookup and insert of it.
 */

/** xxHash32 of the key as an int32 */
export const keyHash = (key: string): number => Bun.hash.xxHash32(key) | 0;
