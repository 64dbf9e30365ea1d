import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createMemoryLogger } from "../../src/obs/log";
import { createFileTokenStore } from "../../src/store/file-store";
import { APP_ID } from "../_helpers/config";
import { fakeTimerClock } from "../_helpers/fake-timers";
import { startFakeWechat } from "../_helpers/fake-wechat";
import { makeWxApi, SECRET } from "../_helpers/wxapi";

const fake = startFakeWechat();
afterAll(() => fake.stop());

const newDir = () => join(mkdtempSync(join(tmpdir(), "wxgw-tm-")), "cache");

describe("access_token", () => {
  test("100 concurrent callers cause one fetch and all get the same token", async () => {
    const before = fake.tokenFetches;
    const { api, svc } = makeWxApi(fake);
    fake.delayNext("/cgi-bin/stable_token", 100);
    const tokens = await Promise.all(Array.from({ length: 100 }, () => api.tokens.accessToken(svc)));
    expect(fake.tokenFetches - before).toBe(1);
    expect(new Set(tokens).size).toBe(1);
    expect(fake.validTokens(APP_ID)).toContain(tokens[0]!);
    // later callers use the stored token
    await api.tokens.accessToken(svc);
    expect(fake.tokenFetches - before).toBe(1);
  });

  test("stable (default) posts JSON to /cgi-bin/stable_token with force_refresh false", async () => {
    const before = fake.callsTo("/cgi-bin/stable_token").length;
    const { api, svc } = makeWxApi(fake);
    await api.tokens.accessToken(svc);
    const calls = fake.callsTo("/cgi-bin/stable_token");
    expect(calls.length).toBe(before + 1);
    const last = calls.at(-1)!;
    expect(last.method).toBe("POST");
    expect(last.body).toEqual({ grant_type: "client_credential", appid: APP_ID, secret: SECRET, force_refresh: false });
  });

  test("classic uses GET /cgi-bin/token with the credentials in the query", async () => {
    const before = fake.callsTo("/cgi-bin/token").length;
    const stableBefore = fake.callsTo("/cgi-bin/stable_token").length;
    const { api, svc } = makeWxApi(fake, { tokenApi: "classic" });
    await api.tokens.accessToken(svc);
    const last = fake.callsTo("/cgi-bin/token").at(-1)!;
    expect(fake.callsTo("/cgi-bin/token").length).toBe(before + 1);
    expect(fake.callsTo("/cgi-bin/stable_token").length).toBe(stableBefore);
    expect(last.method).toBe("GET");
    expect(last.query).toEqual({ grant_type: "client_credential", appid: APP_ID, secret: SECRET });
  });

  test("renewed ahead of expiry, and never force_refresh", async () => {
    const clock = fakeTimerClock();
    const { api, svc } = makeWxApi(fake, { clock });
    const first = await api.tokens.accessToken(svc);
    const before = fake.tokenFetches;
    clock.advance((7200 - 301) * 1000);
    expect(await api.tokens.accessToken(svc)).toBe(first);
    expect(fake.tokenFetches).toBe(before);
    clock.advance(2000); // now inside the last 5 minutes
    await api.tokens.accessToken(svc);
    expect(fake.tokenFetches).toBe(before + 1);
    expect(fake.callsTo("/cgi-bin/stable_token").every((c) => (c.body as { force_refresh: boolean }).force_refresh === false)).toBe(true);
  });

  test("a failed early renewal keeps serving the still-valid token", async () => {
    const clock = fakeTimerClock();
    const { api, svc, logs } = makeWxApi(fake, { clock });
    const first = await api.tokens.accessToken(svc);
    clock.advance((7200 - 100) * 1000);
    fake.failNext("/cgi-bin/stable_token", { errcode: -1, errmsg: "system error" });
    expect(await api.tokens.accessToken(svc)).toBe(first);
    expect(logs().some((l) => l.includes("early renewal failed"))).toBe(true);
  });

  test("a fetch error is a WxApiError 502 with WeChat's errcode, and nothing is cached", async () => {
    const { api, svc } = makeWxApi(fake);
    fake.failNext("/cgi-bin/stable_token", { errcode: 40125, errmsg: "invalid appsecret" });
    const err = await api.tokens.accessToken(svc).catch((e) => e);
    expect(err.name).toBe("WxApiError");
    expect(err.status).toBe(502);
    expect(err.errcode).toBe(40125);
    expect(err.errmsg).toBe("invalid appsecret");
    expect(await api.tokens.accessToken(svc)).toStartWith(`AT_${APP_ID}_`);
  });
});

