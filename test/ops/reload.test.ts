/**
 * Config reload (SPEC §10) through `POST <common-endpoints.reload>` on the gateway as serve builds it:
 * a service added while another's slow message is in flight on the same keep-alive connection; broken
 * or restart-needing configs refused whole (running config kept, reason answered and logged, counter
 * moved); dedup, token and secret handling across a reload; removed services; retired generations
 * let go (ops/generation) — the SIGHUP path against the executable is in test/e2e/reload-binary.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { parseConfig } from "../../src/config/load";
import { rawConfig, rawService } from "../_helpers/config";
import { startFakeBackend } from "../_helpers/fake-backend";
import { fakeTimerClock } from "../_helpers/fake-timers";
import { startFakeWechat } from "../_helpers/fake-wechat";
import { startWiredGateway } from "../_helpers/gateway";
import { keepAliveConnection } from "../_helpers/keep-alive";
import { describeRedis, startRedis } from "../_helpers/redis";
import { plainCallback, signedQuery, textXml } from "../_helpers/wechat";

const ADMIN = "reload-admin-token";
const AUTH = { authorization: `Bearer ${ADMIN}` };
const backend = startFakeBackend();
const wechat = startFakeWechat();
afterAll(() => {
  backend.stop();
  wechat.stop();
});

type Raw = Record<string, unknown>;
const common = { "health-check": "/health", reload: "/reload", metrics: "/metrics", "wx-user": "/user" };
const top = (extra: Raw = {}): Raw => ({ "admin-token": ADMIN, "wx-api-base": wechat.url, "common-endpoints": common, ...extra });

/** A gateway whose reload reads `file.raw` (what serve's loader does with the file). */
function reloadable(raw: Raw) {
  const file: { raw: unknown } = { raw };
  const clock = fakeTimerClock();
  const gw = startWiredGateway(parseConfig(raw, "test", {}).config, { clock, reloadSource: () => parseConfig(file.raw, "test", {}) });
  const reload = async () => {
    const res = await fetch(`${gw.url}/reload`, { method: "POST", headers: AUTH });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const metric = async (re: RegExp) => Number(re.exec(await (await fetch(`${gw.url}/metrics`, { headers: AUTH })).text())?.[1] ?? 0);
  return { file, gw, clock, reload, metric };
}

/** waits (polling) until `cond` holds: for something that must happen, never to show that something did not */
async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !cond(); i++) await Bun.sleep(2);
  expect(cond()).toBe(true);
}

describe("a reload that adds a service", () => {
  test("while another service's slow message is in flight: it is answered with its backend's reply, the new service answers, one keep-alive connection, no error", async () => {
    const release = Promise.withResolvers<void>();
    backend.on("/msg/text", (body) =>
      body.Content === "slow" ? { until: release.promise, json: { type: "text", msg: "slow reply" } } : { json: { type: "text", msg: `fast ${body.Content}` } },
    );
    const before = rawConfig({ "msg-proxy-pass": backend.url }, top());
    const { file, gw, reload } = reloadable(before);
    using _ = gw;
    const conn = await keepAliveConnection(Number(new URL(gw.url).port));
    const received = backend.received.length;
    const slow = conn.send(plainCallback(gw.url, "/wx", textXml("slow")));
    await backend.whenReceived(received + 1);

    file.raw = { ...before, services: [...(before.services as Raw[]), rawService("added", "/wx2", { "msg-proxy-pass": backend.url })] };
    const outcome = await reload();
    expect(outcome).toEqual({
      status: 200,
      body: { code: 200, msg: "OK", services: ["svc", "added"], changes: { added: ["added"], changed: [], removed: [], endpoints: false } },
    });
    expect(gw.gateway.retiring).toBe(1); // the old config still holds the slow message

    release.resolve();
    const first = await slow;
    expect([first.status, first.body.includes("<Content><![CDATA[slow reply]]></Content>")]).toEqual([200, true]);
    const second = await conn.send(plainCallback(gw.url, "/wx2", textXml("hi")));
    expect([second.status, second.body.includes("<Content><![CDATA[fast hi]]></Content>")]).toEqual([200, true]);
    expect(conn.events).toEqual([]);
    conn.close();
    await until(() => gw.gateway.retiring === 0);
    backend.on("/msg/text", { json: { type: "text", msg: "ok" } });
  });
});

