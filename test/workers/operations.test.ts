/**
 * @module test/workers/operations
 * Running `workers` > 1 (SPEC §12), against the compiled executable: a worker that dies is restarted
 * and what it held is let go, so WeChat's retry of its message is answered, and the messages it had
 * answered `success` for before their backend call run again in its successor (none is lost); SIGTERM drains every worker; a scrape counts every worker's messages; log lines name their
 * worker.
 */
import { describe, expect, test } from "bun:test";
import { rawConfig } from "../_helpers/config";
import { startFakeBackend } from "../_helpers/fake-backend";
import { plainCallback, signedQuery, textXml } from "../_helpers/wechat";
import { closeAll, connectionsByWorker, oneConnectionPerWorker, startWorkers } from "../_helpers/workers";

/** Waits (polling the child's output) until `text` has been logged. */
async function logged(output: () => string, text: string): Promise<void> {
  for (let i = 0; i < 500 && !output().includes(text); i++) await Bun.sleep(20);
  expect(output()).toContain(text);
}

describe("workers: operations", () => {
  test("a worker that dies is restarted; the retry of its message is answered, every acknowledged message reached the backend", async () => {
    using backend = startFakeBackend();
    const release = Promise.withResolvers<void>();
    backend.on("*", (body) => ({ until: release.promise, json: { type: "text", msg: `re ${body.Content}` } }));
    await using gw = await startWorkers(rawConfig({ "msg-proxy-pass": backend.url }), 3);
    const byWorker = await connectionsByWorker(gw.port, 3, 2);
    const conn = (w: string, i = 0) => byWorker.get(w)![i]!;
    const sent = ["1", "2", "3"].map((w) => ({ xml: textXml(`on ${w}`), query: signedQuery(), w }));
    const answers = sent.map((m) => conn(m.w).send(plainCallback(gw.base, "/wx", m.xml, m.query)));
    await backend.whenReceived(3);
    // worker 2 crashes with its message at the backend: its connections end unanswered
    await conn("2", 1).send(new Request(`${gw.base}/health`, { headers: { "x-wxgw-test-exit": "1" } }));
    expect((await answers[1])!.status).toBe(0);
    await logged(gw.output, "worker 2 exited unexpectedly: restarting it");
    await logged(gw.output, "worker 2 restarted");
    // WeChat sends the unanswered message again; its claim died with worker 2, so it is run again
    const retry = fetch(plainCallback(gw.base, "/wx", sent[1]!.xml, sent[1]!.query));
    await backend.whenReceived(4);
    release.resolve();
    const done = [await answers[0]!, await answers[2]!, { status: (await retry).status, body: await (await retry.then((r) => r.clone())).text() }];
    expect(done.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(done.map((a) => /re on (\d)/.exec(a.body)?.[1])).toEqual(["1", "3", "2"]);
    // every worker serves again, the restarted one included
    closeAll(await connectionsByWorker(gw.port, 3).then((m) => [...m.values()].flat()));
    closeAll([...byWorker.values()].flat());
  }, 30_000);

  test("a worker that dies holding messages it answered `success` for: its successor runs them again, none is lost", async () => {
    using backend = startFakeBackend();
    const release = Promise.withResolvers<void>();
    backend.on("*", (body) => ({ until: release.promise, json: { type: "text", msg: `re ${body.Content}` } }));
    // one backend slot in the whole process: the second message waits for it past its deadline
    await using gw = await startWorkers(rawConfig({ "msg-proxy-pass": backend.url, workerNum: 1, "reply-timeout-ms": 400 }), 2);
    const on2 = (await connectionsByWorker(gw.port, 2, 3)).get("2")!;
    const atBackend = on2[0]!.send(plainCallback(gw.base, "/wx", textXml("at the backend")));
    await backend.whenReceived(1);
    const queued = on2[1]!.send(plainCallback(gw.base, "/wx", textXml("queued")));
    // both are answered `success` at their deadline: WeChat will not send them again
    expect((await Promise.all([atBackend, queued])).map((a) => [a.status, a.body])).toEqual([
      [200, "success"],
      [200, "success"],
    ]);
    await on2[2]!.send(new Request(`${gw.base}/health`, { headers: { "x-wxgw-test-exit": "1" } }));
    await logged(gw.output, "worker 2 restarted");
    await logged(gw.output, "worker 2 runs again the messages an ended worker had acknowledged");
    release.resolve();
    // the one at the backend when its worker died reaches it again (at least once); the queued one for the first time
    await backend.whenReceived(3);
    expect(backend.received.map((r) => String(r.body.Content)).sort()).toEqual(["at the backend", "at the backend", "queued"]);
  }, 30_000);

  test("SIGTERM with a message in flight on every worker: all answered, exit 0", async () => {
    using backend = startFakeBackend();
    const release = Promise.withResolvers<void>();
    backend.on("*", (body) => ({ until: release.promise, json: { type: "text", msg: `re ${body.Content}` } }));
    await using gw = await startWorkers(rawConfig({ "msg-proxy-pass": backend.url, "reply-timeout-ms": 20_000 }), 3);
    const conns = await oneConnectionPerWorker(gw.port, 3);
    const answers = conns.map((c) => c.send(plainCallback(gw.base, "/wx", textXml(`on ${c.worker}`))));
    await backend.whenReceived(3);
    const exit = gw.stop("SIGTERM");
    await logged(gw.output, "stopping: every worker drains what it accepted");
    release.resolve();
    const done = await Promise.all(answers);
    expect(done.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(done.map((a) => /re on (\d)/.exec(a.body)?.[1])).toEqual(["1", "2", "3"]);
    expect(await exit).toBe(0);
    closeAll(conns);
  }, 30_000);

  test("a scrape counts the messages of every worker; log lines carry the worker id (0: the primary)", async () => {
    const raw = rawConfig({}, { "common-endpoints": { "health-check": "/health", metrics: "/metrics" } });
    await using gw = await startWorkers(raw, 3);
    const conns = await oneConnectionPerWorker(gw.port, 3);
    for (const c of conns) for (let i = 0; i < 2; i++) expect((await c.send(plainCallback(gw.base, "/wx", textXml("hi")))).status).toBe(200);
    const scrape = async () => (await conns[0]!.send(new Request(`${gw.base}/metrics`))).body;
    const text = await scrape();
    const replied = text.split("\n").find((l) => l.startsWith("wxgw_callbacks_total{") && l.includes('outcome="replied"'));
    expect(replied?.endsWith(" 6")).toBe(true);
    // the process's own metrics, once: the primary registers them a second after start
    let again = text;
    for (let i = 0; i < 100 && !again.includes("wxgw_process_resident_memory_bytes "); i++) again = await Bun.sleep(30).then(scrape);
    expect(again.split("\n").filter((l) => l.startsWith("wxgw_process_resident_memory_bytes ")).length).toBe(1);
    const workers = new Set(
      gw
        .output()
        .split("\n")
        .filter((l) => l.startsWith("{"))
        .map((l) => JSON.parse(l).worker),
    );
    expect([...workers].sort()).toEqual([0, 1, 2, 3]);
    closeAll(conns);
  }, 30_000);
});
