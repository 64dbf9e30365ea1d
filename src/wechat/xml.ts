/**
 * @module wechat/xml
 * WeChat XML in and out. Parsing is configured for hostile input: a DOCTYPE or ENTITY declaration is
 * rejected before the parser sees it (no entity expansion, no XXE), values stay strings (64-bit ids
 * survive), `item`/`List` are always arrays, and whitespace inside values is kept; whitespace around a
 * CDATA section is layout (SPEC §4.2: a pretty-printed document forwards the compact form's values).
 * The document is validated first because the parser alone tolerates mismatched tags. Errors give a
 * position, never a piece of the document: it may be a decrypted message.
 */
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { MAX_NESTING } from "./input-rules";
import { scanSimpleXml } from "./xml-scan";
import { ALWAYS_ARRAY, type XmlObject } from "./xml-shape";

export class XmlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "XmlError";
  }
}

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: true, // only XML's built-in entities: declarations are refused below
  htmlEntities: true,
  trimValues: false, // " hi " typed by a user stays " hi "
  ignoreDeclaration: true,
  ignorePiTags: true,
  isArray: (name) => ALWAYS_ARRAY.has(name),
  // the parser counts the elements above the one it opens: the root is level 1 for us
  maxNestedTags: MAX_NESTING - 1,
});

const DECLARATION = /<!(?:DOCTYPE|ENTITY)/i;
const CDATA_SECTION = /<!\[CDATA\[[\s\S]*?\]\]>/g;
/**
 * Blank runs between markup and a CDATA section (after `>` and before `<![CDATA[`, or after `]]>` and
 * before `<`). CDATA sections, comments and processing instructions are matched whole first, so a
 * blank inside them is never touched; the scan (wechat/xml-scan) drops the same runs.
 */
const CDATA_LAYOUT = /<!\[CDATA\[[\s\S]*?\]\]>|<!--[\s\S]*?-->|<\?[\s\S]*?\?>|(?<=>)[ \t\r\n]+(?=<!\[CDATA\[)|(?<=\]\]>)[ \t\r\n]+(?=<)/g;

/**
 * Parses a WeChat `<xml>…</xml>` document and returns the content of its root element. The common
 * shape is read by a single scan (wechat/xml-scan); everything else — and every error — goes
 * through the validator and the parser below.
 */
export function parseWechatXml(text: string): XmlObject {
  return scanSimpleXml(text) ?? parseWechatXmlFully(text);
}

/** The validating path: DOCTYPE/ENTITY refusal, fast-xml-parser's validator, then its parser. */
export function parseWechatXmlFully(text: string): XmlObject {
  // a user may type "<!DOCTYPE html>" in a message: only a declaration outside CDATA is refused
  if (DECLARATION.test(text) && DECLARATION.test(text.replace(CDATA_SECTION, ""))) {
    throw new XmlError("DOCTYPE/ENTITY declarations are not allowed");
  }
  const valid = XMLValidator.validate(text);
  // the validator's own message quotes tag names and text: only its code and position are kept
  if (valid !== true) throw new XmlError(`malformed XML: ${valid.err.code} at line ${valid.err.line}, column ${valid.err.col}`);
  let doc: Record<string, unknown>;
  try {
    doc = parser.parse(text.includes("<![CDATA[") ? text.replace(CDATA_LAYOUT, keepMarkup) : text) as Record<string, unknown>;
  } catch (err) {
    // the parser refuses names such as <constructor> (prototype pollution): bad input, not a crash
    const deep = /nested/i.test((err as Error).message);
    throw new XmlError(deep ? `XML nested deeper than ${MAX_NESTING} levels` : "malformed XML: an element name the parser refuses");
  }
  const keys = Object.keys(doc);
  if (keys.length !== 1 || keys[0] !== "xml") throw new XmlError("expected a single <xml> root element");
  const root = doc.xml;
  if (root === "") return {};
  if (typeof root !== "object" || root === null || Array.isArray(root)) throw new XmlError("<xml> root has no elements");
  return dropWhitespace(root as XmlObject);
}

const keepMarkup = (match: string): string => (match.charCodeAt(0) === 60 ? match : "");

/** Removes the "#text" whitespace that sits between child elements (kept by trimValues: false). */
function dropWhitespace(node: XmlObject): XmlObject {
  if ("#text" in node) delete node["#text"];
  for (const key in node) {
    const v = node[key];
    if (Array.isArray(v)) {
      for (const el of v) if (typeof el === "object" && !Array.isArray(el)) dropWhitespace(el);
    } else if (typeof v === "object") dropWhitespace(v);
  }
  return node;
}

/** Wraps text in CDATA; a "]]>" inside is split across two sections so it survives. */
export function cdata(text: string): string {
  return `<![CDATA[${text.includes("]]>") ? text.replaceAll("]]>", "]]]]><![CDATA[>") : text}]]>`;
}
