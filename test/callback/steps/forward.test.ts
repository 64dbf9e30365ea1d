import { describe, expect, test } from "bun:test";
import { callBackend } from "../../../src/callback/steps/forward";
import { testRuntime } from "../../_helpers/runtime";

const route = { kind: "msg", type: "text", path: "/msg/text" } as const;

describe("forward step", () => {
  test("POSTs the message as JSON to <msg-proxy-pass><route> and normalizes the reply; failures are results", async () => {
    const seen: Array<{ path: string; body: unknown }> = [];
    using backend = Bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      async fetch(req) {
        const path = new URL(req.url).pathname;
        seen.push({ path, body: await req.json() });
        if (path.endsWith("/text")) return Response.json({ msg: "hi back" });
        if (path.endsWith("/down")) return new Response("no", { status: 502 });
        if (path.endsWith("/odd")) return Response.json({ type: "hologram", msg: "x" });
        return new Response("not json");
      },
    });
    const { rt, metrics } = testRuntime({ "msg-proxy-pass": `http://127.0.0.1:${backend.port}/biz` });
    const msg = { MsgType: "text", Content: "hello", MsgId: "1" };
    expect(await callBackend(msg, route, rt)).toEqual({ ok: true, reply: { type: "text", msg: "hi back" } });
    expect(seen[0]).toEqual({ path: "/biz/msg/text", body: msg });
    const at = (type: string) => callBackend(msg, { kind: "msg", type, path: `/msg/${type}` }, rt);
    expect(await at("down")).toEqual({ ok: false, category: "backend-error", reason: "backend answered HTTP 502" });
    expect(await at("odd")).toMatchObject({ ok: false, category: "bad-reply" });
    expect(await at("garbled")).toEqual({ ok: false, category: "backend-error", reason: "backend reply is not valid JSON" });
    expect(metrics.map((m) => m.split(" ").slice(0, 3).join(" "))).toEqual([
      "backendLatency svc ok",
      "backendLatency svc error",
      "backendLatency svc ok",
      "backendLatency svc error",
    ]);
  });

  test("an unreachable backend is a backend-error result", async () => {
    const { rt } = testRuntime({ "msg-proxy-pass": "http://127.0.0.1:9/biz" });
    const result = await callBackend({ MsgType: "text" }, route, rt);
    expect(result.ok).toBe(false);
    expect(result.ok === false && result.category).toBe("backend-error");
  });
});
