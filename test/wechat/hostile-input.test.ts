/**
 * The input rules of the parsers (docs/security.md "Input rules"): nesting depth, the route segment
 * (MsgType/Event), integers and ids, layout whitespace, and errors that never quote the message.
 */
import { describe, expect, test } from "bun:test";
import { toChannelsMessage } from "../../src/wechat/channels";
import { extractJsonEncrypt } from "../../src/wechat/envelope";
import { MessageError, parseInboundXml, routeOf } from "../../src/wechat/message";
import { parseWechatXml, parseWechatXmlFully, XmlError } from "../../src/wechat/xml";

/** The documented nesting limit (the root is level 1). */
const MAX_NESTING = 32;
const SECRET = "S3CRET_PAYLOAD";

const xml = (fields: string) => `<xml><ToUserName>gh</ToUserName><FromUserName>oU</FromUserName>${fields}</xml>`;
const text = (extra = "", createTime = "1700000000") =>
  xml(`<CreateTime>${createTime}</CreateTime><MsgType>text</MsgType><Content>hi</Content><MsgId>123</MsgId>${extra}`);
/** `f` throws a parse error (400), never something else, and its message holds no piece of `doc`. */
function refused(f: () => unknown, quoted = SECRET): string {
  let error: unknown;
  try {
    f();
  } catch (err) {
    error = err;
  }
  expect(error instanceof MessageError || error instanceof XmlError).toBe(true);
  const message = (error as Error).message;
  expect(message).not.toContain(quoted);
  return message;
}

describe("MsgType and Event are plain path segments", () => {
  test("'..', '.', slashes, spaces, encodings and over-long names are refused", () => {
    const bad = ["..", ".", "a/b", "a\\b", "%2e%2e", "a b", "a.b", "事件", "x".repeat(65), `${SECRET}/..`];
    for (const type of bad) {
      expect([type, refused(() => routeOf(parseInboundXml(xml(`<MsgType>${type}</MsgType><MsgId>1</MsgId>`))))]).toEqual([
        type,
        expect.stringContaining("MsgType"),
      ]);
      expect([type, refused(() => routeOf(parseInboundXml(xml(`<MsgType>event</MsgType><Event>${type}</Event>`))))]).toEqual([
        type,
        expect.stringContaining("Event"),
      ]);
      const channels = JSON.stringify({ MsgType: "event", Event: type, CreateTime: 1 });
      expect([type, refused(() => routeOf(toChannelsMessage(channels)))]).toEqual([type, expect.stringContaining("Event")]);
    }
  });
  test("letters, digits, _ and - up to 64 characters are routes", () => {
    for (const type of ["text", "CLICK", "subscribe_msg_popup_event", "a-b", "x".repeat(64)]) {
      expect(routeOf(parseInboundXml(xml(`<MsgType>event</MsgType><Event>${type}</Event>`))).path).toBe(`/event/${type}`);
    }
  });
});

describe("integers and ids (SPEC §4.3)", () => {
  test("a CreateTime or count that is not an integer is refused, naming the element", () => {
    for (const value of ["abc", "", "1.5", "1e3", "0x10", "12345678901234567", `${SECRET}`]) {
      expect(refused(() => parseInboundXml(text("", value)))).toContain("CreateTime");
      expect(refused(() => parseInboundXml(text(`<Scale>${value}</Scale>`)))).toContain("Scale");
      // nested counts too (the full path)
      expect(refused(() => parseInboundXml(text(`<SendPicsInfo><Count>${value}</Count></SendPicsInfo>`)))).toContain("Count");
    }
    expect(parseInboundXml(text("", " 1700000000 ")).CreateTime).toBe(1700000000);
  });
  test("ids are digit strings: anything else is refused", () => {
    for (const value of ["abc", "", "-1", "1.0", "1e3", " ", `${SECRET}`, "1".repeat(33)]) {
      expect(refused(() => parseInboundXml(xml(`<CreateTime>1</CreateTime><MsgType>text</MsgType><MsgId>${value}</MsgId>`)))).toContain("MsgId");
      expect(refused(() => parseInboundXml(xml(`<CreateTime>1</CreateTime><MsgType>event</MsgType><Event>X</Event><MsgID>${value}</MsgID>`)))).toContain(
        "MsgID",
      );
    }
    expect(parseInboundXml(text()).MsgId).toBe("123");
  });
  test("a field that must be single (header, type, integer, id) is refused when repeated", () => {
    for (const name of ["MsgType", "CreateTime", "MsgId", "FromUserName", "ToUserName"]) {
      const doc = text().replace("</xml>", `<${name}>1</${name}></xml>`);
      expect(refused(() => parseInboundXml(doc))).toContain(name);
    }
  });
});

