/**
 * Several processes sharing one token-cache-dir (SPEC §3): the file is the stored token of the
 * compare-and-swap. Two token managers on one directory in this process stand for two gateways (each
 * has its own store and single flight, as separate processes do), then real processes do the same.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createMemoryLogger } from "../../src/obs/log";
import { createFileTokenStore } from "../../src/store/file-store";
import { APP_ID } from "../_helpers/config";
import { type FakeTimerClock, fakeTimerClock } from "../_helpers/fake-timers";
import { startFakeWechat } from "../_helpers/fake-wechat";
import { resultLines, spawnTokenWorker, workerOutput } from "../_helpers/token-workers";
import { makeWxApi, SECRET } from "../_helpers/wxapi";

const fake = startFakeWechat();
afterAll(() => fake.stop());

const newDir = () => join(mkdtempSync(join(tmpdir(), "wxgw-shared-")), "cache");
const { log } = createMemoryLogger();
const cached = (dir: string, appId = APP_ID) => JSON.parse(readFileSync(join(dir, appId), "utf8")) as { token: string; expire: number };
const fetchesFor = (appId: string) => fake.callsTo("/cgi-bin/stable_token").filter((c) => (c.body as { appid?: string }).appid === appId).length;

/** Two gateways on one cache directory. */
function twoGateways(dir: string, clock?: FakeTimerClock) {
  return [0, 1].map(() => makeWxApi(fake, { store: createFileTokenStore(dir, log, { now: clock?.unixMs }), clock }));
}
const userInfo = (g: ReturnType<typeof makeWxApi>) => g.api.call(g.svc, { path: "/cgi-bin/user/info", query: { openid: "o1" } });

describe("two gateways on one token-cache-dir", () => {
  test("a 40001 for a token the file no longer holds fetches nothing: the file's newer token is used", async () => {
    const dir = newDir();
    const [a, b] = twoGateways(dir);
    const first = await a!.api.tokens.accessToken(a!.svc);
    expect(await b!.api.tokens.accessToken(b!.svc)).toBe(first);
    // b's call carries the token while WeChat holds its answer back…
    const wechatAnswers = Promise.withResolvers<void>();
    fake.scriptNext("/cgi-bin/user/info", { until: wechatAnswers.promise });
    const seen = fake.callsTo("/cgi-bin/user/info").length;
    const slow = userInfo(b!);
    await fake.whenCalled("/cgi-bin/user/info", seen + 1);
    // …meanwhile WeChat revokes it and a renews it
    fake.revokeTokens(APP_ID);
    const before = fake.tokenFetches;
    await userInfo(a!);
    const renewed = cached(dir).token;
    expect(renewed).not.toBe(first);
    expect(fake.tokenFetches - before).toBe(1);
    wechatAnswers.resolve();
    // b's answer is 40001 for a token the file no longer holds: b uses the file's token, fetches nothing
    expect((await slow).openid).toBe("o1");
    expect(fake.callsTo("/cgi-bin/user/info").at(-1)!.query.access_token).toBe(renewed);
    expect(fake.tokenFetches - before).toBe(1);
    expect(cached(dir).token).toBe(renewed);
  });

  test("a renewal by one gateway is used by the other instead of fetching again", async () => {
    const dir = newDir();
    const clock = fakeTimerClock();
    const [a, b] = twoGateways(dir, clock);
    await a!.api.tokens.accessToken(a!.svc);
    await b!.api.tokens.accessToken(b!.svc);
    const before = fake.tokenFetches;
    clock.advance((7200 - 200) * 1000); // inside the early-renewal window of both
    await a!.api.tokens.accessToken(a!.svc);
    expect(fake.tokenFetches - before).toBe(1);
    await b!.api.tokens.accessToken(b!.svc);
    expect(fake.tokenFetches - before).toBe(1);
    expect(cached(dir).expire).toBe(Math.floor(clock.unixMs() / 1000) + 7200);
  });

  test("concurrent refreshes are serialised by the lock file: one fetch, one token", async () => {
    const dir = newDir();
    const [a, b] = twoGateways(dir);
    const before = fake.tokenFetches;
    fake.delayNext("/cgi-bin/stable_token", 300);
    const tokens = await Promise.all([a!, b!, a!, b!].map((g) => g.api.tokens.accessToken(g.svc)));
    expect(fake.tokenFetches - before).toBe(1);
    expect(new Set(tokens).size).toBe(1);
    expect(cached(dir).token).toBe(tokens[0]!);
  });
});

describe("real processes on one token-cache-dir", () => {
  const worker = (dir: string, appId: string, extra: Record<string, string> = {}) =>
    spawnTokenWorker({ TOKEN_CACHE_DIR: dir, WX_API_BASE: fake.url, APP_ID: appId, APP_SECRET: SECRET, LOCK_TTL_MS: "5000", ...extra });

  test("3 processes asking at the same moment → 1 token fetch in total", async () => {
    const dir = newDir();
    const appId = "wxshareddir00001";
    fake.delayNext("/cgi-bin/stable_token", 300); // slow, so the others really meet the lock
    const startAt = String(Date.now() + 1500);
    const outputs = await Promise.all([0, 1, 2].map(() => workerOutput(worker(dir, appId, { START_AT: startAt }))));
    const tokens = outputs.map((o) => o.results[0]?.token);
    expect(outputs.map((o) => o.results[0]?.error)).toEqual([undefined, undefined, undefined]);
    expect(new Set(tokens).size).toBe(1);
    expect(fetchesFor(appId)).toBe(1);
    expect(cached(dir, appId).token).toBe(tokens[0]!);
    for (const { logs } of outputs) expect(logs).not.toContain(tokens[0]!);
  });

  test("a long-running process whose token was renewed by another one uses the renewed token and fetches nothing", async () => {
    const dir = newDir();
    const appId = "wxshareddir00002";
    const old = worker(dir, appId, { THEN_CALL: "1" });
    const lines = resultLines(old);
    const first = await lines.next();
    expect(first.token).toStartWith(`AT_${appId}_`);
    // meanwhile WeChat revokes the token and a newer process renews it
    fake.revokeTokens(appId);
    const newer = worker(dir, appId, { THEN_CALL: "1" });
    newer.stdin.end(); // reads the revoked token from the file, gets 40001, renews
    const newerResults = (await workerOutput(newer)).results;
    expect(newerResults).toEqual([{ token: first.token }, { openid: "o-worker" }]);
    const renewed = cached(dir, appId).token;
    expect(renewed).not.toBe(first.token);
    expect(fetchesFor(appId)).toBe(2);
    old.stdin.end(); // the old process now calls WeChat
    expect(await lines.next()).toEqual({ openid: "o-worker" });
    await old.exited;
    expect(fetchesFor(appId)).toBe(2);
    expect(cached(dir, appId).token).toBe(renewed);
  });
});
