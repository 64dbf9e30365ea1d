/**
 * The compiled executable with `api-proxy.listen`: the second listener starts beside the main one,
 * serves SDK token requests and API calls, its logs (LOG_LEVEL=trace) show no token, proxy token
 * or secret, SIGTERM stops both listeners (exit 0); a bad address exits 3, a taken port exits 4.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { APP_ID, SECRET, tokenQuery } from "../_helpers/api-proxy";
import { compiledBinary, freePort, scratchDir, startBinary } from "../_helpers/binary";
import { rawConfig } from "../_helpers/config";
import { startFakeWechat } from "../_helpers/fake-wechat";

const wechat = startFakeWechat({ apps: { [APP_ID]: SECRET } });
afterAll(() => wechat.stop());
let binary = "";
beforeAll(() => {
  binary = compiledBinary();
}, 120_000);

describe("compiled executable with api-proxy", () => {
  test("serves SDK token requests and API calls on its own port; logs show no token, proxy token or secret; SIGTERM exits 0", async () => {
    const port = await freePort();
    await using gw = await startBinary(rawConfig({}, { "wx-api-base": wechat.url, "api-proxy": { listen: `127.0.0.1:${port}` } }), {
      env: { LOG_LEVEL: "trace" },
    });
    const proxy = `http://127.0.0.1:${port}`;
    const { access_token: token } = (await (await fetch(`${proxy}/cgi-bin/token?${tokenQuery()}`)).json()) as { access_token: string };
    expect(token).toStartWith("wxgw_");
    const info = (await (await fetch(`${proxy}/cgi-bin/user/info?openid=o-bin&access_token=${token}`)).json()) as { openid: string };
    expect(info.openid).toBe("o-bin");
    wechat.revokeTokens(APP_ID);
    const ticket = (await (await fetch(`${proxy}/cgi-bin/ticket/getticket?type=jsapi&access_token=${token}`)).json()) as { ticket: string };
    expect(ticket.ticket).toStartWith("TICKET_");
    expect((await (await fetch(`${proxy}/cgi-bin/token?${tokenQuery(APP_ID, "wrong")}`)).json()) as object).toMatchObject({ errcode: 40125 });
    expect(await fetch(`${proxy}/cgi-bin/user/info?access_token=wxgw_${"A".repeat(47)}`).then((r) => r.json())).toMatchObject({ errcode: 40001 });
    // the main listener does not serve WeChat's paths, the proxy's does not serve the gateway's
    expect((await fetch(`${gw.base}/cgi-bin/token?${tokenQuery()}`)).status).toBe(404);

    expect(await gw.stop("SIGTERM")).toBe(0);
    const out = gw.output();
    expect(out).toContain("WeChat API proxy listening on 127.0.0.1:");
    expect(out).toContain("issued a proxy token");
    for (const secret of [SECRET, token, "AT_", "TICKET_", "wxgw_"]) expect(out).not.toContain(secret);
  });

  test("a bad api-proxy.listen exits 3 naming the key; a port in use exits 4", async () => {
    const dir = scratchDir();
    const file = join(dir, "bad.json");
    writeFileSync(file, JSON.stringify(rawConfig({}, { "listen-port": 7080, "api-proxy": { listen: "127.0.0.1:7080" } })));
    const bad = Bun.spawnSync([binary, "check-config", "-c", file], { cwd: dir, env: { PATH: process.env.PATH ?? "" }, stdout: "pipe", stderr: "pipe" });
    expect(bad.exitCode).toBe(3);
    expect(bad.stdout.toString() + bad.stderr.toString()).toContain("api-proxy.listen");

    using taken = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response() });
    writeFileSync(file, JSON.stringify(rawConfig({}, { "listen-port": await freePort(), "api-proxy": { listen: `127.0.0.1:${taken.port}` } })));
    const busy = Bun.spawn([binary, "-c", file], { cwd: dir, env: { PATH: process.env.PATH ?? "" }, stdout: "pipe", stderr: "pipe" });
    expect(await busy.exited).toBe(4);
    expect((await new Response(busy.stdout).text()) + (await new Response(busy.stderr).text())).toContain("api-proxy.listen");
  });
});
