/**
 * http/counted-routes: each request to a counted route is counted from routing until its answer or
 * failure, once; a body that fails to parse (before the count) takes nothing from another request's
 * count; routes outside the group and unknown paths are not counted.
 */
import { describe, expect, test } from "bun:test";
import { Elysia, t } from "elysia";
import { countedRoutes } from "../../src/http/counted-routes";
import { Tally } from "../../src/util/tally";

function appWith(tally: Tally, hold: Promise<void>) {
  const routes = new Elysia()
    .get("/slow", async () => {
      await hold;
      return "slow";
    })
    .get("/throw", () => {
      throw new Error("boom");
    })
    .get("/query", ({ query }) => query.a, { query: t.Object({ a: t.String() }) })
    .post("/body", ({ body }) => body, { body: t.Object({ a: t.String() }) });
  return new Elysia()
    .onError({ as: "global" }, ({ code }) => new Response(String(code), { status: code === "NOT_FOUND" ? 404 : 400 }))
    .get("/outside", () => "outside")
    .use(countedRoutes(tally).use(routes));
}

/** Elysia runs a request's afterResponse and error hooks on the next turn (setImmediate) after its answer */
async function settled(tally: Tally): Promise<number> {
  await new Promise((resolve) => setImmediate(resolve));
  return tally.count;
}

const call = (app: { handle(r: Request): Promise<Response> }, path: string, init?: RequestInit) => app.handle(new Request(`http://localhost${path}`, init));

describe("countedRoutes", () => {
  test("a request in progress is counted until it is answered", async () => {
    const tally = new Tally();
    const hold = Promise.withResolvers<void>();
    const app = appWith(tally, hold.promise);
    const pending = call(app, "/slow");
    await Bun.sleep(0);
    expect(tally.count).toBe(1);
    let idle = false;
    const whenIdle = tally.whenIdle().then(() => (idle = true));
    await Bun.sleep(0);
    expect(idle).toBe(false);
    hold.resolve();
    expect(await (await pending).text()).toBe("slow");
    await whenIdle;
    expect(await settled(tally)).toBe(0);
  });

  test("failures end the count once: a throwing handler, a query that fails its schema, a body that fails its schema", async () => {
    const tally = new Tally();
    const app = appWith(tally, Promise.resolve());
    expect((await call(app, "/throw")).status).toBe(400);
    expect((await call(app, "/query")).status).toBe(400);
    const json = { "content-type": "application/json" };
    expect((await call(app, "/body", { method: "POST", headers: json, body: '{"b":1}' })).status).toBe(400);
    expect((await call(app, "/query?a=1")).status).toBe(200);
    expect(await settled(tally)).toBe(0);
  });

  test("a body that fails to parse, while another request is counted, leaves that request's count alone", async () => {
    const tally = new Tally();
    const hold = Promise.withResolvers<void>();
    const app = appWith(tally, hold.promise);
    const pending = call(app, "/slow");
    await Bun.sleep(0);
    const bad = await call(app, "/body", { method: "POST", headers: { "content-type": "application/json" }, body: "{not json" });
    expect(bad.status).toBe(400);
    expect(await settled(tally)).toBe(1);
    hold.resolve();
    await pending;
    expect(await settled(tally)).toBe(0);
  });

  test("routes outside the group and unknown paths are not counted", async () => {
    const tally = new Tally();
    const app = appWith(tally, Promise.resolve());
    let seen = -1;
    const probe = new Elysia().get("/probe", () => {
      seen = tally.count;
      return "probe";
    });
    const withProbe = app.use(probe);
    expect((await call(withProbe, "/outside")).status).toBe(200);
    expect((await call(withProbe, "/nope")).status).toBe(404);
    expect((await call(withProbe, "/probe")).status).toBe(200);
    expect(seen).toBe(0);
    expect(tally.count).toBe(0);
  });
});
