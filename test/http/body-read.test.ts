/**
 * A callback body that cannot be read, or that arrives slowly, through the real gateway on a socket:
 * a client that drops mid-body, malformed chunked framing and a chunked body over the server's
 * maxRequestBodySize are rejections (400/413, logged at info), never a "callback failed" 500 at error
 * level; a body trickled in past the timestamp window is refused before the replay guard sees it.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { connect, type Socket } from "node:net";
import { createGateway } from "../../src/gateway";
import { createMemoryLogger } from "../../src/obs/log";
import { createMetrics } from "../../src/obs/metrics";
import { makeConfig } from "../_helpers/config";
import { fakeTimerClock } from "../_helpers/fake-timers";
import { rawRequest } from "../_helpers/raw-http";
import { signedQuery, textXml } from "../_helpers/wechat";

const clock = fakeTimerClock();
const { log, lines } = createMemoryLogger("info");
const gateway = createGateway(makeConfig({ timeout: 10 }), { log, metrics: createMetrics({ processMetrics: false }), clock });
let entered = 0;
const server = Bun.serve({ hostname: "127.0.0.1", port: 0, maxRequestBodySize: 4096, fetch: (req) => (entered++, gateway.app.handle(req)) });
afterAll(() => server.stop(true));

const target = () => `/wx?${signedQuery({ timestamp: String(Math.floor(clock.unixMs() / 1000)) })}`;
const head = (framing: string) => `POST ${target()} HTTP/1.1\r\nHost: gw\r\n${framing}\r\nConnection: close\r\n\r\n`;
const callbackLogs = () =>
  lines()
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((l) => String(l.msg).startsWith("callback "));

/** waits (polling) for what a real socket brings, never for time to pass */
async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !cond(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(cond()).toBe(true);
}

/** the callback's outcome, once the gateway has logged it */
async function nextOutcome(before: number): Promise<Record<string, unknown>> {
  await until(() => callbackLogs().length > before);
  return callbackLogs()[before]!;
}

/** the request has reached the handler, which checked its query and waits for the body */
async function inHandler(before: number): Promise<void> {
  await until(() => entered > before);
  await new Promise((resolve) => setImmediate(resolve));
}

function open(): Promise<Socket> {
  return new Promise((resolve) => {
    const socket = connect(server.port!, "127.0.0.1", () => resolve(socket));
    socket.on("error", () => {});
  });
}

describe("a callback body that cannot be read", () => {
  test("the client drops the connection mid-body: 400, logged as a rejection", async () => {
    const [before, requests] = [callbackLogs().length, entered];
    const socket = await open();
    socket.write(`${head("Content-Length: 500")}${"x".repeat(100)}`);
    await inHandler(requests);
    socket.destroy();
    expect(await nextOutcome(before)).toMatchObject({ level: "info", msg: "callback rejected", status: 400 });
  });

  test("malformed chunked framing: 400; a chunked body over maxRequestBodySize: 413; neither an error", async () => {
    let before = callbackLogs().length;
    await rawRequest(server.port!, `${head("Transfer-Encoding: chunked")}zz\r\nabc\r\n0\r\n\r\n`);
    expect(await nextOutcome(before)).toMatchObject({ level: "info", msg: "callback rejected", status: 400 });
    before = callbackLogs().length;
    const chunk = `800\r\n${"x".repeat(0x800)}\r\n`;
    const answer = await rawRequest(server.port!, `${head("Transfer-Encoding: chunked")}${chunk}${chunk}${chunk}0\r\n\r\n`);
    expect(answer.status).toBe(413);
    expect(await nextOutcome(before)).toMatchObject({ level: "info", msg: "callback rejected", status: 413 });
    expect(lines().filter((l) => l.includes("callback failed"))).toEqual([]);
  });
});

describe("a body trickled in slowly", () => {
  test("past the timestamp window it is refused (401) before the replay guard, whose nonce may be forgotten by then", async () => {
    const [before, requests] = [callbackLogs().length, entered];
    const socket = await open();
    const body = textXml("slow");
    let answer = "";
    socket.on("data", (d: Buffer) => (answer += d.toString("latin1")));
    socket.write(`${head(`Content-Length: ${Buffer.byteLength(body)}`)}${body.slice(0, 20)}`);
    await inHandler(requests); // its query was checked within the window; its body is unfinished
    clock.advance(11_000);
    socket.write(body.slice(20));
    const outcome = await nextOutcome(before);
    expect(outcome).toMatchObject({ msg: "callback rejected", status: 401, reason: "timestamp outside the allowed window" });
    await until(() => answer.length > 0);
    socket.destroy();
    expect(answer).toStartWith("HTTP/1.1 401");
  });
});
