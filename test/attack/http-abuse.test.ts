/**
 * @module test/attack/http-abuse
 * HTTP/1.1 abuse against the compiled executable, on raw TCP: request smuggling (CL+TE, TE+CL,
 * duplicate and malformed Content-Length, obfuscated Transfer-Encoding), odd Host headers,
 * oversized heads and bodies, absolute-form and other unusual request targets. Every case is
 * answered promptly with no 5xx (505 aside: the server's refusal of a request line it cannot read),
 * a hidden request is never answered nor forwarded, and only the callbacks meant to pass reach the
 * backend, each once.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type AbuseCase, oddHostCases, oversizeCases, signedCallback, smugglingCases, targetCases } from "../_helpers/abuse-cases";
import { type RunningBinary, startBinary } from "../_helpers/binary";
import { rawConfig } from "../_helpers/config";
import { startFakeBackend } from "../_helpers/fake-backend";
import { type RawResponse, rawRequest, statuses } from "../_helpers/raw-http";

const backend = startFakeBackend();
let gw: RunningBinary;
beforeAll(async () => {
  gw = await startBinary(
    rawConfig({ "msg-proxy-pass": backend.url }, { "admin-token": "adm", "common-endpoints": { "health-check": "/health", metrics: "/metrics" } }),
  );
}, 30_000);
afterAll(async () => {
  await gw?.[Symbol.asyncDispose]();
  backend.stop();
});

type Answered = RawResponse & { readonly label: string };

async function run(cases: readonly AbuseCase[]): Promise<Answered[]> {
  const out: Answered[] = [];
  for (const c of cases) out.push({ ...(await rawRequest(gw.port, c.bytes, 3_000)), label: c.label });
  return out;
}

/** Answered in time, and not a 5xx unless the server could not read the request line at all. */
function misbehaved(answers: readonly Answered[]): string[] {
  return answers.filter((a) => a.timedOut || (a.status >= 500 && a.status !== 505)).map((a) => `${a.label} → ${a.timedOut ? "no answer in 3 s" : a.status}`);
}

const received = () => backend.received.map((r) => String(r.body.Content ?? r.raw.slice(0, 60)));

describe("request smuggling", () => {
  test("every framing conflict is refused with one 400; the hidden request is never answered nor forwarded", async () => {
    const answers = await run(smugglingCases());
    expect(misbehaved(answers)).toEqual([]);
    const notOne400 = answers.filter((a) => a.status !== 505 && (a.status !== 400 || statuses(a.text).length !== 1));
    expect(notOne400.map((a) => `${a.label} → ${statuses(a.text).join(",") || "closed"}`)).toEqual([]);
    await Bun.sleep(50);
    expect(received().filter((c) => c.includes("SMUGGLED"))).toEqual([]);
  });
});

describe("odd Host headers", () => {
  test("health answers and signed callbacks pass, each once, whatever the Host", async () => {
    const cases = oddHostCases();
    const answers = await run(cases);
    expect(misbehaved(answers)).toEqual([]);
    expect(answers.filter((a) => ![200, 400].includes(a.status)).map((a) => `${a.label} → ${a.status}`)).toEqual([]);
    const markers = cases.flatMap((c) => /LEGIT-\d+/.exec(String(c.bytes)) ?? []);
    const passed = received().filter((c) => markers.includes(c));
    expect(new Set(passed).size).toBe(passed.length);
    // a callback that got 200 reached the backend; one refused with 400 did not
    const answered200 = answers.filter((a, i) => a.status === 200 && markers.some((m) => String(cases[i]!.bytes).includes(m))).length;
    expect(passed.length).toBe(answered200);
    expect(answered200).toBeGreaterThan(0);
  });
});

describe("unusual request targets", () => {
  test("absolute-form callbacks are handled as their path, the rest refused; none is a 5xx", async () => {
    const answers = await run(targetCases(gw.port));
    expect(misbehaved(answers)).toEqual([]);
    const absolute = answers.filter((a) => a.label.startsWith("absolute-form"));
    expect(absolute.map((a) => a.status)).toEqual([200, 200]);
    const refused = answers.filter((a) => !a.label.startsWith("absolute-form") && a.status >= 200 && a.status < 300);
    expect(refused.map((a) => `${a.label} → ${a.status}`)).toEqual([]);
  });
  test("absolute-form URLs and short Hosts reach no guarded route without the token", async () => {
    const get = (target: string, host: string) => rawRequest(gw.port, `GET ${target} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
    expect((await get(`http://127.0.0.1:${gw.port}/metrics`, "gw")).status).toBe(401);
    expect((await get("http://ab/xx/metrics", "ab")).status).toBe(404);
    expect((await get("/xx/metrics", "ab")).status).toBe(404);
  });
});

describe("oversized heads and bodies", () => {
  test("are refused at once (413/414/431/400), never read into a callback", async () => {
    const before = backend.received.length;
    const answers = await run(oversizeCases());
    expect(misbehaved(answers)).toEqual([]);
    expect(answers.filter((a) => ![400, 413, 414, 431].includes(a.status)).map((a) => `${a.label} → ${a.status}`)).toEqual([]);
    expect(backend.received.length).toBe(before);
  });
});

describe("afterwards", () => {
  test("pipelined requests are each judged on their own; none slips past the guard", async () => {
    const metrics = "GET /metrics HTTP/1.1\r\nHost: gw\r\n\r\n";
    const health = "GET /health HTTP/1.1\r\nHost: gw\r\nConnection: close\r\n\r\n";
    expect(statuses((await rawRequest(gw.port, metrics + health)).text)).toEqual([401, 200]);
    // behind a response still in flight (the callback waits for the backend) Bun 1.4 closes the
    // connection without answering either (uWS "denying async pipelining", oven-sh/bun#38128)
    const res = await rawRequest(gw.port, `${signedCallback("LEGIT-pipelined")}${metrics}${health}`);
    expect([[], [200, 401, 200]]).toContainEqual(statuses(res.text));
    expect(res.timedOut).toBe(false);
    await Bun.sleep(50);
    expect(received().filter((c) => c === "LEGIT-pipelined").length).toBeLessThanOrEqual(1);
  });
  test("the gateway is still up, logged no unhandled error, and forwarded nothing but the legitimate callbacks", async () => {
    expect(gw.proc.exitCode).toBeNull();
    expect((await fetch(`${gw.base}/health`)).status).toBe(200);
    expect(gw.output()).not.toContain("unhandled error");
    expect(received().filter((c) => !c.startsWith("LEGIT-"))).toEqual([]);
  });
});
