/**
 * WeCom access tokens (SPEC §8): `GET <wecom-api-base>/cgi-bin/gettoken?corpid&corpsecret`, one token
 * per corp-id and app, kept and renewed by the token manager as an Official Account's (SPEC §3) in every
 * token store — under `wecom-<corp-id>-<agent-id>`, a name no app-id can have, so a WeCom app's file or
 * Redis key never replaces an Official Account's. The WeCom app's calls go to `wecom-api-base`.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createMemoryLogger, redactUrl } from "../../src/obs/log";
import { createFileTokenStore } from "../../src/store/file-store";
import { createMemoryTokenStore } from "../../src/store/memory-store";
import { createRedisTokenStore } from "../../src/store/redis-store";
import type { TokenStore } from "../../src/store/token-store";
import { createWxApi } from "../../src/wxapi/client";
import { tokenIdOf } from "../../src/wxapi/token-manager";
import { AES_KEY, APP_ID, makeConfig, rawService } from "../_helpers/config";
import { startFakeWechat } from "../_helpers/fake-wechat";
import { describeRedis, startRedis, type TestRedis } from "../_helpers/redis";

const CORP_ID = "ww0123456789abcdef";
const wechat = startFakeWechat();
const wecom = startFakeWechat();
afterAll(() => {
  wechat.stop();
  wecom.stop();
});

const wecomApp = (name: string, agentId: string, secret: string) =>
  rawService(name, `/${name}`, {
    kind: "wecom",
    "wx-params": { token: "t", "aes-key": AES_KEY, "corp-id": CORP_ID, "agent-id": agentId, "app-secret": secret },
  });
const config = makeConfig(
  {},
  {
    "wx-api-base": wechat.url,
    "wecom-api-base": wecom.url,
    services: [rawService("oa", "/oa"), wecomApp("sales", "1000002", "sales_secret"), wecomApp("hr", "1000003", "hr_secret")],
  },
);
const [oa, sales, hr] = config.services as [never, never, never] & typeof config.services;
const { log, lines } = createMemoryLogger("debug");
const apiOn = (store: TokenStore) => createWxApi({ config, store, log });

describe("WeCom tokens", () => {
  test("gettoken on wecom-api-base with the corp-id and the app's Secret; the Official Account's token still from WeChat", async () => {
    const api = apiOn(createMemoryTokenStore());
    const token = await api.tokens.accessToken(sales);
    expect(token).toStartWith(`WT_${CORP_ID}_`);
    expect(wecom.callsTo("/cgi-bin/gettoken").at(-1)!.query).toEqual({ corpid: CORP_ID, corpsecret: "sales_secret" });
    expect(await api.tokens.accessToken(sales)).toBe(token);
    expect(await api.tokens.accessToken(oa)).toStartWith(`AT_${APP_ID}_`);
    expect(wechat.callsTo("/cgi-bin/gettoken")).toEqual([]);
    expect(wecom.callsTo("/cgi-bin/stable_token")).toEqual([]);
    expect(lines().join("\n")).not.toContain("sales_secret");
  });

  test("one token per app: two apps of one corp get two tokens", async () => {
    const api = apiOn(createMemoryTokenStore());
    const before = wecom.callsTo("/cgi-bin/gettoken").length;
    const [a, b] = await Promise.all([api.tokens.accessToken(sales), api.tokens.accessToken(hr), api.tokens.accessToken(hr)]);
    expect(a).not.toBe(b);
    expect(
      wecom
        .callsTo("/cgi-bin/gettoken")
        .slice(before)
        .map((c) => c.query.corpsecret)
        .sort(),
    ).toEqual(["hr_secret", "sales_secret"]);
    expect(tokenIdOf(sales)).toBe(`wecom-${CORP_ID}-1000002`);
    expect(tokenIdOf(hr)).toBe(`wecom-${CORP_ID}-1000003`);
    expect(tokenIdOf(oa)).toBe(APP_ID);
  });

  test("WeCom's refusal of the Secret (40001) is a 502 naming the errcode, not the Secret", async () => {
    const api = apiOn(createMemoryTokenStore());
    wecom.failNext("/cgi-bin/gettoken", { errcode: 40001, errmsg: "invalid secret rid: fake-40001" });
    const error = await api.tokens.accessToken(hr).then(
      () => null,
      (e: Error) => e,
    );
    expect(error?.message).toBe("WeChat API /cgi-bin/gettoken failed: 40001 invalid secret rid: fake-40001");
    expect(error?.message).not.toContain("hr_secret");
  });

  test("WeCom unreachable: a 502 and log lines without the Secret (corpsecret is redacted like secret)", async () => {
    const { log: quiet, lines: logged } = createMemoryLogger("debug");
    const api = createWxApi({ config: { ...config, wecomApiBase: "http://127.0.0.1:1" }, store: createMemoryTokenStore(), log: quiet });
    const error = await api.tokens.accessToken(hr).then(
      () => null,
      (e: Error & { status?: number }) => e,
    );
    expect([error?.status, error?.message]).toEqual([502, "WeChat API /cgi-bin/gettoken unreachable"]);
    expect(logged().join("\n")).not.toContain("hr_secret");
    // what an error text carrying the URL is logged as
    expect(redactUrl(`${wecom.url}/cgi-bin/gettoken?corpid=${CORP_ID}&corpsecret=hr_secret`)).toBe(
      `${wecom.url}/cgi-bin/gettoken?corpid=${CORP_ID}&corpsecret=***`,
    );
  });

  test("a call for the WeCom app goes to wecom-api-base with its token; 40014 renews it once and retries", async () => {
    const api = apiOn(createMemoryTokenStore());
    const user = await api.call(sales, { path: "/cgi-bin/user/get", query: { userid: "zhangsan" } });
    expect(user).toMatchObject({ userid: "zhangsan", name: "name-zhangsan" });
    const before = wecom.callsTo("/cgi-bin/gettoken").length;
    wecom.failNext("/cgi-bin/user/get", { errcode: 40014, errmsg: "invalid access_token" });
    expect(await api.call(sales, { path: "/cgi-bin/user/get", query: { userid: "lisi" } })).toMatchObject({ userid: "lisi" });
    expect(wecom.callsTo("/cgi-bin/gettoken").length).toBe(before + 1);
    expect(wechat.callsTo("/cgi-bin/user/get")).toEqual([]);
  });

  test("file store: <dir>/wecom-<corp-id>-<agent-id> in the Go record format, beside the Official Account's <app-id>; a new process reuses it", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "wxgw-wecom-")), "tokens");
    const api = apiOn(createFileTokenStore(dir, log));
    const token = await api.tokens.accessToken(sales);
    await api.tokens.accessToken(oa);
    expect(
      readdirSync(dir)
        .filter((f) => !f.endsWith(".lock"))
        .sort(),
    ).toEqual([`wecom-${CORP_ID}-1000002`, APP_ID].sort());
    expect(JSON.parse(readFileSync(join(dir, `wecom-${CORP_ID}-1000002`), "utf8"))).toEqual({ token, expire: expect.any(Number) });
    const fetches = wecom.tokenFetches;
    expect(await apiOn(createFileTokenStore(dir, log)).tokens.accessToken(sales)).toBe(token);
    expect(wecom.tokenFetches).toBe(fetches);
  });
});

describeRedis("WeCom tokens in Redis", () => {
  let redis: TestRedis;
  beforeAll(async () => (redis = await startRedis()));
  afterAll(() => redis.stop());

  test("kept under <prefix>token:wecom-<corp-id>-<agent-id> and shared by a second instance", async () => {
    const store = () => createRedisTokenStore({ url: redis.url, prefix: "wt:" }, log);
    const token = await apiOn(store()).tokens.accessToken(sales);
    const client = await redis.client();
    try {
      expect(JSON.parse(String(await client.get(`wt:token:wecom-${CORP_ID}-1000002`)))).toEqual({ token, expire: expect.any(Number) });
    } finally {
      client.close();
    }
    const fetches = wecom.tokenFetches;
    expect(await apiOn(store()).tokens.accessToken(sales)).toBe(token);
    expect(wecom.tokenFetches).toBe(fetches);
  });
});
