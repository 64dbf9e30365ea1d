import { afterAll, describe, expect, test } from "bun:test";
import { gzipSync } from "node:zlib";
import { APP_ID, counterLines, proxyConfig, proxyTokenOf, SECRET, startProxyGateway } from "../_helpers/api-proxy";
import { startFakeWechat } from "../_helpers/fake-wechat";
import { rawRequest } from "../_helpers/raw-http";

const wechat = startFakeWechat({ apps: { [APP_ID]: SECRET } });
afterAll(() => wechat.stop());

const lastCall = (path: string) => wechat.callsTo(path).at(-1)!;

describe("forwarding with the token swapped", () => {
  test("method, path, query, headers and body reach WeChat unchanged except access_token; WeChat's answer comes back as is", async () => {
    using proxy = startProxyGateway(proxyConfig(wechat.url));
    const token = await proxyTokenOf(proxy);
    wechat.on("/cgi-bin/tags/create", () => ({ json: { tag: { id: 134, name: "广东" } }, status: 200, contentType: "application/json; charset=utf-8" }));
    const body = JSON.stringify({ tag: { name: "广东" } });
    const res = await fetch(`${proxy.url}/cgi-bin/tags/create?x=%E4%B8%AD+1&access_token=${token}&empty=&flag`, {
      method: "POST",
      headers: {
        "content-type": "application/json; charset=utf-8",
        "x-request-id": "r-1",
        "user-agent": "sdk/1.0",
        connection: "keep-alive, x-hop",
        "x-hop": "dropped",
        "proxy-authorization": "Basic dropped",
      },
      body,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(await res.json()).toEqual({ tag: { id: 134, name: "广东" } });
    const call = lastCall("/cgi-bin/tags/create");
    expect(call.method).toBe("POST");
    expect(wechat.validTokens(APP_ID)).toContain(call.query.access_token!);
    expect(new TextDecoder().decode(call.bytes)).toBe(body);
    expect(call.headers.get("x-request-id")).toBe("r-1");
    expect(call.headers.get("user-agent")).toBe("sdk/1.0");
    expect(call.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(call.headers.get("x-hop")).toBeNull();
    expect(call.headers.get("proxy-authorization")).toBeNull();
    expect(call.headers.get("host")).toBe(new URL(wechat.url).host);
  });

  test("the query string reaches WeChat byte for byte, the token's value aside", async () => {
    let seen = "";
    // an upstream that hands out one token and records the raw query of everything else
    using upstream = Bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      fetch(req) {
        const url = new URL(req.url);
        if (url.pathname === "/cgi-bin/stable_token") return Response.json({ access_token: "REAL", expires_in: 7200 });
        seen = url.search;
        return Response.json({ errcode: 0, errmsg: "ok" });
      },
    });
    using proxy = startProxyGateway(proxyConfig(`http://127.0.0.1:${upstream.port}`));
    const token = await proxyTokenOf(proxy);
    await fetch(`${proxy.url}/cgi-bin/x?a=%E4%B8%AD+1&b=x%2Fy&access_token=${token}&c&d=`);
    expect(seen).toBe("?a=%E4%B8%AD+1&b=x%2Fy&access_token=REAL&c&d=");
  });

  test("a request without a proxy token goes to wx-api-base unchanged: a caller's own token, or none", async () => {
    using proxy = startProxyGateway(proxyConfig(wechat.url));
    const own = (await (await fetch(`${wechat.url}/cgi-bin/token?grant_type=client_credential&appid=${APP_ID}&secret=${SECRET}`)).json()) as {
      access_token: string;
    };
    const res = await fetch(`${proxy.url}/cgi-bin/user/info?openid=o-own&access_token=${own.access_token}`);
    expect(((await res.json()) as { openid: string }).openid).toBe("o-own");
    expect(lastCall("/cgi-bin/user/info").query.access_token).toBe(own.access_token);
    const code = await fetch(`${proxy.url}/sns/oauth2/access_token?appid=${APP_ID}&secret=${SECRET}&code=c-1&grant_type=authorization_code`);
    expect(((await code.json()) as { openid: string }).openid).toBe("openid-c-1");
    expect(lastCall("/sns/oauth2/access_token").query.access_token).toBeUndefined();
  });

  test("a binary download keeps its Content-Type and Content-Disposition", async () => {
    using proxy = startProxyGateway(proxyConfig(wechat.url));
    const token = await proxyTokenOf(proxy);
    const bytes = new Uint8Array(3000).map((_, i) => i % 251);
    wechat.scriptNext("/cgi-bin/media/get", { raw: bytes, contentType: "image/jpeg", headers: { "content-disposition": 'attachment; filename="m.jpg"' } });
    const res = await fetch(`${proxy.url}/cgi-bin/media/get?media_id=M1&access_token=${token}`);
    expect(res.headers.get("content-type")).toBe("image/jpeg");
    expect(res.headers.get("content-disposition")).toBe('attachment; filename="m.jpg"');
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(bytes);
  });

  test("a compressed answer reaches the caller compressed, as WeChat sent it, and its errcode is still counted", async () => {
    using proxy = startProxyGateway(proxyConfig(wechat.url));
    const token = await proxyTokenOf(proxy);
    const zipped = gzipSync(JSON.stringify({ errcode: 45009, errmsg: "reach max api daily quota limit" }));
    wechat.scriptNext("/cgi-bin/message/mass/sendall", { raw: zipped, contentType: "application/json", headers: { "content-encoding": "gzip" } });
    const res = await rawRequest(
      proxy.port,
      `GET /cgi-bin/message/mass/sendall?access_token=${token} HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\nConnection: close\r\n\r\n`,
    );
    expect(res.text).toMatch(/content-encoding: gzip/i);
    expect(wechat.callsTo("/cgi-bin/message/mass/sendall").at(-1)!.headers.get("accept-encoding")).toBe("gzip");
    expect(await counterLines(proxy.metrics, "wxgw_api_proxy_quota_exceeded_total")).toEqual([
      'wxgw_api_proxy_quota_exceeded_total{path="/cgi-bin/message/mass/sendall"} 1',
    ]);
  });

  test("without Accept-Encoding the caller gets an uncompressed answer (the proxy's client does not ask for gzip on its own)", async () => {
    using proxy = startProxyGateway(proxyConfig(wechat.url));
    const token = await proxyTokenOf(proxy);
    await rawRequest(proxy.port, `GET /cgi-bin/user/info?openid=o&access_token=${token} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    expect(lastCall("/cgi-bin/user/info").headers.get("accept-encoding")).toBe("identity");
  });

  test("metrics: calls by path with ids removed and by errcode, 45009 apart", async () => {
    using proxy = startProxyGateway(proxyConfig(wechat.url));
    const token = await proxyTokenOf(proxy);
    wechat.on("/wxa/business/1234567/get", () => ({ json: { errcode: 45009, errmsg: "reach max api daily quota limit" } }));
    for (let i = 0; i < 2; i++) await fetch(`${proxy.url}/wxa/business/1234567/get?access_token=${token}`);
    await fetch(`${proxy.url}/cgi-bin/user/info?openid=o&access_token=${token}`);
    const calls = await counterLines(proxy.metrics, "wxgw_api_proxy_calls_total");
    expect(calls).toContain('wxgw_api_proxy_calls_total{path="/wxa/business/:id/get",errcode="45009"} 2');
    expect(calls).toContain('wxgw_api_proxy_calls_total{path="/cgi-bin/user/info",errcode="0"} 1');
    expect(calls).toContain('wxgw_api_proxy_calls_total{path="/cgi-bin/token",errcode="0"} 1');
    expect(await counterLines(proxy.metrics, "wxgw_api_proxy_quota_exceeded_total")).toEqual([
      'wxgw_api_proxy_quota_exceeded_total{path="/wxa/business/:id/get"} 2',
    ]);
  });

  test("an answer without a body (304) passes as it is, headers and status", async () => {
    using upstream = Bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      fetch: (req) =>
        new URL(req.url).pathname === "/cgi-bin/stable_token"
          ? Response.json({ access_token: "REAL", expires_in: 7200 })
          : new Response(null, { status: 304, headers: { "content-type": "application/json", etag: '"v1"' } }),
    });
    using proxy = startProxyGateway(proxyConfig(`http://127.0.0.1:${upstream.port}`));
    const res = await fetch(`${proxy.url}/cgi-bin/x?access_token=${await proxyTokenOf(proxy)}`, { headers: { "if-none-match": '"v1"' } });
    expect(res.status).toBe(304);
    expect(res.headers.get("etag")).toBe('"v1"');
  });

  test("a proxy token beside another access_token is ambiguous: 400, nothing sent", async () => {
    using proxy = startProxyGateway(proxyConfig(wechat.url));
    const token = await proxyTokenOf(proxy);
    const calls = wechat.calls.length;
    const res = await fetch(`${proxy.url}/cgi-bin/user/info?access_token=${token}&access_token=other`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { errcode: number }).errcode).toBe(40097);
    expect(wechat.calls.length).toBe(calls);
  });

  test("WeChat unreachable → 502 with errcode -1, and the log shows no token", async () => {
    const dead = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("") });
    const deadUrl = `http://127.0.0.1:${dead.port}`;
    void dead.stop(true);
    using proxy = startProxyGateway(proxyConfig(deadUrl));
    const res = await fetch(`${proxy.url}/cgi-bin/user/info?access_token=caller-own-token`);
    expect(res.status).toBe(502);
    expect(((await res.json()) as { errcode: number }).errcode).toBe(-1);
    expect(proxy.logs().join("\n")).not.toContain("caller-own-token");
  });
});

