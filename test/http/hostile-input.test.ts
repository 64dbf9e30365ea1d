/**
 * Hostile callback bodies through the real gateway (issue 16, defects 5, 6, 9): deep Channels JSON,
 * MsgType/Event that would leave the backend prefix, non-numeric CreateTime and counts, ids that are
 * not digit strings, and error bodies that never quote the (decrypted) message. Each is a 400 with a
 * reason, nothing is forwarded, and the gateway keeps serving.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { AES_KEY, APP_ID, makeConfig, TOKEN } from "../_helpers/config";
import { startFakeBackend } from "../_helpers/fake-backend";
import { startGateway, type TestGateway } from "../_helpers/gateway";
import { aesCallback, channelsAesCallback, channelsCallback, messageXml, nextMsgId, plainCallback, textXml } from "../_helpers/wechat";

const SECRET = "S3CRET_PAYLOAD";
const safeParams = { token: TOKEN, "app-id": APP_ID, "app-secret": "secret_value", "aes-key": AES_KEY };
const backend = startFakeBackend();
const gateways: TestGateway[] = [];
function gateway(service: Record<string, unknown>, deps = {}): TestGateway {
  const gw = startGateway(makeConfig({ "msg-proxy-pass": backend.url, ...service }), deps);
  gateways.push(gw);
  return gw;
}
const plain = gateway({});
const safe = gateway({ "wx-params": safeParams });
const shop = gateway({ "is-channels-ec": true });
const shopSafe = gateway({ "is-channels-ec": true, "wx-params": safeParams });
afterAll(() => {
  for (const gw of gateways) gw.stop();
  backend.stop();
});

/** The request is answered 400 with a reason matching `reason`, nothing is forwarded, no secret quoted. */
async function expect400(req: Request, reason: RegExp): Promise<void> {
  const before = backend.received.length;
  const res = await fetch(req);
  const body = await res.text();
  expect([res.status, body]).toEqual([400, expect.stringMatching(reason)]);
  expect(body).not.toContain(SECRET);
  expect(backend.received.length).toBe(before);
}

const eventOf = (event: string) =>
  messageXml({ ToUserName: "gh_test", FromUserName: "oUser1", CreateTime: 1700000001, MsgType: "event", Event: event, EventKey: "k" });
const msgOf = (type: string) => messageXml({ ToUserName: "gh_test", FromUserName: "oUser1", CreateTime: 1700000001, MsgType: type, MsgId: nextMsgId() });
const sendXml = (gw: TestGateway, xml: string) => (gw === safe ? aesCallback(gw.url, "/wx", xml, AES_KEY, APP_ID) : plainCallback(gw.url, "/wx", xml));
const sendJson = (gw: TestGateway, json: string) =>
  gw === shopSafe ? channelsAesCallback(gw.url, "/wx", json, AES_KEY, APP_ID) : channelsCallback(gw.url, "/wx", json);
const order = (id: string, time: number) =>
  `{"ToUserName":"gh_shop","FromUserName":"oBuyer","CreateTime":${time},"MsgType":"event","Event":"channels_ec_order_pay","order_info":{"order_id":${id},"pay_time":1}}`;

