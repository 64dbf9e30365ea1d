import { describe, expect, test } from "bun:test";
import { cdata, parseWechatXml, XmlError } from "../../src/wechat/xml";

describe("parseWechatXml", () => {
  test("values stay strings, so 64-bit ids keep every digit", () => {
    const m = parseWechatXml("<xml><MsgId>18446744073709551615</MsgId><CreateTime>1700000000</CreateTime></xml>");
    expect(m.MsgId).toBe("18446744073709551615");
    expect(m.CreateTime).toBe("1700000000");
  });
  test("whitespace inside values is kept, whitespace between elements is dropped", () => {
    const m = parseWechatXml("<xml>\n  <Content><![CDATA[  two spaces  ]]></Content>\n  <A> b </A>\n</xml>");
    expect(m).toEqual({ Content: "  two spaces  ", A: " b " });
  });
  test("a single <item> is still a list, and so is a single <List>", () => {
    const m = parseWechatXml("<xml><PicList><item><PicMd5Sum>a</PicMd5Sum></item></PicList><E><List><T>1</T></List></E></xml>");
    expect(m.PicList).toEqual({ item: [{ PicMd5Sum: "a" }] });
    expect(m.E).toEqual({ List: [{ T: "1" }] });
  });
  test("CDATA keeps markup and entities literally; plain text decodes XML's entities", () => {
    const m = parseWechatXml("<xml><C><![CDATA[<b>&amp;</b>]]></C><P>a &amp; b &lt;</P></xml>");
    expect(m.C).toBe("<b>&amp;</b>");
    expect(m.P).toBe("a & b <");
  });
  test("a DOCTYPE or ENTITY declaration is refused before parsing", () => {
    expect(() => parseWechatXml('<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><xml><a>&e;</a></xml>')).toThrow(XmlError);
    expect(() => parseWechatXml('<xml><!ENTITY e "x"><a>1</a></xml>')).toThrow(XmlError);
  });
  test("a user typing <!DOCTYPE html> inside CDATA is not refused", () => {
    expect(parseWechatXml("<xml><Content><![CDATA[<!DOCTYPE html> is html5]]></Content></xml>").Content).toBe("<!DOCTYPE html> is html5");
  });
  test("malformed documents throw XmlError", () => {
    for (const bad of ["<xml><a>1</b></xml>", "<xml><a>1</a>", "plain", "<root><a>1</a></root>", "<xml><a>1</a></xml><xml/>"]) {
      expect(() => parseWechatXml(bad)).toThrow(XmlError);
    }
  });
});

describe("cdata", () => {
  test("splits ]]> so it survives a round trip", () => {
    const text = "a]]>b]]>c 中文 😀";
    expect(parseWechatXml(`<xml><C>${cdata(text)}</C></xml>`).C).toBe(text);
  });
});
