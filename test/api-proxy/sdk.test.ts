/**
 * A real WeChat SDK (co-wechat-api, npm) against the API proxy, unchanged except its API base URL:
 * token fetch, a JSON call, a media upload and download, and a 40001 recovery, against the fake
 * WeChat API. The SDK never holds the real token.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { createRequire } from "node:module";
import { APP_ID, proxyConfig, SECRET, startProxyGateway } from "../_helpers/api-proxy";
import type { FakeCall } from "../_helpers/fake-wechat";
import { startFakeWechat } from "../_helpers/fake-wechat";

interface SdkToken {
  readonly accessToken: string;
  readonly expireTime: number;
}
/** The part of co-wechat-api's API class these tests use (the package ships no types). */
interface CoWechatApi {
  /** the SDK's API base URL: `https://api.weixin.qq.com/cgi-bin/` by default */
  prefix: string;
  getAccessToken(): Promise<SdkToken>;
  sendText(openid: string, text: string): Promise<{ errcode: number }>;
  uploadMedia(file: Buffer, type: string, filename: string, mime: string): Promise<{ type: string; media_id: string }>;
  getMedia(mediaId: string): Promise<Buffer>;
}
type CoWechatApiClass = new (
  appid: string,
  secret: string,
  getToken?: () => Promise<SdkToken | null>,
  saveToken?: (t: SdkToken | null) => Promise<void>,
) => CoWechatApi;
const WechatAPI = createRequire(import.meta.url)("co-wechat-api") as CoWechatApiClass;

const wechat = startFakeWechat({ apps: { [APP_ID]: SECRET } });
afterAll(() => wechat.stop());

// media as WeChat keeps it: upload answers a media_id, get answers the bytes with their type and file name
const media = new Map<string, { bytes: Uint8Array; type: string }>();
const authed = (call: FakeCall) => wechat.validTokens(APP_ID).includes(call.query.access_token ?? "");
wechat.on("/cgi-bin/media/upload", (call) => {
  if (!authed(call)) return { json: { errcode: 40001, errmsg: "invalid credential" } };
  const type = /Content-Type: ([^\r\n]+)\r\n\r\n/.exec(new TextDecoder("latin1").decode(call.bytes))?.[1] ?? "";
  const start = new TextDecoder("latin1").decode(call.bytes).indexOf("\r\n\r\n") + 4;
  const end = call.bytes.lastIndexOf(13, call.bytes.length - 3); // the CRLF before the closing boundary
  const id = `MEDIA_${media.size + 1}`;
  media.set(id, { bytes: call.bytes.slice(start, end), type });
  return { json: { type: call.query.type, media_id: id, created_at: 1700000000 } };
});
wechat.on("/cgi-bin/media/get", (call) => {
  if (!authed(call)) return { json: { errcode: 40001, errmsg: "invalid credential" } };
  const m = media.get(call.query.media_id ?? "");
  if (!m) return { json: { errcode: 40007, errmsg: "invalid media_id" } };
  return { raw: m.bytes, contentType: m.type, headers: { "content-disposition": `attachment; filename="${call.query.media_id}.jpg"` } };
});

function sdkAt(url: string, store?: { token: SdkToken | null }): CoWechatApi {
  const api = store
    ? new WechatAPI(
        APP_ID,
        SECRET,
        async () => store.token,
        async (t) => void (store.token = t),
      )
    : new WechatAPI(APP_ID, SECRET);
  api.prefix = `${url}/cgi-bin/`; // the one change: the SDK's API base URL
  return api;
}

describe("co-wechat-api through the API proxy", () => {
  test("token fetch, JSON call, media upload and download; WeChat sees the real token, the SDK only a proxy token", async () => {
    using proxy = startProxyGateway(proxyConfig(wechat.url));
    const api = sdkAt(proxy.url);
    const { accessToken } = await api.getAccessToken();
    expect(accessToken).toStartWith("wxgw_");

    expect((await api.sendText("o-sdk", "hello")).errcode).toBe(0);
    const sent = wechat.callsTo("/cgi-bin/message/custom/send").at(-1)!;
    expect(sent.body).toEqual({ touser: "o-sdk", msgtype: "text", text: { content: "hello" } });
    expect(wechat.validTokens(APP_ID)).toContain(sent.query.access_token!);

    const image = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 31) % 256));
    const uploaded = await api.uploadMedia(image, "image", "photo.jpg", "image/jpeg");
    expect(uploaded.type).toBe("image");
    const downloaded = await api.getMedia(uploaded.media_id);
    expect(Buffer.compare(downloaded, image)).toBe(0);
    expect(wechat.validTokens(APP_ID)).toContain(wechat.callsTo("/cgi-bin/media/get").at(-1)!.query.access_token!);
  });

  test("40001 recovery: WeChat revokes the real token → the proxy renews and retries, the SDK sees success", async () => {
    using proxy = startProxyGateway(proxyConfig(wechat.url));
    const api = sdkAt(proxy.url);
    await api.getAccessToken();
    const sdkTokenFetches = () => proxy.logs().filter((l) => l.includes("issued a proxy token")).length;
    const issued = sdkTokenFetches();
    wechat.revokeTokens(APP_ID);
    const fetches = wechat.tokenFetches;
    expect((await api.sendText("o-revoked", "still works")).errcode).toBe(0);
    expect(wechat.tokenFetches).toBe(fetches + 1);
    // the proxy recovered alone: the SDK did not have to ask for a new token
    expect(sdkTokenFetches()).toBe(issued);
    const [failed, retried] = wechat.callsTo("/cgi-bin/message/custom/send").slice(-2);
    expect(failed!.query.access_token).not.toBe(retried!.query.access_token);
    expect(retried!.body).toEqual(failed!.body);
  });

  test("40001 recovery the SDK's way: a proxy token the gateway no longer knows → the SDK fetches a new one and retries", async () => {
    using proxy = startProxyGateway(proxyConfig(wechat.url));
    const store = { token: { accessToken: `wxgw_${"A".repeat(47)}`, expireTime: Date.now() + 3_600_000 } as SdkToken | null };
    const api = sdkAt(proxy.url, store);
    expect((await api.sendText("o-stale", "hi")).errcode).toBe(0);
    expect(store.token!.accessToken).toStartWith("wxgw_");
    expect(store.token!.accessToken).not.toBe(`wxgw_${"A".repeat(47)}`);
  });
});
