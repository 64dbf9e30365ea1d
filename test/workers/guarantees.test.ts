/**
 * @module test/workers/guarantees
 * `workers` > 1 keeps every single-process guarantee without Redis (SPEC §12), against the compiled
 * executable: a message and its retries on connections of different workers reach the backend once and
 * get one reply; a nonce replayed on another worker is refused; 50 callers of the token center spread
 * over all workers cause one token and one ticket fetch; `workerNum` bounds the whole process.
 */
import { describe, expect, test } from "bun:test";
import { rawConfig } from "../_helpers/config";
import { startFakeBackend } from "../_helpers/fake-backend";
import { startFakeWechat } from "../_helpers/fake-wechat";
import { plainCallback, signedQuery, textXml } from "../_helpers/wechat";
import { closeAll, connectionsByWorker, oneConnectionPerWorker, startWorkers } from "../_helpers/workers";

/** The sum of a counter's samples in an exposition text. */
const total = (text: string, name: string) =>
  text
    .split("\n")
    .filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `))
    .reduce((n, l) => n + Number(l.slice(l.lastIndexOf(" ") + 1)), 0);

describe("workers: the guarantees of one process", () => {
  test("a message and its retries on three workers: the backend sees it once, all get the same reply", async () => {
    using backend = startFakeBackend();
    const release = Promise.withResolvers<void>();
    backend.on("*", { until: release.promise, json: { type: "text", msg: "answered once" } });
    const raw = rawConfig({ "msg-proxy-pass": backend.url }, { "common-endpoints": { "health-check": "/health", metrics: "/metrics" } });
    await using gw = await startWorkers(raw, 3);
    const conns = await oneConnectionPerWorker(gw.port, 3);
    expect(conns.map((c) => c.worker)).toEqual(["1", "2", "3"]);
    const xml = textXml("hello");
    const query = signedQuery();
    const first = conns[0]!.send(plainCallback(gw.base, "/wx", xml, query));
    await backend.whenReceived(1);
    const retries = conns.slice(1).map((c) => c.send(plainCallback(gw.base, "/wx", xml, query)));
    // both retries have joined the message held by worker 1 before the backend answers
    for (let i = 0; i < 200; i++) {
      if (total(await (await fetch(`${gw.base}/metrics`)).text(), "wxgw_dedup_hits_total") >= 2) break;
      await Bun.sleep(10);
    }
    release.resolve();
    const answers = await Promise.all([first, ...retries]);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(answers[0]!.body).toContain("answered once");
    expect(new Set(answers.map((a) => a.body)).size).toBe(1);
    // answered: a later retry on worker 3 gets the stored reply, rendered to the same bytes
    expect((await conns[2]!.send(plainCallback(gw.base, "/wx", xml, query))).body).toBe(answers[0]!.body);
    expect(backend.received.length).toBe(1);
    closeAll(conns);
  }, 30_000);

  test("a nonce seen by one worker, replayed with another body on another worker: 401", async () => {
    await using gw = await startWorkers(rawConfig({ timeout: 300 }), 2);
    const [a, b] = await oneConnectionPerWorker(gw.port, 2);
    const query = signedQuery();
    expect((await a!.send(plainCallback(gw.base, "/wx", textXml("original"), query))).status).toBe(200);
    expect((await b!.send(plainCallback(gw.base, "/wx", textXml("forged"), query))).status).toBe(401);
    closeAll([a!, b!]);
  }, 30_000);

  test("50 concurrent sign-jsapi calls over 4 workers: one access_token and one jsapi_ticket fetch", async () => {
    using fake = startFakeWechat();
    fake.delayNext("/cgi-bin/stable_token", 300); // every caller arrives while the first fetch is out
    const raw = rawConfig({}, { "wx-api-base": fake.url, "common-endpoints": { "health-check": "/health", "sign-jsapi": "/sign-jsapi" } });
    await using gw = await startWorkers(raw, 4);
    await connectionsByWorker(gw.port, 4).then((m) => closeAll([...m.values()].flat()));
    const answers = await Promise.all(
      Array.from({ length: 50 }, () =>
        fetch(`${gw.base}/sign-jsapi`, {
          method: "POST",
          body: new URLSearchParams({ s: "svc", u: "https://example.com/page" }),
          headers: { connection: "close" },
        }),
      ),
    );
    expect(answers.map((r) => r.status)).toEqual(Array(50).fill(200));
    expect(new Set(answers.map((r) => r.headers.get("x-wxgw-worker"))).size).toBe(4);
    expect(fake.calls.filter((c) => c.path === "/cgi-bin/stable_token").length).toBe(1);
    expect(fake.calls.filter((c) => c.path === "/cgi-bin/ticket/getticket").length).toBe(1);
  }, 30_000);

  test("the userInfo cache is shared: a user's messages on three workers cost one user/info call", async () => {
    using fake = startFakeWechat();
    using backend = startFakeBackend();
    await using gw = await startWorkers(rawConfig({ "msg-proxy-pass": backend.url }, { "wx-api-base": fake.url, "dont-append-userinfo": false }), 3);
    const conns = await oneConnectionPerWorker(gw.port, 3);
    for (const c of conns) expect((await c.send(plainCallback(gw.base, "/wx", textXml("hi", undefined, "oSameUser")))).status).toBe(200);
    expect(backend.received.map((r) => (r.body.userInfo as { openid?: string } | undefined)?.openid)).toEqual(["oSameUser", "oSameUser", "oSameUser"]);
    expect(fake.calls.filter((c) => c.path === "/cgi-bin/user/info").length).toBe(1);
    closeAll(conns);
  }, 30_000);

  test("workerNum 2 with 4 workers: at most 2 messages at the backend at once, in the whole process", async () => {
    using backend = startFakeBackend();
    const release = Promise.withResolvers<void>();
    backend.on("*", { until: release.promise, json: { type: "text", msg: "ok" } });
    const admin = { "admin-token": "guarantees-admin", "common-endpoints": { "health-check": "/health", status: "/status" } };
    await using gw = await startWorkers(rawConfig({ "msg-proxy-pass": backend.url, workerNum: 2, "reply-timeout-ms": 20_000 }, admin), 4);
    const conns = [...(await connectionsByWorker(gw.port, 4, 2)).values()].flat();
    const answers = conns.map((c, i) => c.send(plainCallback(gw.base, "/wx", textXml(`m${i}`))));
    await backend.whenReceived(2);
    // the status page adds up every worker's slots and queue: the other six wait (with a bound per
    // worker they would be at the backend, and `waiting` would never reach 6)
    const backendNow = async () => {
      const res = await fetch(`${gw.base}/status/data`, { headers: { authorization: "Bearer guarantees-admin" } });
      return ((await res.json()) as { services: Array<{ backendNow: { active: number; waiting: number } }> }).services[0]!.backendNow;
    };
    let now = await backendNow();
    for (let i = 0; i < 300 && now.waiting < 6; i++) now = await Bun.sleep(10).then(backendNow);
    expect(now).toEqual({ active: 2, waiting: 6 });
    expect(backend.received.length).toBe(2);
    release.resolve();
    expect((await Promise.all(answers)).map((a) => a.status)).toEqual(Array(8).fill(200));
    expect(backend.received.length).toBe(8);
    expect(backend.maxConcurrent).toBe(2);
    closeAll(conns);
  }, 30_000);
});
