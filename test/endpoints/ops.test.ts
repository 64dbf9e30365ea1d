import { afterAll, describe, expect, test } from "bun:test";
import { makeConfig } from "../_helpers/config";
import { startFakeBackend } from "../_helpers/fake-backend";
import { startGateway } from "../_helpers/gateway";
import { plainCallback, signedQuery, textXml } from "../_helpers/wechat";

const backend = startFakeBackend();
// wx-user stands for the WeChat endpoints: a request without its parameters never reaches WeChat
const gw = startGateway(
  makeConfig(
    { "msg-proxy-pass": backend.url },
    { "admin-token": "s3cret-admin", "common-endpoints": { "health-check": "/health", metrics: "/metrics", openapi: "/openapi.json", "wx-user": "/user" } },
  ),
);
afterAll(() => {
  gw.stop();
  backend.stop();
});
const auth = { authorization: "Bearer s3cret-admin" };

describe("admin token", () => {
  test("health-check is open", async () => {
    const res = await fetch(`${gw.url}/health`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("OK\n");
  });
  test("every other common endpoint needs the bearer token", async () => {
    for (const [path, authorised] of [
      ["/metrics", 200],
      ["/openapi.json", 200],
      ["/user", 400],
    ] as const) {
      const none = await fetch(`${gw.url}${path}`);
      expect(none.status).toBe(401);
      expect(await none.json()).toEqual({ code: 401, msg: "missing or wrong admin token" });
      expect((await fetch(`${gw.url}${path}`, { headers: { authorization: "Bearer wrong" } })).status).toBe(401);
      expect([path, (await fetch(`${gw.url}${path}`, { headers: auth })).status]).toEqual([path, authorised]);
    }
  });
  test("the WeChat callback is not behind the admin token", async () => {
    const q = signedQuery();
    q.set("echostr", "e");
    expect((await fetch(`${gw.url}/wx?${q}`)).status).toBe(200);
  });
  test("unknown paths are 404 JSON", async () => {
    const res = await fetch(`${gw.url}/nope`, { headers: auth });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ code: 404, msg: "not found" });
  });
});

describe("metrics", () => {
  test("counters move as messages flow", async () => {
    const read = async () => (await fetch(`${gw.url}/metrics`, { headers: auth })).text();
    const count = (text: string, re: RegExp) => Number(re.exec(text)?.[1] ?? 0);
    const before = await read();
    await fetch(plainCallback(gw.url, "/wx", textXml("m1")));
    backend.on("*", { status: 500 });
    await fetch(plainCallback(gw.url, "/wx", textXml("m2")));
    const dup = textXml("dup");
    await fetch(plainCallback(gw.url, "/wx", dup));
    await fetch(plainCallback(gw.url, "/wx", dup));
    await fetch(plainCallback(gw.url, "/wx", textXml("bad"), signedQuery({ token: "x" })));
    const after = await read();
    const replied = /wxgw_callbacks_total\{service="svc",type="text",outcome="replied"\} (\d+)/;
    const fallback = /wxgw_callbacks_total\{service="svc",type="text",outcome="success-fallback"\} (\d+)/;
    const rejected = /wxgw_callbacks_total\{service="svc",type="-",outcome="rejected"\} (\d+)/;
    expect(count(after, replied) - count(before, replied)).toBe(1);
    expect(count(after, fallback) - count(before, fallback)).toBe(3);
    expect(count(after, rejected) - count(before, rejected)).toBe(1);
    expect(count(after, /wxgw_dedup_hits_total\{service="svc"\} (\d+)/)).toBeGreaterThanOrEqual(1);
    expect(after).toMatch(/wxgw_backend_latency_seconds_bucket\{le="[\d.]+",service="svc",outcome="ok"\} [1-9]/);
    expect(after).toMatch(/wxgw_success_fallbacks_total\{service="svc",reason="backend-error"\} [1-9]/);
  });
});

describe("openapi", () => {
  test("is an OpenAPI 3 document generated from the routes", async () => {
    const doc = (await (await fetch(`${gw.url}/openapi.json`, { headers: auth })).json()) as {
      openapi: string;
      paths: Record<string, Record<string, { parameters?: Array<{ name: string }> }>>;
    };
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(["/wx", "/health", "/user"]));
    const names = doc.paths["/wx"]!.get!.parameters!.map((p) => p.name);
    expect(names).toEqual(expect.arrayContaining(["signature", "timestamp", "nonce", "echostr"]));
  });
});

test("without the admin token a request with bad parameters is still 401, not 400", async () => {
  const res = await fetch(`${gw.url}/user?s=svc`);
  expect(res.status).toBe(401);
  const authed = await fetch(`${gw.url}/user?s=svc`, { headers: auth });
  expect(authed.status).toBe(400);
  expect(await authed.json()).toMatchObject({ code: 400, msg: expect.stringContaining("o") });
});
