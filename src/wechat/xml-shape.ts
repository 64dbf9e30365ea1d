/**
 * @module wechat/xml-shape
 * The object a WeChat XML document becomes, shared by the validating parser (wechat/xml) and the
 * fast scan (wechat/xml-scan) so that neither imports the other and both build the same shape.
 */

export type XmlObject = { [key: string]: XmlValue };
export type XmlValue = string | XmlObject | XmlValue[];

/** Element names WeChat repeats; they are arrays even when only one is present. */
export const ALWAYS_ARRAY: ReadonlySet<string> = new Set(["item", "List"]);
