/**
 * Three gateway processes behind an imaginary load balancer, sharing one real redis-server: WeChat's
 * retries landing on other instances, one token fetch for all, the shared userInfo and OAuth code
 * caches, replayed nonces, one Redis connection per process, a Redis outage mid-run and its recovery
 * without restarting the gateways.
 * The tests run in order and share the processes (starting three is the slow part).
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { APP_ID, rawService } from "../_helpers/config";
import { type FakeBackend, startFakeBackend } from "../_helpers/fake-backend";
import { type FakeWechat, startFakeWechat } from "../_helpers/fake-wechat";
import { type Instances, startInstances } from "../_helpers/instances";
import { describeRedis, startRedis, type TestRedis } from "../_helpers/redis";
import { nextMsgId, signedQuery, textXml } from "../_helpers/wechat";

const PREFIX = "e2e-inst:";
const SLOW_MS = 1200;

let redis: TestRedis;
let fake: FakeWechat;
let backend: FakeBackend;
let gw: Instances;

const OAUTH_CODE = "base-reuse-code-1";

const wxUser = (base: string, openId: string) => fetch(`${base}/wx-user?s=svc&o=${openId}`);
const post = (base: string, query: URLSearchParams, xml: string) =>
  fetch(`${base}/wx?${query}`, { method: "POST", body: xml, headers: { "content-type": "text/xml" } });
const receivedMsg = (msgId: string) => backend.received.filter((r) => r.body.MsgId === msgId);
const pause = (ms: number) => Bun.sleep(ms);

/** Sends one message to instance 1, then WeChat's identical retries to instances 2 and 3 while the backend works. */
async function retriesAcrossInstances(label: string): Promise<{ msgId: string; bodies: string[] }> {
  const msgId = nextMsgId();
  const xml = textXml(`slow ${label}`, msgId, `oSlow${label}`);
  const query = signedQuery();
  const first = post(gw.urls[0]!, query, xml);
  await pause(300);
  const second = post(gw.urls[1]!, query, xml);
  await pause(300);
  const third = post(gw.urls[2]!, query, xml);
  const responses = await Promise.all([first, second, third]);
  expect(responses.map((r) => r.status)).toEqual([200, 200, 200]);
  return { msgId, bodies: await Promise.all(responses.map((r) => r.text())) };
}

