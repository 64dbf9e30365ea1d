/**
 * The character loops of wechat/input-rules against the patterns they stand for: the route segment,
 * the contract's id pattern and the integer rule (an optional "-", 1 to 15 digits, whitespace around
 * it trimmed as String.prototype.trim does), on generated strings and on the edge cases.
 */
import { describe, expect, test } from "bun:test";
import { ID_PATTERN } from "../../src/contract/common";
import { integerOf, isIdString, isSafeSegment, MAX_SEGMENT_LENGTH } from "../../src/wechat/input-rules";

const SEGMENT = new RegExp(`^[A-Za-z0-9_-]{1,${MAX_SEGMENT_LENGTH}}$`);
const ID = new RegExp(ID_PATTERN);
const INTEGER = /^-?[0-9]{1,15}$/;
const integerByPattern = (value: string): number | undefined => (INTEGER.test(value.trim()) ? Number(value.trim()) : undefined);

/** letters and digits and their look-alikes, signs, dots, and what trim() removes or keeps */
const ALPHABET = [..."09az AZ_-.+/@`[{", "\t", "\n", "\r", "\v", "\f", "\u00a0", "\u2028", "\ufeff", "\u3000", "\u200b", "٣", "０", "ａ", "é", "事"];

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

function* generated(count: number): Generator<string> {
  const random = prng(7);
  const digits = () => String(Math.floor(random() * 1e9)).repeat(1 + Math.floor(random() * 4));
  for (let k = 0; k < count; k++) {
    const length = Math.floor(random() * 40);
    let s = "";
    for (let i = 0; i < length; i++) s += ALPHABET[Math.floor(random() * ALPHABET.length)];
    yield s;
    // near misses of valid values: digits with something around or inside them
    const d = digits();
    yield d.slice(0, 1 + Math.floor(random() * 40));
    yield `${s.slice(0, 2)}${d}${s.slice(2, 4)}`;
    yield `-${d.slice(0, 1 + Math.floor(random() * 17))}`;
  }
}

const EDGES = [
  "",
  "-",
  "--1",
  "-0",
  "0",
  "+1",
  " 1",
  "1 ",
  " -12 ",
  "\u00a07\u00a0",
  "\ufeff7",
  "1\u200b",
  "1e5",
  "0x1",
  "1.0",
  "9".repeat(15),
  "9".repeat(16),
  `-${"9".repeat(15)}`,
  `-${"9".repeat(16)}`,
  "7".repeat(32),
  "7".repeat(33),
  "x".repeat(64),
  "x".repeat(65),
  "a-b_C9",
  "a.b",
  "..",
  "Z",
  "[",
  "`",
  "@",
  "{",
];

describe("input rules agree with their patterns", () => {
  test("isSafeSegment, isIdString and integerOf on edge cases and 20 000 generated strings", () => {
    for (const s of [...EDGES, ...generated(5000)]) {
      expect([s, isSafeSegment(s)]).toEqual([s, SEGMENT.test(s)]);
      expect([s, isIdString(s)]).toEqual([s, ID.test(s)]);
      expect([s, integerOf(s)]).toEqual([s, integerByPattern(s)]);
    }
  });

  test("a negative zero and whitespace around an integer read as the pattern reads them", () => {
    expect(Object.is(integerOf("-0"), -0)).toBe(true);
    expect(integerOf(" \n -42\t")).toBe(-42);
    expect(integerOf("\u00a0 7")).toBe(7);
    expect(integerOf("1".repeat(16))).toBeUndefined();
  });
});