describe("a reload that is refused", () => {
  test("a broken config: 422 with the reason, the running config keeps serving, the counter and the log say so", async () => {
    const raw = rawConfig({}, top());
    const { file, gw, reload, metric } = reloadable(raw);
    using _ = gw;
    const broken = rawService("svc", "/wx", { "wx-params": { token: "t", "app-id": "wxa", "app-secret": "sekrit-value-1", "aes-key": "short-aes-key-value" } });
    file.raw = { ...raw, services: [broken] };
    const outcome = await reload();
    expect(outcome.status).toBe(422);
    expect(outcome.body.msg).toStartWith("config services[0].wx-params.aes-key: expected 43 base64 characters");
    expect(JSON.stringify(outcome.body)).not.toMatch(/sekrit-value-1|short-aes-key-value/);
    expect((await fetch(plainCallback(gw.url, "/wx", textXml("still here")))).status).toBe(200);
    expect(await metric(/wxgw_config_reloads_total\{result="invalid"\} (\d+)/)).toBe(1);
    expect(gw.logs().some((l) => l.includes("config reload refused: the running config stays") && l.includes("aes-key"))).toBe(true);

    file.raw = "not an object";
    expect((await reload()).status).toBe(422);
    expect(await metric(/wxgw_config_reloads_total\{result="invalid"\} (\d+)/)).toBe(2);
  });

  test("a changed listen-port, listen-host or admin-listen: 409, needs a restart, nothing applied", async () => {
    const raw = rawConfig({}, top());
    const { file, gw, reload, metric } = reloadable(raw);
    using _ = gw;
    const added = { services: [rawService("svc", "/wx"), rawService("other", "/other")] };
    for (const [change, reason] of [
      [{ "listen-port": 7099 }, "listen-port changed (0 → 7099): that needs a restart"],
      [{ "listen-host": "0.0.0.0" }, "listen-host changed (127.0.0.1 → 0.0.0.0): that needs a restart"],
      [{ "admin-listen": "127.0.0.1:7098" }, "admin-listen changed (none → 127.0.0.1:7098): that needs a restart"],
      [{ "max-body-bytes": 2 * 1024 * 1024 }, "max-body-bytes above 1048576, the listener's body limit since start: that needs a restart"],
    ] as const) {
      file.raw = { ...raw, ...added, ...change };
      expect(await reload()).toEqual({ status: 409, body: { code: 409, msg: reason } });
    }
    // the service the refused configs add is not there
    expect((await fetch(plainCallback(gw.url, "/other", textXml("x")))).status).toBe(404);
    expect(await metric(/wxgw_config_reloads_total\{result="needs-restart"\} (\d+)/)).toBe(4);
  });

  test("without the admin token the reload endpoint is 401 and reads nothing", async () => {
    const { gw, metric } = reloadable(rawConfig({}, top()));
    using _ = gw;
    expect((await fetch(`${gw.url}/reload`, { method: "POST" })).status).toBe(401);
    expect(await metric(/wxgw_config_reloads_total\{result="\w+"\} (\d+)/)).toBe(0);
  });
});

