/**
 * The status page and its data (`common-endpoints.status`, SPEC §10) over HTTP: the admin token as a
 * Bearer token or an HTTP Basic password (any user name), a Basic challenge when it is missing, and
 * Basic accepted nowhere else (a browser replays it to any route of the origin); the page references
 * nothing outside itself and says so in its CSP; the data matches its schema (contract/ops).
 */
import { afterAll, describe, expect, test } from "bun:test";
import { Value } from "@sinclair/typebox/value";
import { statusDataSchema } from "../../src/contract/ops";
import { makeConfig } from "../_helpers/config";
import { startFakeBackend } from "../_helpers/fake-backend";
import { startWiredGateway } from "../_helpers/gateway";
import { plainCallback, textXml } from "../_helpers/wechat";

const ADMIN = "st-admin";
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
const gw = startWiredGateway(makeConfig({}, { "admin-token": ADMIN, "common-endpoints": { status: "/status", metrics: "/metrics", reload: "/reload" } }));
afterAll(() => gw.stop());
const get = (path: string, authorization?: string) => fetch(`${gw.url}${path}`, { headers: authorization ? { authorization } : {} });

describe("who may see it", () => {
  test("the admin token as Bearer or as a Basic password opens the page and its data", async () => {
    for (const auth of [`Bearer ${ADMIN}`, basic("ops", ADMIN), basic("", ADMIN)]) {
      expect([auth, (await get("/status", auth)).status, (await get("/status/data", auth)).status]).toEqual([auth, 200, 200]);
    }
  });

  test("without it: 401 with a Basic challenge, so a browser asks for it; malformed credentials are a 401 too", async () => {
    for (const auth of [undefined, basic("ops", "wrong"), basic(ADMIN, ""), `Basic ${ADMIN}`, "Basic !!!", "Basic", `Digest ${ADMIN}`]) {
      const res = await get("/status/data", auth);
      expect([auth, res.status, res.headers.get("www-authenticate")]).toEqual([auth, 401, 'Basic realm="wx-gateway admin", charset="UTF-8"']);
      expect(await res.json()).toEqual({ code: 401, msg: "missing or wrong admin token" });
    }
  });

  test("no other admin endpoint takes Basic: a browser would send it with a form another site posts", async () => {
    const metrics = await get("/metrics", basic("ops", ADMIN));
    expect([metrics.status, metrics.headers.get("www-authenticate")]).toEqual([401, null]);
    expect((await fetch(`${gw.url}/reload`, { method: "POST", headers: { authorization: basic("ops", ADMIN) } })).status).toBe(401);
  });
});

describe("what it serves", () => {
  test("one HTML page with nothing from elsewhere, and a CSP that allows only its own script and style", async () => {
    const res = await get("/status", `Bearer ${ADMIN}`);
    const html = await res.text();
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(html).not.toMatch(/(src|href|action)\s*=\s*["']?(https?:)?\/\//i);
    expect(html).not.toMatch(/@import|url\(/);
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp).toStartWith("default-src 'none'; script-src 'sha256-");
    expect(csp).toContain("connect-src 'self'");
    expect(res.headers.get("cache-control")).toBe("no-store");
  });

  test("its data matches the StatusData schema and counts what happened", async () => {
    await fetch(plainCallback(gw.url, "/wx", textXml("counted")));
    const data = (await (await get("/status/data", `Bearer ${ADMIN}`)).json()) as { services: unknown[] };
    expect([...Value.Errors(statusDataSchema, data)].map((e) => `${e.path} ${e.message}`)).toEqual([]);
    expect(data.services[0]).toMatchObject({
      name: "svc",
      kind: "official-account",
      mode: "plaintext",
      backend: "(echo mode)",
      byType: { text: { replied: 1 } },
    });
  });
});

test("the backend calls at the moment: one at the backend and one waiting for workerNum's slot, none once answered", async () => {
  using backend = startFakeBackend();
  const release = Promise.withResolvers<void>();
  backend.on("*", { until: release.promise, json: { type: "text", msg: "ok" } });
  const config = makeConfig(
    { "msg-proxy-pass": backend.url, workerNum: 1, "reply-timeout-ms": 20_000 },
    { "admin-token": ADMIN, "common-endpoints": { status: "/status" } },
  );
  using held = startWiredGateway(config);
  const now = async () =>
    ((await (await fetch(`${held.url}/status/data`, { headers: { authorization: `Bearer ${ADMIN}` } })).json()) as { services: Array<{ backendNow: unknown }> })
      .services[0]!.backendNow;
  const answers = ["first", "second"].map((c) => fetch(plainCallback(held.url, "/wx", textXml(c))));
  await backend.whenReceived(1);
  // the second is accepted once its request is read: wait for it to queue (it must)
  let seen = await now();
  for (let i = 0; i < 200 && JSON.stringify(seen) !== JSON.stringify({ active: 1, waiting: 1 }); i++) seen = await Bun.sleep(5).then(now);
  expect(seen).toEqual({ active: 1, waiting: 1 });
  release.resolve();
  expect((await Promise.all(answers)).map((r) => r.status)).toEqual([200, 200]);
  expect(await now()).toEqual({ active: 0, waiting: 0 });
});

test("without a gateway behind it (a bare app) the operations endpoints say so with 503", async () => {
  const { startGateway } = await import("../_helpers/gateway");
  using bare = startGateway(makeConfig({}, { "admin-token": ADMIN, "common-endpoints": { status: "/status", ready: "/ready" } }));
  const res = await fetch(`${bare.url}/ready`);
  expect([res.status, await res.json()]).toEqual([503, { code: 503, msg: "not available: this app runs without a gateway" }]);
});
