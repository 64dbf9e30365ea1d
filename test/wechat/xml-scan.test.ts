import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseInboundXml, toInboundMessage } from "../../src/wechat/message";
import { parseWechatXml, parseWechatXmlFully } from "../../src/wechat/xml";
import { scanFlatXml, scanSimpleXml } from "../../src/wechat/xml-scan";

const FIXTURES = join(import.meta.dir, "../fixtures/xml");

function full(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: parseWechatXmlFully(text) };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}

/** Deterministic PRNG (mulberry32), so a failure names a reproducible document. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NAMES = ["a", "b", "item", "List", "MsgId", "Content", "x.y", "_z", "A-1", "toString", "constructor", "xml", "a:b"];
const TEXTS = [
  "",
  " ",
  "1",
  "hello",
  "18446744073709551615",
  "a &amp; b",
  "&lt;&gt;&quot;&apos;",
  "&amp;lt;",
  "&foo;",
  "&#65;",
  "&nbsp;",
  "x]]>y",
  "\u0001\u001f",
  "中文😀",
  "\n",
  "\t",
  "<![CDATA[cd]]>",
  "<![CDATA[<b>&amp;</b>]]>",
  "<![CDATA[]]>",
  "<![CDATA[<!DOCTYPE html>]]>",
  "<!-- c -->",
  "<?pi x?>",
  "&",
  "\r\n",
  ">",
];
const PROLOGS = ["", "", "", '<?xml version="1.0" encoding="UTF-8"?>', '<?xml version="1.0"?>\n', " ", "\ufeff", "<!DOCTYPE xml>", "<?xml?>"];
const EPILOGS = ["", "", "\n", " x", "<a/>", "<!-- end -->"];
const MUTATION_CHARS = `<>/&;![]"' a=`;
/** the pieces the scan reads itself; the others are mixed in for the other half of the documents */
const SIMPLE = (x: string) => !/^(?:toString|constructor|a:b)$|&(?!amp;|lt;|gt;|quot;|apos;)|\r|<!--|<\?pi|\ufeff|DOCTYPE|<\?xml\?>/.test(x);

function generate(next: () => number, clean: boolean): string {
  const from = <T extends string>(xs: readonly T[]) => (clean ? xs.filter(SIMPLE) : xs);
  const names = from(NAMES),
    texts = from(TEXTS),
    prologs = from(PROLOGS),
    epilogs = clean ? ["", "\n"] : EPILOGS;
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] as T;
  const text = () => Array.from({ length: Math.floor(next() * 3) }, () => pick(texts)).join("");
  const ws = () => pick(["", "", "\n  ", " "]);
  const element = (depth: number): string => {
    const name = pick(names);
    const form = clean ? 0.1 + next() * 0.9 : next();
    if (form < 0.1) return `<${name}/>`;
    if (form < 0.15 && !clean) return `<${name} k="v">${text()}</${name}>`;
    if (form < 0.18 && !clean) return `<${name} >${text()}</${name} >`;
    if (depth < 3 && form < 0.5) {
      const kids = Array.from({ length: 1 + Math.floor(next() * 3) }, () => ws() + element(depth + 1)).join("");
      return `<${name}>${next() < 0.1 ? text() : ""}${kids}${ws()}</${name}>`;
    }
    return `<${name}>${text()}</${name}>`;
  };
  const root = clean || next() < 0.9 ? "xml" : pick(NAMES);
  const kids = Array.from({ length: Math.floor(next() * 5) }, () => ws() + element(1)).join("");
  let doc = `${pick(prologs)}<${root}>${kids}${ws()}</${root}>${pick(epilogs)}`;
  for (let m = !clean && next() < 0.5 ? 1 + Math.floor(next() * 2) : 0; m > 0; m--) {
    const at = Math.floor(next() * doc.length);
    const op = next();
    if (op < 0.4) doc = doc.slice(0, at) + doc.slice(at + 1);
    else if (op < 0.8) doc = doc.slice(0, at) + pick([...MUTATION_CHARS]) + doc.slice(at);
    else doc = doc.slice(0, at);
  }
  return doc;
}