describe("Channels JSON: exact ids, bounded nesting", () => {
  const order = (id: string, extra = "") =>
    `{"ToUserName":"gh","FromUserName":"oB","CreateTime":1700000000,"MsgType":"event","Event":"channels_ec_order_pay","order_info":{"order_id":${id}${extra}}}`;
  test("ids keep their exact digits, bare or quoted", () => {
    expect((toChannelsMessage(order("3705115058471208928")).order_info as { order_id: string }).order_id).toBe("3705115058471208928");
    expect((toChannelsMessage(order('"3705115058471208928"')).order_info as { order_id: string }).order_id).toBe("3705115058471208928");
    expect((toChannelsMessage(order("12")).order_info as { order_id: string }).order_id).toBe("12");
  });
  test("an id that is not a digit string is refused: 1e400, -0, 1.5, -1, strings, null, objects", () => {
    for (const id of ["1e400", "-0", "1.5", "-1", "1E3", '"abc"', '""', "null", "true", "{}", "[1]", `"${SECRET}"`]) {
      expect([id, refused(() => toChannelsMessage(order(id)))]).toEqual([id, expect.stringContaining("order_id")]);
    }
  });
  test("other numbers: out of range is refused, 16+ digit integers become exact strings", () => {
    refused(() => toChannelsMessage(order("1", ',"pay_time":1e400')));
    refused(() => toChannelsMessage(order("1", ',"pay_time":-1e999')));
    const msg = toChannelsMessage(order("1", ',"big":12345678901234567890,"small":-5,"f":1.25'));
    expect(msg.order_info).toEqual({ order_id: "1", big: "12345678901234567890", small: -5, f: 1.25 });
  });
  test("CreateTime must be an integer", () => {
    for (const t of ['"abc"', "1.5", "null", "{}", "1e400"]) {
      expect([t, refused(() => toChannelsMessage(`{"Event":"e","CreateTime":${t}}`))]).toEqual([t, expect.stringContaining("CreateTime")]);
    }
    expect(toChannelsMessage('{"Event":"e","CreateTime":"1700000000"}').CreateTime).toBe(1700000000);
  });
  test(`nesting up to ${MAX_NESTING} levels is read; deeper is refused with a reason, at any size`, () => {
    const nest = (levels: number) => `{"Event":"e","a":${'{"a":'.repeat(levels - 1)}1${"}".repeat(levels - 1)}}`;
    expect(() => toChannelsMessage(nest(MAX_NESTING))).not.toThrow();
    expect(refused(() => toChannelsMessage(nest(MAX_NESTING + 1)))).toContain(`${MAX_NESTING}`);
    const deep = `{"Event":"e","a":${'{"a":['.repeat(10_000)}1${"]}".repeat(10_000)}}`;
    expect(refused(() => toChannelsMessage(deep))).toContain("nest");
    expect(refused(() => toChannelsMessage(`{"Event":"e","a":${"[".repeat(20_000)}${"]".repeat(20_000)}}`))).toContain("nest");
    // brackets inside strings are text, not nesting
    expect(toChannelsMessage(`{"Event":"e","s":"${"[{".repeat(100)}"}`).s).toBe("[{".repeat(100));
  });
  test("the encrypted envelope of a hostile body is refused without an exception", () => {
    expect(extractJsonEncrypt(`{"Encrypt":"x","a":${"[".repeat(200_000)}${"]".repeat(200_000)}}`)).toBeNull();
  });
  test("keys such as __proto__ stay data", () => {
    const msg = toChannelsMessage('{"Event":"e","__proto__":{"polluted":1}}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(msg)).toBe(Object.prototype);
  });
});

describe("XML layout and errors", () => {
  test("whitespace and line breaks around CDATA are layout; inside CDATA they are content", () => {
    const pretty =
      "<xml>\n  <ToUserName>\n    <![CDATA[gh]]>\n  </ToUserName>\n  <MsgType> <![CDATA[event]]> </MsgType>\n  <Event>\t<![CDATA[CLICK]]>\n</Event>\n" +
      "  <EventKey> <![CDATA[ k ]]> <![CDATA[2]]> </EventKey>\n  <CreateTime> 1 </CreateTime>\n</xml>";
    const want = { ToUserName: "gh", MsgType: "event", Event: "CLICK", EventKey: " k 2", CreateTime: 1 };
    expect(parseInboundXml(pretty)).toEqual(want);
    expect(parseInboundXml(pretty.replaceAll("\n", "\r\n"))).toEqual(want); // the full path
    expect(parseWechatXmlFully(pretty)).toEqual(parseWechatXml(pretty));
    // text beside CDATA that is not blank is content, kept
    expect(parseWechatXml("<xml><a>x <![CDATA[y]]> z</a></xml>")).toEqual({ a: "x y z" });
    expect(parseWechatXml("<xml><a> </a></xml>")).toEqual({ a: " " });
  });
  test(`XML nesting beyond ${MAX_NESTING} levels is refused with a reason`, () => {
    const nest = (levels: number) => `<xml><MsgType>t</MsgType>${"<a>".repeat(levels - 1)}1${"</a>".repeat(levels - 1)}</xml>`;
    expect(() => parseInboundXml(nest(MAX_NESTING))).not.toThrow();
    expect(refused(() => parseInboundXml(nest(MAX_NESTING + 1)))).toContain(`${MAX_NESTING}`);
    expect(refused(() => parseInboundXml(nest(50_000)))).toContain(`${MAX_NESTING}`);
  });
  test("parse errors name a position or an element, never the message's text", () => {
    const docs = [
      `<xml><${SECRET}>1</${SECRET}x></xml>`,
      `<xml><a>${SECRET}</xml>`,
      `<xml><a ${SECRET}=1>x</a></xml>`,
      `<xml><constructor>${SECRET}</constructor></xml>`,
      `<xml><${SECRET}>`,
      `<xml>&${SECRET};</xml>`,
      `<${SECRET}/>`,
    ];
    for (const doc of docs) refused(() => parseInboundXml(doc));
  });
});
