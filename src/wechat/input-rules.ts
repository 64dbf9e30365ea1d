/**
 * @module wechat/input-rules
 * The limits a callback is held to before anything is forwarded (docs/security.md "Input rules"),
 * shared by the XML and the Channels JSON parsers so both read the same rules. Which fields are ids
 * and integers is the contract's to say (contract/fields); the id pattern is the contract's too.
 */
import { ID_PATTERN, MAX_ID_DIGITS } from "../contract/common";

/**
 * Deepest nesting read in callback XML or Channels JSON, the root counting as level 1. WeChat's
 * deepest documents have four levels (`<xml><SendPicsInfo><PicList><item>`); the bound keeps every
 * walk over a message (conversion, dedup key, JSON.stringify) far from the stack limit, whatever the
 * body size allows.
 */
export const MAX_NESTING = 32;

/** MsgType and Event become the last segment of the backend URL: plain names only, never `.` or `..`. */
export const MAX_SEGMENT_LENGTH = 64;
const SEGMENT = /^[A-Za-z0-9_-]{1,64}$/;

/** true for a name that is safe as one URL path segment (letters, digits, `_`, `-`; 1 to 64). */
export const isSafeSegment = (name: string): boolean => SEGMENT.test(name);

export { MAX_ID_DIGITS };
const ID = new RegExp(ID_PATTERN);

/** true for an id as the contract has it (contract/common `idString`): a string of 1 to 32 decimal digits. */
export const isIdString = (value: string): boolean => ID.test(value);

/** Integers of up to 15 digits: every such number is exact as a JS number. */
const INTEGER = /^-?[0-9]{1,15}$/;

/** The integer written in `value` (surrounding whitespace is layout), or undefined. */
export function integerOf(value: string): number | undefined {
  const trimmed = value.trim();
  return INTEGER.test(trimmed) ? Number(trimmed) : undefined;
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
