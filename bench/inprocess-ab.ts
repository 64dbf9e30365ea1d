/**
 * @module bench/inprocess-ab
 * bench/inprocess.ts for two (or more) source trees at once: each tree's gateway is loaded into this one
 * process (`git worktree add /tmp/wt-x <commit>`, node_modules linked), and short runs of each alternate
 * for many rounds, so the machine's drift falls on all of them alike. Measures CPU time (not wall time)
 * per text message through `handle` (the gateway's, else `app.handle`) with a backend fetch that answers
 * at once, 16 in flight, and prints each tree's median and its per-round ratio to the first tree.
 * A first filter: what costs little here can still cost in bench/ab.sh, where the server, its sockets
 * and a second process share the core (docs/performance.md).
 *
 * usage: bun bench/inprocess-ab.ts [-r ROUNDS (200)] [-n MESSAGES per run (3000)] TREE_A TREE_B...
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";

const { values, positionals: trees } = parseArgs({
  allowPositionals: true,
  options: { r: { type: "string", default: "200" }, n: { type: "string", default: "3000" } },
});
const ROUNDS = Number(values.r);
const N = Number(values.n);
const CONF = JSON.parse(readFileSync(join(import.meta.dir, "conf/gateway.json"), "utf8"));
const ANSWER = JSON.stringify({ type: "text", msg: "bench-ok" });
// a backend's answer as Bun's fetch gives it: with its Content-Length
const instantBackend = (async () =>
  new Response(ANSWER, { headers: { "content-type": "application/json", "content-length": String(ANSWER.length) } })) as unknown as typeof fetch;

interface Runner {
  readonly name: string;
  one(): Promise<void>;
}

async function load(tree: string): Promise<Runner> {
  const { parseConfig } = await import(`${tree}/src/config/load.ts`);
  const { createGateway } = await import(`${tree}/src/gateway.ts`);
  const { createMemoryLogger } = await import(`${tree}/src/obs/log.ts`);
  const { wechatSignature } = await import(`${tree}/src/wechat/signature.ts`);
  const { config } = parseConfig(CONF, "bench", {});
  const svc = config.services[0];
  const gw = createGateway(config, { log: createMemoryLogger("info").log, fetch: instantBackend });
  const handle: (r: Request) => Promise<Response> = gw.handle ?? gw.app.handle.bind(gw.app);
  const ts = String(Math.floor(Date.now() / 1000));
  const url = `http://127.0.0.1${svc.servicePath}?signature=${wechatSignature([svc.token, ts, "1377253492"])}&timestamp=${ts}&nonce=1377253492&openid=oBENCHuser000000000000000001`;
  let id = 10_000_000;
  const body = () =>
    `<xml><ToUserName><![CDATA[gh_bench]]></ToUserName><FromUserName><![CDATA[oBENCHuser000000000000000001]]></FromUserName><CreateTime>${ts}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[hello bench]]></Content><MsgId>${id++}</MsgId></xml>`;
  return {
    name: tree,
    async one() {
      const text = await (await handle(new Request(url, { method: "POST", body: body() }))).text();
      if (!text.includes("bench-ok")) throw new Error(`${tree}: unexpected reply: ${text}`);
    },
  };
}

async function run(r: Runner, n: number): Promise<void> {
  let left = n;
  const worker = async () => {
    while (left-- > 0) await r.one();
  };
  await Promise.all(Array.from({ length: 16 }, worker));
}

const median = (a: readonly number[]) => [...a].sort((x, y) => x - y)[a.length >> 1] as number;

const runners: Runner[] = [];
for (const tree of trees) runners.push(await load(tree));
for (const r of runners) await run(r, 20_000);
const cpu = runners.map(() => [] as number[]);
for (let k = 0; k < ROUNDS; k++) {
  for (let j = 0; j < runners.length; j++) {
    const i = (j + k) % runners.length; // the order rotates every round
    Bun.gc(false);
    const before = process.cpuUsage();
    await run(runners[i] as Runner, N);
    const used = process.cpuUsage(before);
    (cpu[i] as number[]).push((used.user + used.system) / N);
  }
}
const first = cpu[0] as number[];
runners.forEach((r, i) => {
  const own = cpu[i] as number[];
  const ratio = median(own.map((v, k) => v / (first[k] as number)));
  console.log(`${r.name}: ${median(own).toFixed(2)} µs CPU per message, ×${ratio.toFixed(3)} of ${runners[0]?.name} (median of ${ROUNDS} paired rounds)`);
});
process.exit(0);
