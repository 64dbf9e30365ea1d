/**
 * The OAuth code exchanger: what is remembered (and what is not), single flight, another instance's
 * result after a 40163, and a shared store that is down.
 */
import { describe, expect, test } from "bun:test";
import { createMemoryLogger } from "../../src/obs/log";
import { createMemoryKvStore, type KvStore } from "../../src/store/kv";
import { WxApiError } from "../../src/wxapi/client";
import { createOAuthExchanger } from "../../src/wxapi/oauth2";
import { startFakeWechat } from "../_helpers/fake-wechat";
import { makeWxApi } from "../_helpers/wxapi";

/** A KvStore that records every write. */
function recordingKv(): KvStore & { writes: Array<[string, string, number]> } {
  const kv = createMemoryKvStore();
  const writes: Array<[string, string, number]> = [];
  return { ...kv, writes, set: async (k, v, ttl) => (writes.push([k, v, ttl]), kv.set(k, v, ttl)) };
}

describe("OAuth code exchange", () => {
  test("remembered 5 minutes under a hash of the code; the OAuth token kept only for snsapi_userinfo", async () => {
    using fake = startFakeWechat();
    const { api, svc } = makeWxApi(fake);
    const kv = recordingKv();
    const ex = createOAuthExchanger({ api, kv, log: createMemoryLogger().log });
    expect(await ex.exchange(svc, "base-k1")).toEqual({ openId: "openid-base-k1", scope: "snsapi_base", unionId: "union-openid-base-k1" });
    const ui = await ex.exchange(svc, "ui-k2");
    expect(ui.snsToken).toStartWith("SNS_");
    expect(kv.writes.length).toBe(2);
    for (const [key, value, ttl] of kv.writes) {
      expect(ttl).toBe(300_000);
      expect(key).toStartWith(`oauth2:${svc.appId}:`);
      expect(key).not.toContain("k1");
      expect(key).not.toContain("k2");
      expect(value).not.toContain("RT_"); // the refresh_token is never kept
    }
    expect(kv.writes[0]![1]).not.toContain("SNS_");
    expect(await ex.exchange(svc, "ui-k2")).toEqual(ui);
    expect(fake.callsTo("/sns/oauth2/access_token").length).toBe(2);
  });
  test("concurrent exchanges of one code: one call to WeChat", async () => {
    using fake = startFakeWechat();
    const { api, svc } = makeWxApi(fake);
    const ex = createOAuthExchanger({ api, kv: createMemoryKvStore(), log: createMemoryLogger().log });
    fake.delayNext("/sns/oauth2/access_token", 50);
    const results = await Promise.all([ex.exchange(svc, "dbl"), ex.exchange(svc, "dbl"), ex.exchange(svc, "dbl")]);
    expect(results.map((r) => r.openId)).toEqual(["openid-dbl", "openid-dbl", "openid-dbl"]);
    expect(fake.callsTo("/sns/oauth2/access_token").length).toBe(1);
  });
  test("40163 while another instance exchanges the same code: its result, once it is stored", async () => {
    using fake = startFakeWechat();
    const { api, svc } = makeWxApi(fake);
    const shared = createMemoryKvStore();
    const other = createOAuthExchanger({ api, kv: shared, log: createMemoryLogger().log });
    let sleeps = 0;
    const ex = createOAuthExchanger({
      api,
      kv: shared,
      log: createMemoryLogger().log,
      // the other instance finishes while this one waits
      sleep: async () => void (++sleeps === 2 && (await other.exchange(svc, "race"))),
    });
    fake.failNext("/sns/oauth2/access_token", { errcode: 40163, errmsg: "code been used" });
    expect((await ex.exchange(svc, "race")).openId).toBe("openid-race");
    expect(sleeps).toBe(2);
  });
  test("40163 with nothing remembered: the 502 with WeChat's errcode after a bounded wait", async () => {
    using fake = startFakeWechat();
    const { api, svc } = makeWxApi(fake);
    let sleeps = 0;
    const ex = createOAuthExchanger({ api, kv: createMemoryKvStore(), log: createMemoryLogger().log, sleep: async () => void sleeps++ });
    await ex.exchange(svc, "used-long-ago");
    const fresh = createOAuthExchanger({ api, kv: createMemoryKvStore(), log: createMemoryLogger().log, sleep: async () => void sleeps++ });
    const err = await fresh.exchange(svc, "used-long-ago").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WxApiError);
    expect((err as WxApiError).errcode).toBe(40163);
    expect((err as WxApiError).status).toBe(502);
    expect(sleeps).toBe(5);
  });
  test("a shared store that is down costs the reuse, not the exchange", async () => {
    using fake = startFakeWechat();
    const { api, svc } = makeWxApi(fake);
    const down: KvStore = {
      get: () => Promise.reject(new Error("redis down")),
      set: () => Promise.reject(new Error("redis down")),
      setIfAbsent: () => Promise.reject(new Error("redis down")),
      del: () => Promise.reject(new Error("redis down")),
      close: async () => {},
    };
    const { log, lines } = createMemoryLogger();
    const ex = createOAuthExchanger({ api, kv: down, log });
    expect((await ex.exchange(svc, "base-down")).openId).toBe("openid-base-down");
    expect(lines().join("\n")).toContain("cannot remember an OAuth code's result");
  });
});
