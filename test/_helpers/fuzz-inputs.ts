/**
 * @module test/_helpers/fuzz-inputs
 * Seeded mutations of valid callbacks for the attack fuzzer (test/attack/fuzz.test.ts): callback XML
 * and Channels JSON with hostile values in the fields that decide routing and identity, deep nesting,
 * duplicate elements and keys, entity and DOCTYPE injection, byte flips, truncation, random unicode and
 * pretty-printing. Everything comes from one PRNG, so a seed names the same inputs on every run.
 */
import { LAYOUTS, prettyXml } from "./pretty-xml";

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
export function createRng(seed: number): Rng {
  let s = seed | 0;
  const next = () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return { next, int, pick: <T>(xs: readonly T[]) => xs[int(xs.length)] as T };
}

export interface Rng {
  next(): number;
  /** 0 ≤ result < n */
  int(n: number): number;
  pick<T>(xs: readonly T[]): T;
}

export interface Mutated {
  readonly text: string;
  /** the mutations applied, for the failure report */
  readonly steps: readonly string[];
}

/** Values aimed at routing (MsgType, Event), integers and ids. */
export const HOSTILE_VALUES = [
  "..",
  ".",
  "../admin",
  "a/b",
  "%2e%2e",
  "&#46;&#46;",
  "&#x2e;",
  "",
  " ",
  "x".repeat(65),
  "事件",
  "a b",
  "a\\b",
  "CLICK?x=1",
  "#frag",
  "1e400",
  "-0",
  "-1",
  "1.5",
  "0x10",
  "18446744073709551616123456789012345",
  "٣",
  "1\u0000",
  "NaN",
  "Infinity",
  "null",
  "true",
];
const JSON_VALUES = [
  "1e400",
  "-1e400",
  "-0",
  "1.5",
  "-1",
  "123456789012345678901234567890",
  "0",
  "null",
  "true",
  "[]",
  "{}",
  '"abc"',
  '""',
  '".."',
  '"../x"',
  '"1e3"',
  '"٣"',
  "[1,2]",
  '{"a":1}',
  '"\\u0000"',
  '"\\ud800"',
  "1E2",
  "0.0000001",
];
const UNICODE = ["\u0000", "\u0001", "\u202e", "\ufeff", "\ufffe", "\ud800", "\udc00", "😀", "中", "\r", "\r\n", "\u2028", "]]>", "<", "&", '"', "\\"];
const BYTES = [..."<>/&;![]\"'= a0{}:,\\", "\n", "\t"];
const XML_FIELDS = ["MsgType", "Event", "CreateTime", "MsgId", "MsgID", "Count", "Scale", "EventKey", "FromUserName", "ToUserName", "Content"];
const JSON_KEYS = ["order_id", "after_sale_order_id", "CreateTime", "Event", "MsgType", "pay_time", "product_id", "FromUserName", "status"];

const flip = (r: Rng, s: string) => {
  const at = r.int(s.length + 1);
  return s.slice(0, at) + r.pick(BYTES) + s.slice(at + (r.next() < 0.5 ? 1 : 0));
};
const truncate = (r: Rng, s: string) => s.slice(0, r.int(s.length));
const unicode = (r: Rng, s: string) => {
  const at = r.int(s.length + 1);
  const random = r.next() < 0.5 ? r.pick(UNICODE) : String.fromCodePoint(r.int(0x10ffff + 1 - 0x800) + (r.next() < 0.5 ? 0 : 0x800));
  return s.slice(0, at) + random + s.slice(at);
};
const depth = (r: Rng) => r.pick([31, 32, 33, 100, 1000, 10_000]);

