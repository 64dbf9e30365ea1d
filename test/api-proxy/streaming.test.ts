import { afterAll, describe, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { APP_ID, proxyConfig, proxyTokenOf, SECRET, startProxyGateway } from "../_helpers/api-proxy";
import { startFakeWechat } from "../_helpers/fake-wechat";

const wechat = startFakeWechat({ apps: { [APP_ID]: SECRET } });
afterAll(() => wechat.stop());

const FIVE_MB = 5 * 1024 * 1024;

describe("bodies stream through the proxy", () => {
  test("a 5 MB upload arrives at WeChat byte for byte, with its Content-Length", async () => {
    using proxy = startProxyGateway(proxyConfig(wechat.url));
    const token = await proxyTokenOf(proxy);
    wechat.on("/cgi-bin/material/add_material", () => ({ json: { media_id: "M", url: "" } }));
    const bytes = new Uint8Array(randomBytes(FIVE_MB));
    const res = await fetch(`${proxy.url}/cgi-bin/material/add_material?type=video&access_token=${token}`, {
      method: "POST",
      headers: { "content-type": "application/octet-stream" },
      body: bytes,
    });
    expect(((await res.json()) as { media_id: string }).media_id).toBe("M");
    const call = wechat.callsTo("/cgi-bin/material/add_material").at(-1)!;
    expect(call.headers.get("content-length")).toBe(String(FIVE_MB));
    expect(Buffer.compare(call.bytes, bytes)).toBe(0);
  });

  test("a 5 MB download arrives at the caller byte for byte", async () => {
    using proxy = startProxyGateway(proxyConfig(wechat.url));
    const token = await proxyTokenOf(proxy);
    const bytes = new Uint8Array(randomBytes(FIVE_MB));
    wechat.scriptNext("/cgi-bin/media/get", { raw: bytes, contentType: "video/mp4", headers: { "content-disposition": 'attachment; filename="v.mp4"' } });
    const res = await fetch(`${proxy.url}/cgi-bin/media/get?media_id=V&access_token=${token}`);
    expect(res.headers.get("content-type")).toBe("video/mp4");
    expect(Buffer.compare(new Uint8Array(await res.arrayBuffer()), bytes)).toBe(0);
  });

  test("a download reaches the caller while WeChat is still sending it", async () => {
    using proxy = startProxyGateway(proxyConfig(wechat.url));
    const token = await proxyTokenOf(proxy);
    let release!: () => void;
    const rest = new Promise<void>((r) => (release = r));
    const head = new Uint8Array(64 * 1024).fill(1);
    const stream = new ReadableStream<Uint8Array>({
      async start(c) {
        c.enqueue(head);
        await rest;
        c.enqueue(new Uint8Array(1024).fill(2));
        c.close();
      },
    });
    wechat.scriptNext("/cgi-bin/media/get", { raw: stream, contentType: "image/png" });
    const res = await fetch(`${proxy.url}/cgi-bin/media/get?media_id=P&access_token=${token}`);
    const reader = res.body!.getReader();
    let got = 0;
    while (got < head.length) got += (await reader.read()).value!.byteLength;
    expect(got).toBe(head.length); // all of the first part, before WeChat sent the rest
    release();
    let tail = 0;
    for (let r = await reader.read(); !r.done; r = await reader.read()) tail += r.value.byteLength;
    expect(tail).toBe(1024);
  });

  test("an upload reaches WeChat while the caller is still sending it", async () => {
    let firstChunk!: () => void;
    const upstreamGotFirst = new Promise<void>((r) => (firstChunk = r));
    let received = 0;
    using upstream = Bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      async fetch(req) {
        if (new URL(req.url).pathname === "/cgi-bin/stable_token") return Response.json({ access_token: "REAL", expires_in: 7200 });
        for await (const chunk of req.body as unknown as AsyncIterable<Uint8Array>) {
          received += chunk.byteLength;
          firstChunk();
        }
        return Response.json({ media_id: "S" });
      },
    });
    using proxy = startProxyGateway(proxyConfig(`http://127.0.0.1:${upstream.port}`));
    const token = await proxyTokenOf(proxy);
    const body = new ReadableStream<Uint8Array>({
      async start(c) {
        c.enqueue(new Uint8Array(300 * 1024));
        await upstreamGotFirst; // hangs unless the proxy passes the first part on before the body ends
        c.enqueue(new Uint8Array(100 * 1024));
        c.close();
      },
    });
    const res = await fetch(`${proxy.url}/cgi-bin/media/upload?type=video&access_token=${token}`, { method: "POST", body, duplex: "half" } as RequestInit);
    expect(((await res.json()) as { media_id: string }).media_id).toBe("S");
    expect(received).toBe(400 * 1024);
  });
});