describe("what a reload keeps and changes", () => {
  test("a service whose backend changes keeps its dedup table: a retry after the reload gets the stored reply", async () => {
    using other = startFakeBackend("/b2");
    other.on("*", { json: { type: "text", msg: "from the new backend" } });
    backend.on("/msg/text", { json: { type: "text", msg: "from the old backend" } });
    const raw = rawConfig({ "msg-proxy-pass": backend.url }, top());
    const { file, gw, reload } = reloadable(raw);
    using _ = gw;
    const xml = textXml("once");
    const first = await (await fetch(plainCallback(gw.url, "/wx", xml))).text();
    file.raw = rawConfig({ "msg-proxy-pass": other.url }, top());
    expect((await reload()).body.changes).toEqual({ added: [], changed: ["svc"], removed: [], endpoints: false });
    const retry = await (await fetch(plainCallback(gw.url, "/wx", xml))).text();
    expect(retry).toBe(first);
    expect(other.received.length).toBe(0);
    expect(await (await fetch(plainCallback(gw.url, "/wx", textXml("new")))).text()).toContain("from the new backend");
  });

  test("tokens stay (per app-id, in the kept store); a changed callback token applies at once", async () => {
    const raw = rawConfig({}, top());
    const { file, gw, reload } = reloadable(raw);
    using _ = gw;
    expect((await fetch(`${gw.url}/user?s=svc&o=o1`, { headers: AUTH })).status).toBe(200);
    const fetches = wechat.tokenFetches;
    const rotated = rawService("svc", "/wx", {
      "wx-params": { token: "rotated_token", "app-id": "wx1234567890abcdef", "app-secret": "secret_value", "aes-key": "" },
    });
    file.raw = { ...raw, services: [rotated] };
    expect((await reload()).status).toBe(200);
    expect((await fetch(`${gw.url}/user?s=svc&o=o2`, { headers: AUTH })).status).toBe(200);
    expect(wechat.tokenFetches).toBe(fetches);
    expect((await fetch(plainCallback(gw.url, "/wx", textXml("old token")))).status).toBe(401);
    expect((await fetch(plainCallback(gw.url, "/wx", textXml("new token"), signedQuery({ token: "rotated_token" })))).status).toBe(200);
  });

  test("a removed service is gone for new messages; its message in flight still gets its backend's reply", async () => {
    const release = Promise.withResolvers<void>();
    using gone = startFakeBackend("/gone");
    gone.on("*", { until: release.promise, json: { type: "text", msg: "finished on the old config" } });
    const raw = rawConfig({}, top({ services: [rawService("svc", "/wx"), rawService("gone", "/gone", { "msg-proxy-pass": gone.url })] }));
    const { file, gw, reload } = reloadable(raw);
    using _ = gw;
    const inFlight = fetch(plainCallback(gw.url, "/gone", textXml("last")));
    await gone.whenReceived();
    file.raw = rawConfig({}, top());
    expect((await reload()).body.changes).toEqual({ added: [], changed: [], removed: ["gone"], endpoints: false });
    expect((await fetch(plainCallback(gw.url, "/gone", textXml("next")))).status).toBe(404);
    release.resolve();
    expect(await (await inFlight).text()).toContain("finished on the old config");
  });

  test("endpoints follow the config: a path added by a reload answers, a removed one is 404", async () => {
    const raw = rawConfig({}, top());
    const { file, gw, reload } = reloadable(raw);
    using _ = gw;
    expect((await fetch(`${gw.url}/openapi.json`, { headers: AUTH })).status).toBe(404);
    file.raw = { ...raw, "common-endpoints": { ...common, openapi: "/openapi.json", "wx-user": null } };
    expect((await reload()).body.changes).toEqual({ added: [], changed: [], removed: [], endpoints: true });
    expect((await fetch(`${gw.url}/openapi.json`, { headers: AUTH })).status).toBe(200);
    expect((await fetch(`${gw.url}/user?s=svc&o=o1`, { headers: AUTH })).status).toBe(404);
  });
});

