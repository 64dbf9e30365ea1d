/**
 * Pretty-printed callbacks (SPEC §4.2): indentation, CRLF and whitespace around CDATA sections are
 * layout, so every sample and fixture, re-laid out, forwards exactly the compact form's JSON, in
 * plaintext and in safe mode. The Channels fixtures likewise, minified against pretty JSON.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { CALLBACK_SAMPLES } from "../_helpers/callback-samples";
import { AES_KEY, APP_ID, makeConfig, TOKEN } from "../_helpers/config";
import { startFakeBackend } from "../_helpers/fake-backend";
import { startGateway } from "../_helpers/gateway";
import { compactXml, LAYOUTS, prettyXml } from "../_helpers/pretty-xml";
import { aesCallback, channelsCallback, plainCallback } from "../_helpers/wechat";

const FIXTURES = join(import.meta.dir, "../fixtures");
const backend = startFakeBackend();
// no dedup: the same message is sent once per layout
const plain = startGateway(makeConfig({ "msg-proxy-pass": backend.url, "dedup-window-s": 0 }));
const safe = startGateway(
  makeConfig({
    "msg-proxy-pass": backend.url,
    "dedup-window-s": 0,
    "wx-params": { token: TOKEN, "app-id": APP_ID, "app-secret": "s", "aes-key": AES_KEY },
  }),
);
const shop = startGateway(makeConfig({ "msg-proxy-pass": backend.url, "dedup-window-s": 0, "is-channels-ec": true }));
afterAll(() => {
  for (const gw of [plain, safe, shop]) gw.stop();
  backend.stop();
});

/** What the backend got for one request: its path and body, or the gateway's refusal. */
async function forwarded(req: Request): Promise<unknown> {
  const before = backend.received.length;
  const res = await fetch(req);
  if (res.status !== 200) return { status: res.status, body: await res.text() };
  const got = backend.received.slice(before);
  return got.map((r) => ({ path: r.path, body: r.body }));
}

const documents: Array<[string, string]> = [
  ...CALLBACK_SAMPLES.map((s): [string, string] => [`sample ${s.name}`, s.xml]),
  ...readdirSync(join(FIXTURES, "xml"))
    .filter((f) => f.endsWith(".xml"))
    .map((f): [string, string] => [f, readFileSync(join(FIXTURES, "xml", f), "utf8")]),
];

describe("a pretty-printed document forwards the compact form's JSON", () => {
  test("the layouts really are layouts: they differ from the compact form around CDATA", () => {
    const doc = compactXml(CALLBACK_SAMPLES[0]!.xml);
    for (const layout of LAYOUTS) {
      const pretty = prettyXml(doc, layout);
      expect(pretty).not.toBe(doc);
      const squeezed = pretty.replace(/^<\?xml[^>]*>/, "").replace(/[ \t\r\n]+/g, "");
      expect(squeezed).toBe(doc.replace(/[ \t\r\n]+/g, ""));
    }
    expect(prettyXml(doc, LAYOUTS[1]!)).toContain("<MsgType>  <![CDATA[text]]>  </MsgType>");
  });

  for (const [mode, gw] of [
    ["plaintext", plain],
    ["safe mode", safe],
  ] as const) {
    const send = (xml: string) => (gw === safe ? aesCallback(gw.url, "/wx", xml, AES_KEY, APP_ID) : plainCallback(gw.url, "/wx", xml));
    for (const [name, xml] of documents) {
      test(`${mode}: ${name}`, async () => {
        const compact = await forwarded(send(compactXml(xml)));
        expect(compact).toEqual([expect.objectContaining({ path: expect.stringMatching(/^\/(msg|event)\//) })]);
        expect(await forwarded(send(xml))).toEqual(compact);
        for (const layout of LAYOUTS) expect([layout.name, await forwarded(send(prettyXml(xml, layout)))]).toEqual([layout.name, compact]);
      });
    }
  }
});

describe("Channels JSON: layout is layout", () => {
  const files = readdirSync(join(FIXTURES, "channels")).filter((f) => f.endsWith(".json"));
  /** whitespace outside strings removed (JSON strings hold no raw line breaks) */
  const minify = (json: string) => json.replace(/("(?:[^"\\]|\\.)*")|[ \t\r\n]+/g, (_, str: string | undefined) => str ?? "");
  for (const f of files) {
    test(f, async () => {
      const json = readFileSync(join(FIXTURES, "channels", f), "utf8");
      const compact = await forwarded(channelsCallback(shop.url, "/wx", minify(json)));
      expect(compact).toEqual([expect.objectContaining({ path: expect.stringMatching(/^\/event\//) })]);
      expect(await forwarded(channelsCallback(shop.url, "/wx", json))).toEqual(compact);
      expect(await forwarded(channelsCallback(shop.url, "/wx", json.replaceAll("\n", "\r\n\t")))).toEqual(compact);
    });
  }
});
