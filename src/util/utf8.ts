/**
 * @module util/utf8
 * Byte limits on strings without counting bytes when the length alone settles it.
 */

/** True when `text` takes more than `maxBytes` bytes as UTF-8. */
export function exceedsUtf8Bytes(text: string, maxBytes: number): boolean {
  // a UTF-16 unit is at most 3 UTF-8 bytes: short strings skip the byte count
  return text.length * 3 > maxBytes && Buffer.byteLength(text) > maxBytes;
}