describe("jsapi_ticket", () => {
  test("fetched once with the access_token and type=jsapi, then cached", async () => {
    const { api, svc } = makeWxApi(fake);
    const before = fake.ticketFetches;
    const tickets = await Promise.all([api.tokens.jsapiTicket(svc), api.tokens.jsapiTicket(svc), api.tokens.jsapiTicket(svc)]);
    expect(await api.tokens.jsapiTicket(svc)).toBe(tickets[0]!);
    expect(new Set(tickets).size).toBe(1);
    expect(fake.ticketFetches - before).toBe(1);
    const call = fake.callsTo("/cgi-bin/ticket/getticket").at(-1)!;
    expect(call.query.type).toBe("jsapi");
    expect(fake.validTokens(APP_ID)).toContain(call.query.access_token!);
  });

  test("a token error while fetching the ticket renews the token and retries", async () => {
    const { api, svc } = makeWxApi(fake);
    await api.tokens.accessToken(svc);
    fake.revokeTokens(APP_ID);
    const ticket = await api.tokens.jsapiTicket(svc);
    expect(ticket).toStartWith("TICKET_");
  });
});

describe("file store (the Go original's cache)", () => {
  const log = createMemoryLogger().log;

  test("writes <dir>/<app-id> and <app-id>.ticket in the Go format, 0600 in a 0700 dir", async () => {
    const dir = newDir();
    const { api, svc } = makeWxApi(fake, { store: createFileTokenStore(dir, log) });
    const token = await api.tokens.accessToken(svc);
    const ticket = await api.tokens.jsapiTicket(svc);
    const saved = JSON.parse(readFileSync(join(dir, APP_ID), "utf8"));
    expect(Object.keys(saved).sort()).toEqual(["expire", "token"]);
    expect(saved.token).toBe(token);
    expect(saved.expire).toBeGreaterThan(Date.now() / 1000 + 7000);
    expect(saved.expire).toBeLessThanOrEqual(Date.now() / 1000 + 7200);
    expect(JSON.parse(readFileSync(join(dir, `${APP_ID}.ticket`), "utf8"))).toEqual({ ticket, expire: expect.any(Number) });
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, APP_ID)).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, `${APP_ID}.ticket`)).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir).sort()).toEqual([APP_ID, `${APP_ID}.ticket`]); // no temp files left
  });

  test("a restart with a valid cache fetches nothing", async () => {
    const dir = newDir();
    await makeWxApi(fake, { store: createFileTokenStore(dir, log) }).api.tokens.accessToken(makeWxApi(fake).svc);
    const before = fake.tokenFetches;
    const restarted = makeWxApi(fake, { store: createFileTokenStore(dir, log) });
    const token = await restarted.api.tokens.accessToken(restarted.svc);
    expect(fake.tokenFetches).toBe(before);
    expect(token).toBe(JSON.parse(readFileSync(join(dir, APP_ID), "utf8")).token);
  });

  test("a cache written by go-wx-gateway is used as is", async () => {
    const dir = newDir();
    mkdirSync(dir, { recursive: true });
    const expire = Math.floor(Date.now() / 1000) + 3600;
    // the fake only accepts tokens it issued: take one, then write it the way the Go original did
    const issued = await makeWxApi(fake).api.tokens.accessToken(makeWxApi(fake).svc);
    writeFileSync(join(dir, APP_ID), `{"token":"${issued}","expire":${expire}}`);
    const before = fake.tokenFetches;
    const { api, svc } = makeWxApi(fake, { store: createFileTokenStore(dir, log) });
    const info = await api.call(svc, { path: "/cgi-bin/user/info", query: { openid: "o1" } });
    expect(info.openid).toBe("o1");
    expect(fake.tokenFetches).toBe(before);
    expect(fake.callsTo("/cgi-bin/user/info").at(-1)!.query.access_token).toBe(issued);
  });

  test("a corrupt cache file is ignored: one fetch, then a good file", async () => {
    const dir = newDir();
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, APP_ID), "{not json");
    const { log: flog, lines } = createMemoryLogger();
    const before = fake.tokenFetches;
    const { api, svc } = makeWxApi(fake, { store: createFileTokenStore(dir, flog) });
    const token = await api.tokens.accessToken(svc);
    expect(fake.tokenFetches).toBe(before + 1);
    expect(JSON.parse(readFileSync(join(dir, APP_ID), "utf8")).token).toBe(token);
    expect(lines().some((l) => l.includes("corrupt token cache file"))).toBe(true);
  });

  test("an expired cached token is replaced", async () => {
    const dir = newDir();
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, APP_ID), JSON.stringify({ token: "OLD", expire: Math.floor(Date.now() / 1000) - 10 }));
    const before = fake.tokenFetches;
    const { api, svc } = makeWxApi(fake, { store: createFileTokenStore(dir, log) });
    expect(await api.tokens.accessToken(svc)).not.toBe("OLD");
    expect(fake.tokenFetches).toBe(before + 1);
  });
});
