/**
 * @module test/contract/fixtures
 * The gateway's converters turn every sample callback into exactly its expected forwarded body
 * (test/fixtures/forwarded): the XML samples through wechat/xml + wechat/message, the Channels
 * samples through wechat/channels (raw text, so 64-bit ids are never rounded on the way in).
 */
import { expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { toChannelsMessage } from "../../src/wechat/channels";
import { toInboundMessage } from "../../src/wechat/message";
import { parseWechatXml } from "../../src/wechat/xml";

const FIXTURES = join(import.meta.dir, "../fixtures");
const list = (dir: string, ext: string) =>
  readdirSync(join(FIXTURES, dir))
    .filter((f) => f.endsWith(ext))
    .map((f) => f.slice(0, -ext.length));
const expected = (name: string) => Bun.file(join(FIXTURES, "forwarded", `${name}.json`)).json();
const sent = (body: unknown) => JSON.parse(JSON.stringify(body)) as unknown;

test.each(list("xml", ".xml"))("xml/%s.xml is forwarded as forwarded/%s.json", async (name) => {
  const xml = await Bun.file(join(FIXTURES, "xml", `${name}.xml`)).text();
  expect(sent(toInboundMessage(parseWechatXml(xml)))).toStrictEqual(await expected(name));
});

test.each(list("channels", ".json"))("channels/%s.json is forwarded as forwarded/%s.json", async (name) => {
  const raw = await Bun.file(join(FIXTURES, "channels", `${name}.json`)).text();
  expect(sent(toChannelsMessage(raw))).toStrictEqual(await expected(name));
});