describe("retired configs are let go", () => {
  test("an endpoint's request in flight holds its config until it is answered, then lets it go", async () => {
    const raw = rawConfig({}, top());
    const { file, gw, reload } = reloadable(raw);
    using _ = gw;
    const answer = Promise.withResolvers<void>();
    wechat.scriptNext("/cgi-bin/user/info", { until: answer.promise });
    const calls = wechat.callsTo("/cgi-bin/user/info").length;
    const pending = fetch(`${gw.url}/user?s=svc&o=held-user`, { headers: AUTH });
    await wechat.whenCalled("/cgi-bin/user/info", calls + 1);
    file.raw = rawConfig({ "reply-timeout-ms": 1234 }, top());
    expect((await reload()).status).toBe(200);
    expect(gw.gateway.retiring).toBe(1); // the old config still holds the user lookup
    answer.resolve();
    const res = await pending;
    expect(res.status).toBe(200);
    expect(((await res.json()) as { userInfo?: { openid?: string } }).userInfo?.openid).toBe("held-user");
    await until(() => gw.gateway.retiring === 0);
  });

  test("an API proxy request in flight holds its config until it is answered, then lets it go", async () => {
    const raw = rawConfig({}, top({ "api-proxy": { listen: "127.0.0.1:0" } }));
    const { file, gw, reload } = reloadable(raw);
    using _ = gw;
    const answer = Promise.withResolvers<void>();
    wechat.scriptNext("/cgi-bin/menu/get", { until: answer.promise, json: { menu: { button: [] } } });
    const calls = wechat.callsTo("/cgi-bin/menu/get").length;
    const pending = gw.gateway.handleApiProxy(new Request("http://127.0.0.1:9/cgi-bin/menu/get?appid=wxa"));
    await wechat.whenCalled("/cgi-bin/menu/get", calls + 1);
    file.raw = rawConfig({ "reply-timeout-ms": 1234 }, top({ "api-proxy": { listen: "127.0.0.1:0" } }));
    expect((await reload()).status).toBe(200);
    expect(gw.gateway.retiring).toBe(1); // the old config still holds the proxied call
    answer.resolve();
    expect((await pending).status).toBe(200);
    await until(() => gw.gateway.retiring === 0);
  });

  test("100 reloads: none is retained once its requests are done (their apps are collected)", async () => {
    const raw = rawConfig({}, top());
    const { file, gw, reload } = reloadable(raw);
    using _ = gw;
    const apps: Array<WeakRef<object>> = [];
    for (let i = 0; i < 100; i++) {
      apps.push(new WeakRef(gw.gateway.app));
      expect((await fetch(plainCallback(gw.url, "/wx", textXml(`m${i}`)))).status).toBe(200);
      file.raw = rawConfig({ "reply-timeout-ms": 1000 + i }, top());
      expect((await reload()).status).toBe(200);
    }
    await until(() => gw.gateway.retiring === 0);
    Bun.gc(true);
    await Bun.sleep(0);
    Bun.gc(true);
    const alive = apps.filter((ref) => ref.deref() !== undefined).length;
    // a conservative collector may see a stray pointer or two; a leak keeps all 100
    expect(alive).toBeLessThanOrEqual(3);
  });
});

describeRedis("retired stores are closed", () => {
  test("20 reloads that each change the Redis token store leave one connection open, not 20", async () => {
    await using redis = await startRedis();
    const raw = (i: number) => rawConfig({ "msg-proxy-pass": backend.url }, top({ "token-store": { type: "redis", url: redis.url, prefix: `gen${i}:` } }));
    const { file, gw, reload } = reloadable(raw(0));
    using _ = gw;
    const client = await redis.client();
    const connections = async () => (String(await client.send("CLIENT", ["LIST"])).match(/^id=/gm) ?? []).length - 1;
    for (let i = 1; i <= 20; i++) {
      // a message uses the generation's connection (dedup in Redis)
      expect((await fetch(plainCallback(gw.url, "/wx", textXml(`r${i}`)))).status).toBe(200);
      file.raw = raw(i);
      expect((await reload()).status).toBe(200);
    }
    await until(() => gw.gateway.retiring === 0);
    expect((await fetch(plainCallback(gw.url, "/wx", textXml("last")))).status).toBe(200);
    expect(await connections()).toBe(1);
    client.close();
    await gw.gateway.close();
  });
});
