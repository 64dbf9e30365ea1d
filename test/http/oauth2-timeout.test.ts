/**
 * The OAuth2 redirect's bound on redirect-url (REDIRECT_HEADERS_TIMEOUT_MS) runs on the gateway's
 * clock: a backend that never starts answering is a 502 once the fake clock passes it.
 */
import { expect, test } from "bun:test";
import { REDIRECT_HEADERS_TIMEOUT_MS } from "../../src/service/oauth2";
import { makeConfig } from "../_helpers/config";
import { fakeTimerClock } from "../_helpers/fake-timers";
import { startFakeWechat } from "../_helpers/fake-wechat";
import { startWiredGateway } from "../_helpers/gateway";

test("redirect-url that sends no headers within the bound: 502, logged without the code", async () => {
  const arrived = Promise.withResolvers<void>();
  const never = Promise.withResolvers<Response>();
  using backend = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch() {
      arrived.resolve();
      return never.promise;
    },
  });
  using wechat = startFakeWechat();
  const clock = fakeTimerClock();
  const config = makeConfig(
    { "listen-endpoints": { "service-path": "/wx", "redirect-path": "/oauth/redirect" }, "redirect-url": `http://127.0.0.1:${backend.port}/menu` },
    { "wx-api-base": wechat.url },
  );
  using gw = startWiredGateway(config, { clock });
  let settled = false;
  const visit = fetch(`${gw.url}/oauth/redirect?code=slow-code&state=s`, { redirect: "manual" }).finally(() => (settled = true));
  await arrived.promise;
  await clock.tick(REDIRECT_HEADERS_TIMEOUT_MS - 1);
  expect(settled).toBe(false);
  clock.advance(1); // on real time this test would run out of its own 30 s first
  const res = await visit;
  expect(res.status).toBe(502);
  expect(await res.json()).toMatchObject({ code: 502, msg: "redirect-url unreachable" });
  const line = gw.logs().find((l) => l.includes("redirect-url failed"));
  expect(line).toContain(`no answer within ${REDIRECT_HEADERS_TIMEOUT_MS} ms`);
  expect(gw.logs().join("\n")).not.toContain("slow-code");
  never.resolve(new Response("too late"));
});