const XML_MUTATIONS: Record<string, (r: Rng, s: string) => string> = {
  flip,
  truncate,
  unicode,
  value: (r, s) => {
    const field = r.pick(XML_FIELDS);
    const value = r.pick(HOSTILE_VALUES);
    const wrapped = r.next() < 0.5 ? `<![CDATA[${value}]]>` : value;
    return s.includes(`<${field}>`)
      ? s.replace(new RegExp(`<${field}>[\\s\\S]*?</${field}>`), `<${field}>${wrapped}</${field}>`)
      : s.replace("</xml>", `<${field}>${wrapped}</${field}></xml>`);
  },
  duplicate: (r, s) => {
    const field = r.pick(XML_FIELDS);
    const m = new RegExp(`<${field}>[\\s\\S]*?</${field}>`).exec(s);
    return m ? s.replace(m[0], r.next() < 0.5 ? m[0] + m[0] : `${m[0]}<${field}>${r.pick(HOSTILE_VALUES)}</${field}>`) : s;
  },
  doctype: (r, s) =>
    r.pick([
      `<!DOCTYPE xml [<!ENTITY x SYSTEM "file:///etc/passwd">]>${s.replace("</Content>", "&x;</Content>")}`,
      `<!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>${s.replace("<xml>", "<xml><B>&b;</B>")}`,
      s.replace("<xml>", '<xml><!ENTITY e "x">'),
      s.replace("</xml>", "<E>&nbsp;&#0;&#xD800;&undefined;</E></xml>"),
    ]),
  nest: (r, s) => {
    const n = depth(r);
    return s.replace("</xml>", `${"<a>".repeat(n)}x${"</a>".repeat(n)}</xml>`);
  },
  pretty: (r, s) => prettyXml(s, r.pick(LAYOUTS)),
  markup: (r, s) =>
    r.pick([
      s.replace("<MsgType>", '<MsgType a="1">'),
      s.replace("<xml>", "<xml><!-- c -->"),
      s.replace("<xml>", "<?pi x?><xml>"),
      s.replace("</xml>", "<constructor>1</constructor><__proto__><x>1</x></__proto__></xml>"),
      s.replace("]]>", "]]]]><![CDATA[>"),
      s.replace("<xml>", "<xml><xml>"),
      `${s}<xml/>`,
    ]),
};

const JSON_MUTATIONS: Record<string, (r: Rng, s: string) => string> = {
  flip,
  truncate,
  unicode,
  value: (r, s) => {
    const key = r.pick(JSON_KEYS);
    const value = r.pick(JSON_VALUES);
    const re = new RegExp(`"${key}":("(?:[^"\\\\]|\\\\.)*"|[^,}\\]]*)`);
    return re.test(s) ? s.replace(re, `"${key}":${value}`) : s.replace("{", `{"${key}":${value},`);
  },
  duplicate: (r, s) => s.replace("{", `{"${r.pick(JSON_KEYS)}":${r.pick(JSON_VALUES)},`).replace(/}\s*$/, `,"Event":${r.pick(['".."', '"e"', "1", "null"])}}`),
  nest: (r, s) => {
    const n = depth(r);
    const [open, close] = r.pick([
      ['{"a":', "}"],
      ["[", "]"],
      ['{"a":[', "]}"],
    ]);
    return s.replace("{", `{"deep":${open.repeat(n)}1${close.repeat(n)},`);
  },
  proto: (_r, s) => s.replace("{", '{"__proto__":{"Event":".."},"constructor":{"prototype":{"x":1}},'),
  layout: (r, s) => (r.next() < 0.5 ? s.replaceAll("\n", "\r\n\t") : s.replace(/("(?:[^"\\]|\\.)*")|\s+/g, (_, str: string | undefined) => str ?? "")),
};

/** 1–3 mutations of `doc`; `json` picks the JSON mutators. */
export function mutate(r: Rng, doc: string, json: boolean): Mutated {
  const table = json ? JSON_MUTATIONS : XML_MUTATIONS;
  const names = Object.keys(table);
  const steps: string[] = [];
  let text = doc;
  for (let n = 1 + r.int(3); n > 0; n--) {
    const name = r.pick(names);
    try {
      text = table[name]!(r, text);
      steps.push(name);
    } catch {
      steps.push(`${name} (skipped: the test's own pretty-printer recurses)`);
    }
  }
  return { text, steps };
}
