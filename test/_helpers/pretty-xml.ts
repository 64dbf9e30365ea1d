/**
 * @module test/_helpers/pretty-xml
 * Re-lays out a callback XML document the way tools and SDK test suites write it (SPEC §4.2):
 * indentation, CRLF, whitespace around CDATA sections. Only layout changes: text-only elements stay
 * inline (their whitespace would be content), and CDATA content is never touched.
 */

type Node = { readonly name: string; readonly selfClosing: boolean; readonly kids: Array<Node | string> };

const TOKEN = /<\?[\s\S]*?\?>|<!\[CDATA\[[\s\S]*?\]\]>|<\/[^>]+>|<[^>]+>|[^<]+/g;
const isCdata = (x: Node | string): x is string => typeof x === "string" && x.startsWith("<![CDATA[");
const isBlank = (x: Node | string) => typeof x === "string" && !isCdata(x) && /^[ \t\r\n]*$/.test(x);

/** The document as a tree of elements, text pieces and CDATA sections (the declaration dropped). */
function parse(xml: string): Node {
  const root: Node = { name: "", selfClosing: false, kids: [] };
  const stack: Node[] = [root];
  for (const [token] of xml.matchAll(TOKEN)) {
    const top = stack[stack.length - 1]!;
    if (token.startsWith("<?")) continue;
    if (token.startsWith("</")) stack.pop();
    else if (token.startsWith("<![CDATA[") || !token.startsWith("<")) top.kids.push(token);
    else {
      const selfClosing = token.endsWith("/>");
      const node: Node = { name: token.slice(1, selfClosing ? -2 : -1), selfClosing, kids: [] };
      top.kids.push(node);
      if (!selfClosing) stack.push(node);
    }
  }
  return dropLayout(root);
}

/** Blank text between elements, or next to a CDATA section, is layout: the compact form has none. */
function dropLayout(node: Node): Node {
  const layout = node.kids.some((k) => typeof k !== "string" || isCdata(k));
  const kids = node.kids.filter((k) => !(layout && isBlank(k))).map((k) => (typeof k === "string" ? k : dropLayout(k)));
  return { ...node, kids };
}

export interface Layout {
  readonly name: string;
  /** between elements, and between a tag and a CDATA section ("" for the compact form) */
  readonly sep: string;
  /** one level of indentation */
  readonly indent: string;
  /** what sits right before and after a CDATA section */
  readonly pad: string;
  readonly declaration?: boolean;
}

const COMPACT: Layout = { name: "compact", sep: "", indent: "", pad: "" };

export const LAYOUTS: readonly Layout[] = [
  { name: "indented, LF", sep: "\n", indent: "  ", pad: "" },
  { name: "spaces around CDATA", sep: " ", indent: "", pad: " " },
  { name: "declaration, CRLF, tabs", sep: "\r\n", indent: "\t", pad: "\t", declaration: true },
];

function print(node: Node, depth: number, l: Layout): string {
  const ind = l.indent.repeat(depth);
  if (node.selfClosing) return `${ind}<${node.name}/>`;
  const open = `<${node.name}>`;
  const close = `</${node.name.split(/\s/)[0]}>`;
  // an element with text in it is printed as it is: whitespace there is content
  if (node.kids.some((k) => typeof k === "string" && !isCdata(k))) {
    return `${ind}${open}${node.kids.map((k) => (typeof k === "string" ? k : print(k, 0, COMPACT))).join("")}${close}`;
  }
  const inner = node.kids.map((k) => (typeof k === "string" ? `${l.indent.repeat(depth + 1)}${l.pad}${k}${l.pad}` : print(k, depth + 1, l)));
  return `${ind}${open}${l.sep}${inner.join(l.sep)}${l.sep}${ind}${close}`;
}

/** The document without layout: the reference for what a pretty-printed one must forward. */
export function compactXml(xml: string): string {
  return prettyXml(xml, COMPACT);
}

/** The same document re-laid out with `layout`. */
export function prettyXml(xml: string, layout: Layout): string {
  const body = parse(xml)
    .kids.map((k) => (typeof k === "string" ? "" : print(k, 0, layout)))
    .join("");
  return `${layout.declaration ? `<?xml version="1.0" encoding="UTF-8"?>${layout.sep}` : ""}${body}${layout.sep}`;
}
