/**
 * The path the router matches is the request's own path whatever the Host: a reverse proxy whose
 * upstream has a short name (`gw`, `api`) sends that Host, and an empty or malformed Host makes Bun
 * hand over a URL without an origin. Over a real socket (raw TCP: fetch would rewrite the Host) and
 * in-process through app.handle.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { routableRequest } from "../../src/http/routable-url";
import { makeConfig } from "../_helpers/config";
import { startFakeBackend } from "../_helpers/fake-backend";
import { startGateway } from "../_helpers/gateway";
import { bodyOf, rawGet, rawRequest } from "../_helpers/raw-http";
import { plainCallback, signedQuery, textXml } from "../_helpers/wechat";

const backend = startFakeBackend();
const gw = startGateway(
  makeConfig({ "msg-proxy-pass": backend.url }, { "admin-token": "adm", "common-endpoints": { "health-check": "/health", metrics: "/metrics" } }),
);
const port = Number(new URL(gw.url).port);
afterAll(() => {
  gw.stop();
  backend.stop();
});

const HOSTS = ["", "a", "gw", "api", "a:1", "[::1]", "[::1]:8080", "a/b", "a?b", "gateway.internal.example:7080"];

describe("health-check answers under every Host", () => {
  test("over the socket", async () => {
    for (const host of HOSTS) {
      const res = await rawRequest(port, rawGet("/health", host));
      expect([host, res.status, bodyOf(res.text)]).toEqual([host, 200, "OK\n"]);
    }
  });
  test("HTTP/1.1 without a Host is refused with 400 (RFC 9112 §3.2), by Bun before the app", async () => {
    expect((await rawRequest(port, rawGet("/health", null))).status).toBe(400);
  });
  test("a long path under an invalid Host is still its own path", async () => {
    // Host "a/b": Bun gives the bare path as request.url
    const res = await rawRequest(port, rawGet("/xxxxxxxxxxxx/health", "a/b"));
    expect(res.status).toBe(404);
  });
});

describe("a signed callback is answered under a short Host", () => {
  test("in-process: Host gw and api", async () => {
    for (const host of ["gw", "api", "a"]) {
      const res = await gw.handle(plainCallback(`http://${host}`, "/wx", textXml(`hi ${host}`)));
      expect([host, res.status]).toEqual([host, 200]);
      expect(await res.text()).toContain(`got /msg/text`);
    }
  });
  test("over the socket: Host gw", async () => {
    const before = backend.received.length;
    const body = textXml("over tcp");
    const head = [
      `POST /wx?${signedQuery()} HTTP/1.1`,
      "Host: gw",
      "Content-Type: text/xml",
      `Content-Length: ${Buffer.byteLength(body)}`,
      "Connection: close",
      "",
      "",
    ];
    const res = await rawRequest(port, head.join("\r\n") + body);
    expect(res.status).toBe(200);
    expect(bodyOf(res.text)).toContain("<Content><![CDATA[got /msg/text]]></Content>");
    expect(backend.received.length).toBe(before + 1);
    expect(backend.received.at(-1)!.body.Content).toBe("over tcp");
  });
});

describe("no Host shifts the path onto a guarded route", () => {
  test("/xx/metrics under Host ab is not /metrics", async () => {
    for (const host of ["ab", "a", "abc", ""]) {
      const res = await rawRequest(port, rawGet("/xx/metrics", host));
      expect([host, res.status]).toEqual([host, 404]);
    }
  });
  test("/metrics itself needs the token under every Host", async () => {
    for (const host of HOSTS) {
      const none = await rawRequest(port, rawGet("/metrics", host));
      expect([host, none.status]).toEqual([host, 401]);
      const authed = await rawRequest(port, rawGet("/metrics", host, { Authorization: "Bearer adm" }));
      expect([host, authed.status]).toEqual([host, 200]);
    }
  });
});

describe("routableRequest", () => {
  test("leaves a request whose origin is long enough as it is (same object)", () => {
    for (const url of ["http://abcd/x", "https://abc/x", "http://127.0.0.1:7080/wx?a=b", "http://[::1]/health"]) {
      const req = new Request(url);
      expect(routableRequest(req)).toBe(req);
    }
  });
  test("moves a short origin aside and keeps scheme, path, query, method, headers and body", async () => {
    const req = new Request("https://gw/a/b?x=1&y=/z", { method: "POST", headers: { host: "gw", "x-k": "v" }, body: "payload" });
    const out = routableRequest(req);
    expect(out.url).toBe("https://gateway.invalid/a/b?x=1&y=/z");
    expect([out.method, out.headers.get("host"), out.headers.get("x-k"), await out.text()]).toEqual(["POST", "gw", "v", "payload"]);
  });
});
