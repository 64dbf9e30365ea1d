/**
 * @module wechat/lossless-json
 * JSON callbacks parsed without losing a digit. WeChat writes 64-bit ids (a Mini Program's `MsgId`) as
 * bare JSON integers, which JSON.parse rounds above 2^53. The parse reads every number from its
 * source text (JSON.parse's reviver `context.source`): the named id fields must be digit strings,
 * bare or quoted, and become strings digit for digit; any other integer of 16 or more digits becomes a
 * string too; a number out of range is refused. Nesting is bounded before parsing (wechat/input-rules).
 * The Channels shop (wechat/channels) and the Mini Program (wechat/json-message) both parse through here.
 */

import { isIdString, isSafeSegment, jsonNestingBeyond, MAX_ID_DIGITS, MAX_NESTING } from "./input-rules";
import { MessageError } from "./message";

const BIG_INTEGER = /^-?[0-9]{16,}$/;

type Reviver = (key: string, value: unknown, context?: { source?: string }) => unknown;

/**
 * One reviver per set of id fields: built once, not per message. `bareIdFields` are ids only when
 * written as bare numbers (a merchant's own id: digits then, any text when quoted).
 */
export function losslessReviver(idFields: ReadonlySet<string>, bareIdFields: ReadonlySet<string> = new Set()): Reviver {
  return (key, value, context) => {
    if (typeof value === "number") {
      const source = context?.source ?? String(value);
      if (idFields.has(key) || bareIdFields.has(key)) return idOf(key, source);
      if (!Number.isFinite(value)) throw new MessageError(`${isSafeSegment(key) ? key : "a number"} is out of range`);
      return BIG_INTEGER.test(source) ? source : value;
    }
    if (idFields.has(key)) return idOf(key, typeof value === "string" ? value : "");
    return value;
  };
}

function idOf(key: string, text: string): string {
  if (!isIdString(text)) throw new MessageError(`${key} is not an id (1 to ${MAX_ID_DIGITS} digits)`);
  return text;
}

/**
 * Parses a JSON callback body that must be an object. `what` names the body in errors ("Mini Program
 * push"); errors never quote the text (JSON.parse's own message would).
 * @throws MessageError
 */
export function parseJsonObject(text: string, reviver: Reviver, what: string): Record<string, unknown> {
  const tooDeep = jsonNestingBeyond(text, MAX_NESTING);
  if (tooDeep !== -1) throw new MessageError(`${what} nested deeper than ${MAX_NESTING} levels (at offset ${tooDeep})`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text, reviver as (key: string, value: unknown) => unknown);
  } catch (err) {
    if (err instanceof MessageError) throw err;
    throw new MessageError(`${what} is not valid JSON`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new MessageError(`${what} is not a JSON object`);
  return parsed as Record<string, unknown>;
}
