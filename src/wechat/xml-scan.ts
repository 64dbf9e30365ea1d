/**
 * @module wechat/xml-scan
 * The fast path of `parseWechatXml`: one forward scan over the documents WeChat actually sends —
 * an optional `<?xml …?>` declaration, elements without attributes, text, CDATA and XML's five
 * predefined entities — building the same object the validating parser builds. Anything outside
 * that subset, and anything malformed, returns `undefined`, and the caller runs the full
 * validator + parser, which decides (and words the error) exactly as before. So this scan never
 * accepts a document the full path refuses and never changes a value; it only skips the work for
 * the common case (test/wechat/xml-scan.test.ts compares both on generated documents). A blank run
 * next to a CDATA section is layout and dropped, as the full path drops it (wechat/xml `CDATA_LAYOUT`).
 * `scanFlatXml` is the same scan cut down to flat documents, building the forwarded message directly.
 */
import { MAX_NESTING } from "./input-rules";
import { ALWAYS_ARRAY, type XmlObject, type XmlValue } from "./xml-shape";

/** Names the full parser renames or refuses (prototype pollution guards): left to it. */
const RESERVED = new Set([...Object.getOwnPropertyNames(Object.prototype), "prototype", "#text"]);
/** The declaration in its usual forms only; anything unusual is the full parser's to judge. */
const DECLARATION = /^<\?xml version="1\.[0-9]"(?: encoding="[A-Za-z][A-Za-z0-9._-]*")?(?: standalone="(?:yes|no)")? ?\?>/;
const ENTITIES = new Map([
  ["lt", "<"],
  ["gt", ">"],
  ["amp", "&"],
  ["quot", '"'],
  ["apos", "'"],
]);

interface Frame {
  readonly name: string;
  text: string;
  children: XmlObject | null;
}

const LT = 60,
  GT = 62,
  SLASH = 47,
  BANG = 33;

/** Parses `text` when it is in the simple subset; `undefined` means "use the full parser". */
export function scanSimpleXml(text: string): XmlObject | undefined {
  let i = prologEnd(text);
  if (i === -1) return undefined;
  const n = text.length;
  const stack: Frame[] = [];
  let root: Frame | undefined;
  /** the last thing read was a CDATA section (a blank run after it is layout) */
  let afterCdata = false;
  while (i < n) {
    const top = stack[stack.length - 1];
    if (text.charCodeAt(i) !== LT) {
      const next = text.indexOf("<", i);
      const end = next === -1 ? n : next;
      if (top === undefined) {
        if (!isBlank(text, i, end)) return undefined;
      } else if (top.children === null) {
        if (isLayout(text, i, end, afterCdata)) {
          i = end;
          continue;
        }
        const piece = decodeText(text.slice(i, end));
        if (piece === undefined) return undefined;
        top.text += piece;
      } else {
        const amp = text.indexOf("&", i);
        if (amp !== -1 && amp < end) return undefined; // text beside elements is dropped; its entities are the full path's call
      }
      i = end;
      afterCdata = false;
      continue;
    }
    const c1 = text.charCodeAt(i + 1);
    afterCdata = false;
    if (c1 === SLASH) {
      if (top === undefined || !text.startsWith(top.name, i + 2)) return undefined;
      const close = i + 2 + top.name.length;
      if (text.charCodeAt(close) !== GT) return undefined;
      stack.pop();
      i = close + 1;
      const parent = stack[stack.length - 1];
      if (parent === undefined) root = top;
      else attach(parent, top.name, top.children ?? top.text);
    } else if (c1 === BANG) {
      if (top === undefined || !text.startsWith("<![CDATA[", i)) return undefined;
      const end = text.indexOf("]]>", i + 9);
      if (end === -1) return undefined;
      if (top.children === null) top.text += text.slice(i + 9, end);
      i = end + 3;
      afterCdata = true;
    } else {
      const nameEnd = scanName(text, i + 1);
      if (nameEnd === -1 || root !== undefined || stack.length >= MAX_NESTING) return undefined;
      const name = text.slice(i + 1, nameEnd);
      if (RESERVED.has(name)) return undefined;
      const c = text.charCodeAt(nameEnd);
      if (c === GT) {
        stack.push({ name, text: "", children: null });
        i = nameEnd + 1;
      } else if (c === SLASH && text.charCodeAt(nameEnd + 1) === GT) {
        if (top === undefined) return undefined; // an empty root: the full path decides
        attach(top, name, "");
        i = nameEnd + 2;
      } else {
        return undefined; // attributes, whitespace in the tag: the full path
      }
    }
  }
  if (stack.length !== 0 || root === undefined || root.name !== "xml" || root.children === null) return undefined;
  return root.children;
}