describe("40001/40014/42001 for an injected token", () => {
  for (const errcode of [40001, 40014, 42001]) {
    test(`${errcode} → the real token is invalidated (compare and swap), renewed once and the call retried once with the same body`, async () => {
      using proxy = startProxyGateway(proxyConfig(wechat.url));
      const token = await proxyTokenOf(proxy);
      wechat.failNext("/cgi-bin/message/custom/send", { errcode, errmsg: "token problem" });
      const fetches = wechat.tokenFetches;
      const body = JSON.stringify({ touser: "o-retry", msgtype: "text", text: { content: "hi" } });
      const res = await fetch(`${proxy.url}/cgi-bin/message/custom/send?access_token=${token}`, {
        method: "POST",
        body,
        headers: { "content-type": "application/json" },
      });
      expect(((await res.json()) as { errcode: number }).errcode).toBe(0);
      expect(wechat.tokenFetches).toBe(fetches + 1);
      const [failed, retried] = wechat.callsTo("/cgi-bin/message/custom/send").slice(-2);
      expect(new TextDecoder().decode(retried!.bytes)).toBe(body);
      expect(new TextDecoder().decode(failed!.bytes)).toBe(body);
    });
  }

  test("a second token error is passed on, not retried again", async () => {
    using proxy = startProxyGateway(proxyConfig(wechat.url));
    const token = await proxyTokenOf(proxy);
    const before = wechat.callsTo("/cgi-bin/user/info").length;
    wechat.failNext("/cgi-bin/user/info", { errcode: 40001, errmsg: "again" }, 2);
    const res = await fetch(`${proxy.url}/cgi-bin/user/info?openid=o&access_token=${token}`);
    expect(((await res.json()) as { errcode: number }).errcode).toBe(40001);
    expect(wechat.callsTo("/cgi-bin/user/info").length).toBe(before + 2);
  });

  test("a body larger than max-body-bytes is streamed, not kept: WeChat's answer as is, and the next call uses a renewed token", async () => {
    using proxy = startProxyGateway(proxyConfig(wechat.url, {}, { "max-body-bytes": 1024 }));
    const token = await proxyTokenOf(proxy);
    const fetches = wechat.tokenFetches;
    wechat.failNext("/cgi-bin/media/upload", { errcode: 40001, errmsg: "invalid credential" });
    wechat.on("/cgi-bin/media/upload", () => ({ json: { type: "image", media_id: "M" } }));
    const before = wechat.callsTo("/cgi-bin/media/upload").length;
    const big = new Uint8Array(4096).fill(7);
    const res = await fetch(`${proxy.url}/cgi-bin/media/upload?type=image&access_token=${token}`, { method: "POST", body: big });
    expect(((await res.json()) as { errcode: number }).errcode).toBe(40001);
    expect(wechat.callsTo("/cgi-bin/media/upload").length).toBe(before + 1);
    expect(lastCall("/cgi-bin/media/upload").bytes.length).toBe(4096);
    expect(wechat.tokenFetches).toBe(fetches);
    // the rejected token was invalidated: the SDK's next try makes the gateway fetch a new one
    await fetch(`${proxy.url}/cgi-bin/media/upload?type=image&access_token=${token}`, { method: "POST", body: big });
    expect(wechat.tokenFetches).toBe(fetches + 1);
  });

  test("an unframed (chunked) body that fits max-body-bytes is kept while it streams and sent again", async () => {
    using proxy = startProxyGateway(proxyConfig(wechat.url));
    const token = await proxyTokenOf(proxy);
    wechat.failNext("/cgi-bin/menu/create", { errcode: 42001, errmsg: "access_token expired" });
    wechat.on("/cgi-bin/menu/create", () => ({ json: { errcode: 0, errmsg: "ok" } }));
    const parts = ['{"button":[', '{"type":"click","name":"a","key":"k"}', "]}"];
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        for (const p of parts) c.enqueue(new TextEncoder().encode(p));
        c.close();
      },
    });
    const res = await fetch(`${proxy.url}/cgi-bin/menu/create?access_token=${token}`, { method: "POST", body: stream, duplex: "half" } as RequestInit);
    expect(((await res.json()) as { errcode: number }).errcode).toBe(0);
    const [failed, retried] = wechat.callsTo("/cgi-bin/menu/create").slice(-2);
    expect(new TextDecoder().decode(retried!.bytes)).toBe(parts.join(""));
    expect(failed!.headers.get("transfer-encoding")).toBe("chunked");
  });
});
