/**
 * @module test/attack/admin-matrix
 * Issue 16 defects 1 and 2, against the compiled executable: every guarded endpoint × every spelling
 * of its path × every Host form × no, wrong and right token, written on raw TCP. Without the right
 * token nothing is a 2xx and nothing reaches WeChat; with it the canonical path works under every
 * Host; health-check is open under every Host.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { AUTH_RIGHT, AUTH_WRONG, GUARDED, type HostVariant, hostVariants, pathVariants, rawFor } from "../_helpers/admin-variants";
import { type RunningBinary, startBinary } from "../_helpers/binary";
import { startFakeWechat } from "../_helpers/fake-wechat";
import { bodyOf, type RawResponse, rawRequest } from "../_helpers/raw-http";
import { rawEndpointsConfig } from "../_helpers/wechat-endpoints";

const wechat = startFakeWechat();
let gw: RunningBinary;
let hosts: HostVariant[];
beforeAll(async () => {
  gw = await startBinary(rawEndpointsConfig(wechat.url));
  hosts = hostVariants(gw.port);
}, 30_000);
afterAll(async () => {
  await gw?.[Symbol.asyncDispose]();
  wechat.stop();
});

interface Probe {
  readonly label: string;
  readonly request: string;
}

/** Sends every probe, at most `width` at a time; answers in probe order. */
async function sendAll(probes: readonly Probe[], width = 24): Promise<Array<RawResponse & { label: string }>> {
  const out: Array<RawResponse & { label: string }> = new Array(probes.length);
  let next = 0;
  const lane = async () => {
    for (let i = next++; i < probes.length; i = next++) out[i] = { ...(await rawRequest(gw.port, probes[i]!.request)), label: probes[i]!.label };
  };
  await Promise.all(Array.from({ length: width }, lane));
  return out;
}

const is2xx = (status: number) => status >= 200 && status < 300;
const firstFew = <T>(list: T[]) => ({ count: list.length, first: list.slice(0, 8) });

describe("without the right token", () => {
  test("no path spelling under any Host gets a 2xx, and nothing reaches WeChat", async () => {
    const probes: Probe[] = [];
    let turn = 0;
    for (const t of GUARDED) {
      for (const [pathLabel, target] of pathVariants(t.path, t.query)) {
        for (const hv of hosts) {
          const label = `${t.name} | ${pathLabel} ${target} | Host ${hv.label} ${hv.origin}`;
          probes.push({ label: `${label} | no token`, request: rawFor(t, target, hv, null) });
          const wrong = AUTH_WRONG[turn++ % AUTH_WRONG.length]!;
          probes.push({ label: `${label} | ${wrong}`, request: rawFor(t, target, hv, wrong) });
        }
      }
    }
    const before = wechat.calls.length;
    const answers = await sendAll(probes);
    const broken = answers.filter((a) => is2xx(a.status) || a.timedOut || a.status === 0 || a.status >= 500);
    expect(firstFew(broken.map((a) => `${a.label} → ${a.timedOut ? "no answer" : a.status}`))).toEqual({ count: 0, first: [] });
    expect(wechat.calls.slice(before).map((c) => c.path)).toEqual([]);
    // the guard answered, not only the router: the exact paths give the guard's 401
    const exact401 = answers.filter((a) => a.label.includes("| exact ") && a.status === 401).length;
    expect(exact401).toBeGreaterThanOrEqual(GUARDED.length * 2 * (hosts.length - 1));
    expect(answers.length).toBeGreaterThan(8000);
  }, 30_000);
});

describe("with the right token", () => {
  test("the canonical path of every endpoint works under every Host", async () => {
    const probes = GUARDED.flatMap((t) =>
      hosts.map((hv) => ({
        label: `${t.name} | Host ${hv.label} ${hv.origin}`,
        request: rawFor(t, `${t.path}${t.query ? `?${t.query}` : ""}`, hv, AUTH_RIGHT),
      })),
    );
    const answers = await sendAll(probes);
    const failed = answers.filter((a) => !is2xx(a.status));
    expect(firstFew(failed.map((a) => `${a.label} → ${a.status} ${bodyOf(a.text).slice(0, 80)}`))).toEqual({ count: 0, first: [] });
  }, 20_000);

  test("no spelling of a path is a 5xx or goes unanswered", async () => {
    const few = hosts.filter((hv) => ["2 chars", "with port", "absolute-form, short"].includes(hv.label));
    const probes = GUARDED.flatMap((t) =>
      pathVariants(t.path, t.query).flatMap(([pathLabel, target]) =>
        few.map((hv) => ({ label: `${t.name} | ${pathLabel} ${target} | Host ${hv.label}`, request: rawFor(t, target, hv, AUTH_RIGHT) })),
      ),
    );
    const answers = await sendAll(probes);
    const broken = answers.filter((a) => a.timedOut || a.status === 0 || a.status >= 500);
    expect(firstFew(broken.map((a) => `${a.label} → ${a.timedOut ? "no answer" : a.status}`))).toEqual({ count: 0, first: [] });
  }, 20_000);
});

describe("health-check", () => {
  test("is 200 under every Host, with and without a trailing slash", async () => {
    const health = { name: "health", method: "GET" as const, path: "/health", query: "" };
    const probes = hosts.flatMap((hv) =>
      ["/health", "/health/"].map((target) => ({ label: `${target} | Host ${hv.label} ${hv.origin}`, request: rawFor(health, target, hv, null) })),
    );
    const answers = await sendAll(probes);
    expect(firstFew(answers.filter((a) => a.status !== 200 || bodyOf(a.text) !== "OK\n").map((a) => `${a.label} → ${a.status}`))).toEqual({
      count: 0,
      first: [],
    });
  });
  test("HTTP/1.1 without a Host is refused by the server with 400, as RFC 9112 §3.2 requires", async () => {
    const res = await rawRequest(gw.port, "GET /health HTTP/1.1\r\nConnection: close\r\n\r\n");
    expect(res.status).toBe(400);
  });
});