/**
 * The flattest case, which is most of WeChat's traffic (text, image, voice, location, link and most
 * events): `<xml>` whose children are all text. Builds the caller's object directly, `leaf` giving
 * each value, with no frames and no second pass; `undefined` for anything else (nested, repeated or
 * array-typed elements, text beside the children), which then takes `scanSimpleXml`. For the
 * documents it reads, the result equals `scanSimpleXml`'s with `leaf` applied to each value.
 */
export function scanFlatXml<T>(text: string, leaf: (name: string, value: string) => T): Record<string, T> | undefined {
  let i = prologEnd(text);
  if (i === -1) return undefined;
  let open = text.indexOf("<", i);
  if (open === -1 || !isBlank(text, i, open) || !text.startsWith("<xml>", open)) return undefined;
  i = open + 5;
  const out: Record<string, T> = {};
  let count = 0;
  for (;;) {
    open = text.indexOf("<", i);
    if (open === -1) return undefined;
    if (!isBlank(text, i, open)) return undefined; // text beside the children: scanSimpleXml decides
    if (text.charCodeAt(open + 1) === SLASH) {
      if (!text.startsWith("</xml>", open)) return undefined;
      i = open + 6;
      return count > 0 && isBlank(text, i, text.length) ? out : undefined;
    }
    const nameEnd = scanName(text, open + 1);
    if (nameEnd === -1) return undefined;
    const name = text.slice(open + 1, nameEnd);
    if (RESERVED.has(name) || ALWAYS_ARRAY.has(name) || Object.hasOwn(out, name)) return undefined;
    let value = "";
    const c = text.charCodeAt(nameEnd);
    if (c === SLASH && text.charCodeAt(nameEnd + 1) === GT) {
      i = nameEnd + 2;
    } else if (c === GT) {
      i = nameEnd + 1;
      for (let afterCdata = false; ; afterCdata = true) {
        const lt = text.indexOf("<", i);
        if (lt === -1) return undefined;
        if (lt > i && !isLayout(text, i, lt, afterCdata)) {
          const piece = decodeText(text.slice(i, lt));
          if (piece === undefined) return undefined;
          value += piece;
        }
        if (text.charCodeAt(lt + 1) === SLASH) {
          const close = lt + 2 + name.length;
          if (!text.startsWith(name, lt + 2) || text.charCodeAt(close) !== GT) return undefined;
          i = close + 1;
          break;
        }
        if (!text.startsWith("<![CDATA[", lt)) return undefined; // a nested element: not flat
        const end = text.indexOf("]]>", lt + 9);
        if (end === -1) return undefined;
        value += text.slice(lt + 9, end);
        i = end + 3;
      }
    } else {
      return undefined;
    }
    out[name] = leaf(name, value);
    count++;
  }
}

/** Where the document after its declaration starts, or -1 when the full parser must read it. */
function prologEnd(text: string): number {
  // the full parser normalises CR LF and strips a BOM: those documents go there
  if (text.includes("\r") || text.charCodeAt(0) === 0xfeff) return -1;
  if (!text.startsWith("<?xml")) return 0;
  const decl = DECLARATION.exec(text);
  return decl === null ? -1 : decl[0].length;
}

function attach(parent: Frame, name: string, value: XmlValue): void {
  const children = (parent.children ??= {});
  const known = children[name];
  if (ALWAYS_ARRAY.has(name)) {
    if (known === undefined) children[name] = [value];
    else (known as XmlValue[]).push(value);
  } else if (known === undefined) children[name] = value;
  else if (Array.isArray(known)) known.push(value);
  else children[name] = [known, value];
}

/** End of an ASCII XML name starting at `i` ([A-Za-z_][A-Za-z0-9_.-]*), or -1. */
function scanName(text: string, i: number): number {
  let c = text.charCodeAt(i);
  if (!((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95)) return -1;
  for (i++; ; i++) {
    c = text.charCodeAt(i);
    if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95 || c === 46 || c === 45) continue;
    return i;
  }
}

/** A blank run that sits after a CDATA section or before one: layout, not content. */
function isLayout(text: string, from: number, to: number, afterCdata: boolean): boolean {
  return (afterCdata || text.startsWith("<![CDATA[", to)) && isBlank(text, from, to);
}

function isBlank(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 10 && c !== 9) return false;
  }
  return true;
}

/** Decodes XML's five predefined entities in one pass; any other `&` → undefined (full path). */
function decodeText(piece: string): string | undefined {
  let amp = piece.indexOf("&");
  if (amp === -1) return piece;
  let out = "";
  let from = 0;
  while (amp !== -1) {
    const semi = piece.indexOf(";", amp + 1);
    const value = semi === -1 ? undefined : ENTITIES.get(piece.slice(amp + 1, semi));
    if (value === undefined) return undefined;
    out += piece.slice(from, amp) + value;
    from = semi + 1;
    amp = piece.indexOf("&", from);
  }
  return out + piece.slice(from);
}