describe("scanSimpleXml agrees with the validating parser", () => {
  test("on 20000 generated and mutated documents: whatever the scan reads, the full path reads the same", () => {
    const next = rng(7);
    const mismatches: string[] = [];
    let scanned = 0;
    let declined = 0;
    for (let n = 0; n < 20000; n++) {
      const doc = generate(next, n % 2 === 0);
      const fast = scanSimpleXml(doc);
      if (fast === undefined) {
        declined++;
        continue;
      }
      scanned++;
      const reference = full(doc);
      if (!reference.ok) mismatches.push(`${JSON.stringify(doc)}: scan read it, the full path says ${reference.error}`);
      else if (!Bun.deepEquals(fast, reference.value, true)) {
        mismatches.push(`${JSON.stringify(doc)}: ${JSON.stringify(fast)} vs ${JSON.stringify(reference.value)}`);
      }
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
    // both sides are exercised
    expect(scanned).toBeGreaterThan(3000);
    expect(declined).toBeGreaterThan(3000);
  });

  test("every WeChat fixture takes the fast path and gives the full path's object", () => {
    const files = readdirSync(FIXTURES).filter((f) => f.endsWith(".xml"));
    expect(files.length).toBeGreaterThan(20);
    for (const f of files) {
      const doc = readFileSync(join(FIXTURES, f), "utf8");
      const fast = scanSimpleXml(doc);
      expect(fast === undefined ? `${f}: declined` : f).toBe(f);
      expect(fast).toEqual(parseWechatXmlFully(doc));
    }
  });

  test("what the scan leaves to the full path", () => {
    const declined = [
      "<xml><a>1</b></xml>", // mismatched: the full path words the error
      "<xml><a>1</a>",
      "<xml/>",
      "<xml></xml>",
      "<xml> </xml>",
      "<root><a>1</a></root>",
      "<xml><a>1</a></xml><xml/>",
      '<xml><a k="v">1</a></xml>',
      "<xml><!-- c --><a>1</a></xml>",
      "<!DOCTYPE x><xml><a>1</a></xml>",
      "\ufeff<xml><a>1</a></xml>",
      "<xml><a>1\r\n2</a></xml>",
      "<xml><a>&#65;</a></xml>",
      "<xml><a>&nbsp;</a></xml>",
      "<xml><toString>1</toString></xml>",
      "<xml><constructor>1</constructor></xml>",
      "<xml><a>1</a ></xml>",
    ];
    for (const doc of declined) expect([doc, scanSimpleXml(doc)]).toEqual([doc, undefined]);
  });

  test("parseWechatXml keeps the full path's answers and errors", () => {
    expect(parseWechatXml("<xml><a>&#65;&nbsp;</a></xml>")).toEqual({ a: "A\u00a0" });
    expect(() => parseWechatXml("<xml><a>1</b></xml>")).toThrow("malformed XML");
    expect(() => parseWechatXml('<!DOCTYPE x [<!ENTITY e "e">]><xml><a>&e;</a></xml>')).toThrow("DOCTYPE/ENTITY");
    // the parser's prototype-pollution refusal is malformed input (400), not an internal error
    expect(() => parseWechatXml("<xml><constructor>1</constructor></xml>")).toThrow("malformed XML");
    expect(parseWechatXml("<xml><Content><![CDATA[a\u0001b]]></Content></xml>")).toEqual({ Content: "a\u0001b" });
  });
});

describe("scanFlatXml reads the flat documents exactly as scanSimpleXml does", () => {
  const tag = (name: string, value: string) => `${name}=${value}`;

  test("on 20000 generated and mutated documents: whatever it reads equals scanSimpleXml's object, leaf applied", () => {
    const next = rng(11);
    const mismatches: string[] = [];
    let flat = 0;
    let declined = 0;
    for (let n = 0; n < 20000; n++) {
      const doc = generate(next, n % 2 === 0);
      const fast = scanFlatXml(doc, tag);
      if (fast === undefined) {
        declined++;
        continue;
      }
      flat++;
      const simple = scanSimpleXml(doc);
      const expected =
        simple === undefined ? undefined : Object.fromEntries(Object.entries(simple).map(([k, v]) => [k, typeof v === "string" ? tag(k, v) : v]));
      if (!Bun.deepEquals(fast, expected, true)) mismatches.push(`${JSON.stringify(doc)}: ${JSON.stringify(fast)} vs ${JSON.stringify(expected)}`);
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
    expect(flat).toBeGreaterThan(1000);
    expect(declined).toBeGreaterThan(3000);
  });

  test("what it leaves to scanSimpleXml: nesting, repeats, array names, text beside the children", () => {
    const declined = [
      "<xml><a><b>1</b></a></xml>",
      "<xml><a>1</a><a>2</a></xml>",
      "<xml><item>1</item></xml>",
      "<xml><List>1</List></xml>",
      "<xml>t<a>1</a></xml>",
      "<xml><a>1</a>t</xml>",
      "<xml><![CDATA[x]]><a>1</a></xml>",
      "<xml></xml>",
      "<xml><a>1</a></xml><a/>",
      "<xml><a>1</b></xml>",
      "<xml><a>&#65;</a></xml>",
      "<xml><toString>1</toString></xml>",
      '<xml><a k="v">1</a></xml>',
    ];
    for (const doc of declined) expect([doc, scanFlatXml(doc, tag)]).toEqual([doc, undefined]);
    expect(scanFlatXml('<?xml version="1.0"?>\n<xml>\n <a>x &amp; <![CDATA[<y>]]></a><b/></xml>\n', tag)).toEqual({ a: "a=x & <y>", b: "b=" });
  });

  test("parseInboundXml gives toInboundMessage's message for every fixture and for nested documents", () => {
    const files = readdirSync(FIXTURES).filter((f) => f.endsWith(".xml"));
    let flat = 0;
    for (const f of files) {
      const doc = readFileSync(join(FIXTURES, f), "utf8");
      if (scanFlatXml(doc, tag) !== undefined) flat++;
      expect([f, parseInboundXml(doc)]).toEqual([f, toInboundMessage(parseWechatXmlFully(doc))]);
    }
    // most fixtures are flat (text, image, subscribe ...), some nested (menu pics, scancode)
    expect(flat).toBeGreaterThan(files.length / 2);
    expect(flat).toBeLessThan(files.length);
    const msg = parseInboundXml("<xml><MsgType>text</MsgType><CreateTime> 17 </CreateTime><MsgId>18446744073709551615</MsgId></xml>");
    expect(msg).toEqual({ MsgType: "text", CreateTime: 17, MsgId: "18446744073709551615" });
    expect(() => parseInboundXml("<xml><Content>x</Content></xml>")).toThrow("MsgType is missing");
  });
});
