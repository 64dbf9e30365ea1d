/**
 * @module wechat/input-rules
 * The limits a callback is held to before anything is forwarded (docs/security.md "Input rules"),
 * shared by the XML and the Channels JSON parsers so both read the same rules. Which fields are ids
 * and integers is the contract's to say (contract/fields); the id pattern is the contract's too.
 */
import { MAX_ID_DIGITS } from "../contract/common";

/**
 * Deepest nesting read in callback XML or Channels JSON, the root counting as level 1. WeChat's
 * deepest documents have four levels (`<xml><SendPicsInfo><PicList><item>`); the bound keeps every
 * walk over a message (conversion, dedup key, JSON.stringify) far from the stack limit, whatever the
 * body size allows.
 */
export const MAX_NESTING = 32;

/** MsgType and Event become the last segment of the backend URL: plain names only, never `.` or `..`. */
export const MAX_SEGMENT_LENGTH = 64;

// These three run on every message (the route, each id, each count): loops over character codes, which
// cost a fraction of a RegExp test. test/wechat/input-rules.test.ts holds them to the patterns they
// replace (SEGMENT, ID_PATTERN, INTEGER there) on generated strings.

const isDigit = (c: number): boolean => c >= 48 && c <= 57;

/** true for a name that is safe as one URL path segment (letters, digits, `_`, `-`; 1 to 64). */
export function isSafeSegment(name: string): boolean {
  const n = name.length;
  if (n === 0 || n > MAX_SEGMENT_LENGTH) return false;
  for (let i = 0; i < n; i++) {
    const c = name.charCodeAt(i);
    const folded = c | 32; // A-Z onto a-z (and a-z onto itself): no other code lands in 97-122
    if (!((folded >= 97 && folded <= 122) || isDigit(c) || c === 95 || c === 45)) return false;
  }
  return true;
}

export { MAX_ID_DIGITS };

/** true for an id as the contract has it (contract/common `idString`, ID_PATTERN): a string of 1 to 32 decimal digits. */
export const isIdString = (value: string): boolean => value.length <= MAX_ID_DIGITS && allDigits(value, 0);

/** `value` from `from` on is one or more ASCII digits */
function allDigits(value: string, from: number): boolean {
  if (from >= value.length) return false;
  for (let i = from; i < value.length; i++) if (!isDigit(value.charCodeAt(i))) return false;
  return true;
}

/** Integers of up to 15 digits (an optional "-" first): every such number is exact as a JS number. */
const MAX_INTEGER_DIGITS = 15;

/** The integer written in `value` (surrounding whitespace is layout), or undefined. */
export function integerOf(value: string): number | undefined {
  // what trim() would remove is only looked for when the text does not start and end as a number
  const trimmed = isDigit(value.charCodeAt(value.length - 1)) && (isDigit(value.charCodeAt(0)) || value.charCodeAt(0) === 45) ? value : value.trim();
  const sign = trimmed.charCodeAt(0) === 45 ? 1 : 0;
  return trimmed.length - sign <= MAX_INTEGER_DIGITS && allDigits(trimmed, sign) ? Number(trimmed) : undefined;
}

/**
 * Where JSON text nests deeper than `max` objects/arrays: the offset of the first bracket beyond
 * the limit, or -1. A linear scan with no recursion, run before JSON.parse, whose own recursion
 * (and ours over its result) would otherwise meet a body of 20 000 brackets.
 */
export function jsonNestingBeyond(json: string, max: number): number {
  let depth = 0;
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (c === 34) {
      // a string: skip to its closing quote, over escapes
      for (i++; i < json.length; i++) {
        const s = json.charCodeAt(i);
        if (s === 92) i++;
        else if (s === 34) break;
      }
    } else if (c === 123 || c === 91) {
      if (++depth > max) return i;
    } else if (c === 125 || c === 93) {
      depth--;
    }
  }
  return -1;
}
