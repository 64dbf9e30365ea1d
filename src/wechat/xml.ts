/**
 * @module wechat/xml
 * WeChat XML in and out. Parsing is configured for hostile input: a DOCTYPE or ENTITY declaration is
 * rejected before the parser sees it (no entity expansion, no XXE), values stay strings (64-bit ids
 * survive), `item`/`List` are always arrays, and whitespace inside values is kept. The document is
 * validated first because the parser alone tolerates mismatched tags.
 */
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { scanSimpleXml } from "./xml-scan";

export class XmlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "XmlError";
  }
}

/** Element names WeChat repeats; they are arrays even when only one is present. */
const ALWAYS_ARRAY = new Set(["item", "List"]);

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
});

const DECLARATION = /<!(?:DOCTYPE|ENTITY)/i;
const CDATA_SECTION = /<!\[CDATA\[[\s\S]*?\]\]>/g;

export type XmlObject = { [key: string]: XmlValue };
export type XmlValue = string | XmlObject | XmlValue[];

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
  if (valid !== true) throw new XmlError(`malformed XML: ${valid.err.msg} (line ${valid.err.line})`);
  let doc: Record<string, unknown>;
  try {
    doc = parser.parse(text) as Record<string, unknown>;
  } catch (err) {
    // the parser refuses names such as <constructor> (prototype pollution): bad input, not a crash
    throw new XmlError(`malformed XML: ${(err as Error).message}`);
  }
  const keys = Object.keys(doc);
  if (keys.length !== 1 || keys[0] !== "xml") throw new XmlError("expected a single <xml> root element");
  const root = doc.xml;
  if (root === "") return {};
  if (typeof root !== "object" || root === null || Array.isArray(root)) throw new XmlError("<xml> root has no elements");
  return dropWhitespace(root as XmlObject);
}

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
