/**
 * Readiness (`common-endpoints.ready`, SPEC §10) on the gateway as serve builds it: 200 when serving;
 * 503 with the reason while the gateway drains (a message still at its backend) and while its Redis is
 * stopped (a real redis-server), 200 again once Redis is back and the state link tries it again (its
 * one-second pause runs on the fake clock). health-check stays 200 throughout: it is liveness.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { DRAINING } from "../../src/ops/readiness";
import { makeConfig } from "../_helpers/config";
import { startFakeBackend } from "../_helpers/fake-backend";
import { fakeTimerClock } from "../_helpers/fake-timers";
import { startWiredGateway } from "../_helpers/gateway";
import { describeRedis, startRedis, type TestRedis } from "../_helpers/redis";
import { plainCallback, textXml } from "../_helpers/wechat";

const common = { "health-check": "/health", ready: "/ready" };
const probe = async (base: string) => {
  const ready = await fetch(`${base}/ready`);
  return { ready: ready.status, body: await ready.json(), health: (await fetch(`${base}/health`)).status };
};

test("200 when serving; 503 with the reason while draining, until the process is gone", async () => {
  const release = Promise.withResolvers<void>();
  using backend = startFakeBackend();
  backend.on("*", { until: release.promise, json: { type: "text", msg: "done" } });
  using gw = startWiredGateway(makeConfig({ "msg-proxy-pass": backend.url }, { "common-endpoints": common }), { clock: fakeTimerClock() });
  expect(await probe(gw.url)).toEqual({ ready: 200, body: { code: 200, msg: "OK" }, health: 200 });
  const answer = fetch(plainCallback(gw.url, "/wx", textXml("at the backend")));
  await backend.whenReceived();
  const drained = gw.gateway.drain();
  expect(await probe(gw.url)).toEqual({ ready: 503, body: { code: 503, msg: DRAINING }, health: 200 });
  release.resolve();
  expect(await (await answer).text()).toContain("done");
  expect((await drained).complete).toBe(true);
  expect((await probe(gw.url)).ready).toBe(503);
});

describeRedis("with a Redis token store", () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(() => redis?.stop());

  test("503 while Redis is stopped, 200 again once it is back", async () => {
    const clock = fakeTimerClock();
    using gw = startWiredGateway(makeConfig({}, { "common-endpoints": common, "token-store": { type: "redis", url: redis.url } }), { clock });
    expect(await probe(gw.url)).toEqual({ ready: 200, body: { code: 200, msg: "OK" }, health: 200 });
    await redis.stop();
    const down = { ready: 503, body: { code: 503, msg: `redis unreachable (127.0.0.1:${redis.port}/0)` }, health: 200 };
    expect(await probe(gw.url)).toEqual(down);
    await redis.start();
    // the link does not ask Redis again within a second of the failure: still unreachable for it
    expect(await probe(gw.url)).toEqual(down);
    clock.advance(1000);
    expect(await probe(gw.url)).toEqual({ ready: 200, body: { code: 200, msg: "OK" }, health: 200 });
    await gw.gateway.close();
  });
});