for (const gw of [plain, safe]) {
  const mode = gw === plain ? "plaintext" : "safe mode";
  describe(`${mode}: MsgType and Event stay under the backend prefix (defect 6)`, () => {
    test("'..', '.', '/', encoded dots → 400, nothing forwarded", async () => {
      for (const bad of ["..", ".", "../admin", "a/b", "%2e%2e", `${SECRET}.x`]) {
        await expect400(sendXml(gw, msgOf(bad)), /MsgType is not a plain name/);
        await expect400(sendXml(gw, eventOf(bad)), /Event is not a plain name/);
      }
      const before = backend.received.length;
      expect((await fetch(sendXml(gw, eventOf("CLICK")))).status).toBe(200);
      expect(backend.received.slice(before).map((r) => r.path)).toEqual(["/event/CLICK"]);
    });
  });

  describe(`${mode}: integers and ids are what the contract says (defect 9)`, () => {
    test("a non-numeric CreateTime or count → 400 naming the element", async () => {
      for (const value of ["abc", SECRET, "1.5", ""]) {
        await expect400(
          sendXml(gw, textXml("x").replace(/<CreateTime>\d+<\/CreateTime>/, `<CreateTime>${value}</CreateTime>`)),
          /<CreateTime> is not an integer/,
        );
        const location = messageXml({ ToUserName: "gh", FromUserName: "oU", CreateTime: 1, MsgType: "location", Scale: value, MsgId: nextMsgId() });
        await expect400(sendXml(gw, location), /<Scale> is not an integer/);
      }
    });
    test("an id that is not a digit string → 400", async () => {
      for (const id of ["abc", "-1", SECRET, ""]) await expect400(sendXml(gw, textXml("x", id)), /<MsgId> is not an id/);
    });
    test("error bodies name a position or an element, never the decrypted text", async () => {
      const bodies = [`<xml><${SECRET}>1</${SECRET}x></xml>`, `<xml><MsgType>${SECRET}</MsgType><Content>x</xml>`, `<xml><a ${SECRET}="1"/></xml>`];
      for (const xml of bodies) await expect400(sendXml(gw, xml), /./);
    });
  });
}

for (const gw of [shop, shopSafe]) {
  const mode = gw === shop ? "plaintext" : "encrypted";
  describe(`${mode} Channels JSON (defects 5, 9)`, () => {
    test('10k levels of {"a":[…]} and 20k nested arrays → 400 naming the limit, never 500', async () => {
      const deep = `{"Event":"e","a":${'{"a":['.repeat(10_000)}1${"]}".repeat(10_000)}}`;
      await expect400(sendJson(gw, deep), /nested deeper than 32 levels/);
      await expect400(sendJson(gw, `{"Event":"e","a":${"[".repeat(20_000)}${"]".repeat(20_000)}}`), /nested deeper than 32 levels/);
      expect((await fetch(sendJson(gw, order("1", 1700000000 + Math.floor(Math.random() * 1e6))))).status).toBe(200);
    });
    test("order_id 1e400, -0, 1.5, a word → 400; two such events are never taken for one", async () => {
      for (const id of ["1e400", "-0", "1.5", `"${SECRET}"`, "null"]) await expect400(sendJson(gw, order(id, 1700000100)), /order_id is not an id/);
    });
    test("a non-numeric CreateTime → 400; a Channels Event that would leave the prefix → 400", async () => {
      await expect400(sendJson(gw, order("1", JSON.stringify(SECRET) as unknown as number)), /CreateTime is not an integer/);
      await expect400(sendJson(gw, '{"Event":"..","CreateTime":1}'), /Event is not a plain name/);
    });
    test("invalid JSON: the reason does not quote the text", async () => {
      await expect400(sendJson(gw, `{"Event":"e",${SECRET}}`), /not valid JSON/);
    });
  });
}

describe("an unexpected failure is a 500 logged with its cause, not a silent info line", () => {
  test("a clock that throws inside dispatch", async () => {
    // the callback reads the clock once to start; the next reading (dedup, dispatch) throws
    let readings = Number.POSITIVE_INFINITY;
    const gw = gateway(
      {},
      {
        now: () => {
          if (readings-- <= 0) throw new TypeError("clock broke");
          return Date.now();
        },
      },
    );
    readings = 1;
    const res = await fetch(plainCallback(gw.url, "/wx", textXml("x")));
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ code: 500, msg: "internal error" });
    const line = gw.logs().find((l) => l.includes("callback failed"));
    expect(line).toBeDefined();
    expect(JSON.parse(line!)).toMatchObject({ level: "error", err: "TypeError: clock broke" });
  });
});
