/**
 * @module bench/inprocess
 * The gateway's own work per text message, without sockets: `app.handle` on the bench config with a
 * backend fetch that answers at once, 16 messages in flight. Prints µs per message for three runs of
 * 100k after a warm-up; the harness's own Request/Response objects are included. For comparing
 * changes to the pipeline in the same process run twice (`git stash` between), not for absolute figures.
 *
 * usage: bun bench/inprocess.ts   (a CPU profile: bun --cpu-prof-md bench/inprocess.ts)
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseConfig } from "../src/config/load";
import { createGateway } from "../src/gateway";
import { createMemoryLogger } from "../src/obs/log";
import { wechatSignature } from "../src/wechat/signature";

const { config } = parseConfig(JSON.parse(readFileSync(join(import.meta.dir, "conf/gateway.json"), "utf8")), "bench", {});
const svc = config.services[0]!;
const timestamp = String(Math.floor(Date.now() / 1000));
const nonce = "1377253492";
const url = `http://127.0.0.1${svc.servicePath}?signature=${wechatSignature([svc.token, timestamp, nonce])}&timestamp=${timestamp}&nonce=${nonce}&openid=oBENCHuser000000000000000001`;
const body = (id: number) =>
  `<xml><ToUserName><![CDATA[gh_bench]]></ToUserName><FromUserName><![CDATA[oBENCHuser000000000000000001]]></FromUserName><CreateTime>${timestamp}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[hello bench]]></Content><MsgId>${id}</MsgId></xml>`;

const answer = JSON.stringify({ type: "text", msg: "bench-ok" });
const instantBackend = (async () => new Response(answer, { headers: { "content-type": "application/json" } })) as unknown as typeof fetch;
const gw = createGateway(config, { log: createMemoryLogger("info").log, fetch: instantBackend });

let nextId = 10_000_000;
async function one(): Promise<void> {
  const res = await gw.app.handle(new Request(url, { method: "POST", body: body(nextId++) }));
  const text = await res.text();
  if (!text.includes("bench-ok")) throw new Error(`unexpected reply: ${text}`);
}

async function run(n: number, inFlight: number): Promise<void> {
  let left = n;
  const worker = async () => {
    while (left-- > 0) await one();
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
}

await run(20_000, 16);
for (let k = 0; k < 3; k++) {
  const started = performance.now();
  await run(100_000, 16);
  console.log(`${(((performance.now() - started) * 1000) / 100_000).toFixed(2)} µs per message`);
}
process.exit(0);
