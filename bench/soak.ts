/**
 * @module bench/soak
 * `npm run soak` (never in CI): the gateway's memory under sustained load with the replay guard on.
 * Builds the executable (scripts/build.ts), starts it with `timeout: 300` (every nonce is kept for
 * 600 s) and the default dedup window, in front of a fake backend in this process, and sends signed
 * plaintext text messages at a fixed rate, each with a fresh nonce and MsgId. Every 10 s it prints
 * the gateway's RSS and how many messages were answered; at the end its peak RSS (VmHWM). Exits 1
 * when RSS went above the bound, or when a message was not answered with the backend's reply.
 *
 * usage: bun bench/soak.ts [--duration S] [--rate N] [--max-rss-mb MB] [--binary PATH]
 *   or env SOAK_DURATION_S, SOAK_RATE, SOAK_MAX_RSS_MB, SOAK_BINARY (flags win). Linux (/proc).
 */
import { readFileSync } from "node:fs";
import { wechatSignature } from "../src/wechat/signature";
import { startBinary } from "../test/_helpers/binary";

function option(flag: string, env: string, fallback: string): string {
  const i = process.argv.indexOf(flag);
  return (i >= 0 ? process.argv[i + 1] : undefined) ?? process.env[env] ?? fallback;
}

const durationS = Number(option("--duration", "SOAK_DURATION_S", "120"));
const rate = Number(option("--rate", "SOAK_RATE", "600"));
/**
 * The bound, unless --max-rss-mb: RSS at start (idle) + 64 MB for the heap, dedup replies and
 * allocator slack of this traffic + 64 bytes for each nonce the window holds (the table takes at most
 * ~43; a JS map of them took ~230, which at 600 msg/s for 600 s is over this bound by itself).
 */
const maxRssFlag = option("--max-rss-mb", "SOAK_MAX_RSS_MB", "");
const binary = option("--binary", "SOAK_BINARY", "") || undefined;
const MAX_IN_FLIGHT = 512;
const TOKEN = "soak_token";

const backend = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  fetch: () => Response.json({ type: "text", msg: "soak-ok" }),
});

const gateway = await startBinary(
  {
    "listen-host": "127.0.0.1",
    services: [
      {
        name: "soak",
        workerNum: 64,
        timeout: 300,
        "wx-params": { token: TOKEN, "app-id": "wxsoak0000000001", "app-secret": "not-used", "aes-key": "" },
        "listen-endpoints": { "service-path": "/wx" },
        "msg-proxy-pass": `http://127.0.0.1:${backend.port}`,
      },
    ],
    "common-endpoints": { "health-check": "/health" },
    "dont-append-userinfo": true,
  },
  { env: { LOG_LEVEL: "warn" }, binary },
);
const pid = gateway.proc.pid;

/** kB fields of /proc/<pid>/status, in MB */
function memoryMb(field: "VmRSS" | "VmHWM"): number {
  const line = readFileSync(`/proc/${pid}/status`, "utf8").match(new RegExp(`^${field}:\\s+(\\d+) kB`, "m"));
  return line ? Number(line[1]) / 1024 : Number.NaN;
}

const runId = 1000 + Math.floor(Math.random() * 9000);
let sent = 0;
let answered = 0;
let inFlight = 0;
let behind = 0;
const failures = new Map<string, number>();
const fail = (what: string) => failures.set(what, (failures.get(what) ?? 0) + 1);

async function send(seq: number): Promise<void> {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = `${runId}${seq}`;
  const msgId = `${7_000_000_000_000 + seq}`;
  const body = `<xml><ToUserName><![CDATA[gh_soak]]></ToUserName><FromUserName><![CDATA[oSOAKuser${seq % 1000}]]></FromUserName><CreateTime>${timestamp}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[soak ${seq}]]></Content><MsgId>${msgId}</MsgId></xml>`;
  const query = `signature=${wechatSignature([TOKEN, timestamp, nonce])}&timestamp=${timestamp}&nonce=${nonce}&openid=oSOAKuser`;
  inFlight++;
  try {
    const res = await fetch(`${gateway.base}/wx?${query}`, { method: "POST", body });
    const text = await res.text();
    if (res.status === 200 && text.includes("soak-ok")) answered++;
    else fail(`${res.status} ${text.slice(0, 80)}`);
  } catch (err) {
    fail(`request failed: ${(err as Error).message}`);
  } finally {
    inFlight--;
  }
}

const started = performance.now();
const samples: number[] = [];
const report = () => {
  const rss = memoryMb("VmRSS");
  samples.push(rss);
  const t = Math.round((performance.now() - started) / 1000);
  const failed = [...failures.values()].reduce((a, b) => a + b, 0);
  console.log(`${String(t).padStart(5)} s  RSS ${rss.toFixed(1).padStart(6)} MB  sent ${sent}  answered ${answered}  failed ${failed}  behind ${behind}`);
};

const windowNonces = rate * Math.min(durationS, 600);
const maxRssMb = maxRssFlag ? Number(maxRssFlag) : Math.ceil(memoryMb("VmRSS") + 64 + (windowNonces * 64) / 2 ** 20);
console.log(`soak: ${rate} msg/s for ${durationS} s, timeout 300, RSS bound ${maxRssMb} MB (gateway pid ${pid})`);
report();
let nextReport = 10_000;
for (;;) {
  const elapsed = performance.now() - started;
  if (elapsed >= durationS * 1000) break;
  // catch up to the schedule; a full pipe counts as "behind" instead of piling up requests
  const due = Math.floor((elapsed / 1000) * rate);
  while (sent + behind < due) {
    if (inFlight >= MAX_IN_FLIGHT) behind++;
    else void send(sent++);
  }
  if (elapsed >= nextReport) {
    report();
    nextReport += 10_000;
  }
  await Bun.sleep(5);
}
while (inFlight > 0) await Bun.sleep(10);
report();
const peak = Math.max(memoryMb("VmHWM"), ...samples);
const exitCode = await gateway.stop();
backend.stop(true);

console.log(`peak RSS ${peak.toFixed(1)} MB (bound ${maxRssMb} MB); ${answered}/${sent} answered at ${(sent / durationS) | 0} msg/s; gateway exit ${exitCode}`);
for (const [what, n] of failures) console.log(`  ${n} × ${what}`);
const ok = peak <= maxRssMb && failures.size === 0 && answered === sent;
if (!ok) console.log(peak > maxRssMb ? `FAIL: peak RSS above ${maxRssMb} MB` : "FAIL: not every message was answered");
process.exit(ok ? 0 : 1);