describeRedis("three gateway processes sharing one Redis", () => {
  beforeAll(async () => {
    redis = await startRedis();
    fake = startFakeWechat();
    backend = startFakeBackend();
    backend.on("/msg/text", (body) => {
      const content = String(body.Content);
      return { json: { type: "text", msg: `re: ${content}` }, delayMs: content.startsWith("slow") ? SLOW_MS : 0 };
    });
    gw = await startInstances(3, () => ({
      "listen-host": "127.0.0.1",
      "listen-port": 0,
      "wx-api-base": fake.url,
      "token-store": { type: "redis", url: redis.url, prefix: PREFIX },
      "reply-timeout-ms": 3000,
      services: [
        rawService("svc", "/wx", {
          timeout: 300,
          "msg-proxy-pass": backend.url,
          "listen-endpoints": { "service-path": "/wx", "redirect-path": "/oauth" },
          "redirect-url": `${backend.url}/oauth-landing`,
        }),
      ],
      "common-endpoints": { "health-check": "/health", metrics: "/metrics", "wx-user": "/wx-user", "sns-auth2": "/sns-auth2" },
      "dont-append-userinfo": false,
    }));
  }, 30_000);

  afterAll(async () => {
    await gw?.stop();
    await redis?.stop();
    fake?.stop();
    backend?.stop(); // last: it throws if a forwarded body broke the contract
  });

  test("100 concurrent wx-user calls spread over the three: WeChat issues one token", async () => {
    const answers = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        wxUser(gw.urls[i % 3]!, `oApi${i}`).then(async (r) => ({ status: r.status, body: (await r.json()) as { userInfo?: { openid?: string } } })),
      ),
    );
    answers.forEach((a, i) => {
      expect(a.status).toBe(200);
      expect(a.body.userInfo?.openid).toBe(`oApi${i}`);
    });
    expect(fake.tokenFetches).toBe(1);
  });

  test("100 concurrent callbacks spread over the three, each needing user info, use that shared token", async () => {
    const sent = Array.from({ length: 100 }, (_, i) => ({ i, msgId: nextMsgId() }));
    const responses = await Promise.all(
      sent.map(({ i, msgId }) => post(gw.urls[i % 3]!, signedQuery(), textXml(`hello ${i}`, msgId, `oFan${i}`)).then((r) => r.text())),
    );
    sent.forEach(({ i }) => expect(responses[i]).toContain(`re: hello ${i}`));
    expect(fake.tokenFetches).toBe(1);
    for (const { msgId } of sent) {
      const [got] = receivedMsg(msgId);
      expect(got?.body.userInfoError).toBe("");
      expect((got?.body.userInfo as { openid?: string }).openid).toBe(String(got?.body.FromUserName));
    }
  });

  test("the userInfo cache is shared: one user/info call for a user writing to all three, under <prefix>kv: with a TTL", async () => {
    for (const url of gw.urls) expect((await post(url, signedQuery(), textXml("hi", nextMsgId(), "oShared"))).status).toBe(200);
    expect((await wxUser(gw.urls[1]!, "oShared")).status).toBe(200);
    expect(fake.callsTo("/cgi-bin/user/info").filter((c) => c.query.openid === "oShared").length).toBe(1);
    const client = await redis.client();
    const ttl = Number(await client.send("PTTL", [`${PREFIX}kv:userinfo:${APP_ID}:oShared`]));
    client.close();
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(10 * 60 * 1000);
  });

  test("a MsgId retried on instances 2 and 3 while the backend is slow: the backend sees it once, all three get its reply", async () => {
    const { msgId, bodies } = await retriesAcrossInstances("A");
    expect(bodies[0]).toContain("re: slow A");
    expect(bodies[1]).toBe(bodies[0]!);
    expect(bodies[2]).toBe(bodies[0]!);
    expect(receivedMsg(msgId).length).toBe(1);
    // a later retry, after the answer, is replayed from Redis
    const again = await post(gw.urls[2]!, signedQuery(), textXml("slow A", msgId, "oSlowA"));
    expect(await again.text()).toBe(bodies[0]!);
    expect(receivedMsg(msgId).length).toBe(1);
  });

  test("a nonce replayed with another body on another instance is rejected (timeout > 0)", async () => {
    const query = signedQuery();
    const original = textXml("original", nextMsgId(), "oNonce");
    const forgedId = nextMsgId();
    expect((await post(gw.urls[0]!, query, original)).status).toBe(200);
    const forged = await post(gw.urls[1]!, query, textXml("forged", forgedId, "oNonce"));
    expect(forged.status).toBe(401);
    expect(await forged.text()).toContain("replay");
    expect(receivedMsg(forgedId).length).toBe(0);
    // the identical request (WeChat's own retry) still passes on the third instance
    expect((await post(gw.urls[2]!, query, original)).status).toBe(200);
  });

  test("an OAuth code reused on other instances is served from the shared cache: WeChat exchanges it once", async () => {
    const first = await fetch(`${gw.urls[0]}/oauth?code=${OAUTH_CODE}&state=s1`);
    expect(first.status).toBe(200);
    const reload = await fetch(`${gw.urls[1]}/oauth?code=${OAUTH_CODE}&state=s1`);
    expect(reload.status).toBe(200);
    const viaEndpoint = await fetch(`${gw.urls[2]}/sns-auth2?s=svc&code=${OAUTH_CODE}`);
    expect(viaEndpoint.status).toBe(200);
    expect(((await viaEndpoint.json()) as { openId: string }).openId).toBe(`openid-${OAUTH_CODE}`);
    expect(fake.callsTo("/sns/oauth2/access_token").filter((c) => c.query.code === OAUTH_CODE).length).toBe(1);
    const landed = backend.received.filter((r) => r.path === "/oauth-landing");
    expect(landed.map((r) => r.body.openId)).toEqual([`openid-${OAUTH_CODE}`, `openid-${OAUTH_CODE}`]);
    const client = await redis.client();
    const keys = (await client.send("KEYS", [`${PREFIX}kv:oauth2:${APP_ID}:*`])) as string[];
    expect(keys.length).toBe(1);
    const ttl = Number(await client.send("PTTL", [keys[0]!]));
    client.close();
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(5 * 60 * 1000);
  });

  test("each instance holds one Redis connection for its tokens, caches and callback state", async () => {
    const client = await redis.client();
    const own = String(await client.send("CLIENT", ["ID"]));
    const list = String(await client.send("CLIENT", ["LIST"]));
    client.close();
    // every kind of key has been used by now (tokens, locks, kv caches, dedup claims, nonces)
    expect(list.split("\n").filter((line) => line.startsWith("id=") && !line.startsWith(`id=${own} `)).length).toBe(3);
  });

  test("Redis stopped: callbacks are still answered (per-instance dedup), token errors are a clear 502, one log line per outage", async () => {
    const tokenFetches = fake.tokenFetches;
    await redis.stop();
    const sent: string[] = [];
    for (let i = 0; i < 6; i++) {
      const msgId = nextMsgId();
      sent.push(msgId);
      const res = await post(gw.urls[i % 3]!, signedQuery(), textXml(`outage ${i}`, msgId, `oOutage${i}`));
      expect(res.status).toBe(200);
      expect(await res.text()).toContain(`re: outage ${i}`);
    }
    for (const msgId of sent) {
      const [got] = receivedMsg(msgId);
      // the user info lookup needed a token from the store: it failed with a clear reason, the message went on
      expect(String(got?.body.userInfoError)).toMatch(/redis unavailable/);
    }
    // a retry on the same instance is still absorbed by that instance's memory
    const retryId = nextMsgId();
    const query = signedQuery();
    const xml = textXml("outage retry", retryId, "oOutageR");
    const bodies = [await (await post(gw.urls[0]!, query, xml)).text(), await (await post(gw.urls[0]!, query, xml)).text()];
    expect(bodies[1]).toBe(bodies[0]!);
    expect(receivedMsg(retryId).length).toBe(1);
    expect(fake.tokenFetches).toBe(tokenFetches);
    const tokenCall = await wxUser(gw.urls[1]!, "oOutageApi");
    expect(tokenCall.status).toBe(502);
    const error = (await tokenCall.json()) as { code: number; msg: string };
    expect(error.code).toBe(502);
    expect(error.msg).toMatch(/^redis unavailable \(127\.0\.0\.1:\d+\/0\)/);

    const metrics = await (await fetch(`${gw.urls[0]}/metrics`)).text();
    expect(Number(/wxgw_state_store_degraded_total\{component="dedup"\} (\d+)/.exec(metrics)?.[1] ?? 0)).toBeGreaterThan(0);
    for (const inst of gw.instances) {
      expect(inst.lines().filter((l) => l.includes("shared state store failed")).length).toBe(1);
    }
  });

  test("Redis restarted on the same port: shared behaviour is back without restarting the gateways", async () => {
    await redis.start();
    await pause(1100); // the shared-state breaker tries Redis again 1 s after a failure
    const tokenFetches = fake.tokenFetches;
    const { msgId, bodies } = await retriesAcrossInstances("B");
    expect(bodies[0]).toContain("re: slow B");
    expect(new Set(bodies).size).toBe(1);
    expect(receivedMsg(msgId).length).toBe(1);
    // Redis lost its data (no persistence): the token is fetched again, once for all three
    const statuses = await Promise.all(Array.from({ length: 30 }, (_, i) => wxUser(gw.urls[i % 3]!, `oBack${i}`).then((r) => r.status)));
    expect(statuses).toEqual(Array(30).fill(200));
    expect(fake.tokenFetches).toBe(tokenFetches + 1);
    for (const inst of gw.instances) expect(inst.lines().some((l) => l.includes("shared state is in redis again"))).toBe(true);
  });

  test("no secret in any instance's log; every forwarded body met the contract", () => {
    const text = gw.lines().join("\n");
    expect(text).toContain("wx-gateway listening on");
    for (const secret of ["secret_value", "test_token", OAUTH_CODE, ...fake.validTokens(APP_ID)]) expect(text).not.toContain(secret);
    expect(backend.violations).toEqual([]);
  });
});
