/**
 * @module bench/replay-guard
 * Memory and time of the nonce replay guard (SPEC §4.2: a million nonces in the window within a few
 * tens of MB). Pushes N distinct (timestamp, nonce) keys through the memory guard, each with its own
 * body fingerprint, all within one window (nothing expires), and prints µs per check and bytes per
 * nonce: JS heap, array buffers and RSS, each as the difference from before (after a full GC).
 * `--map` measures a JS Map of the same keys and fingerprints, as the guard kept them before, for
 * comparison. Run each mode in its own process. The byte figures are what to quote; µs are rough on
 * a shared machine.
 *
 * usage: bun bench/replay-guard.ts [--map] [N=1000000]
 */
import { createMemoryReplayGuard, fingerprint } from "../src/callback/replay";

const useMap = process.argv.includes("--map");
const n = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 1_000_000);
const timestamp = Math.floor(Date.now() / 1000);
// WeChat's nonces are 9–10 digits; the key is "<timestamp>:<nonce>" as the pipeline builds it
const keyOf = (i: number) => `${timestamp + (i % 7)}:${1_000_000_000 + ((i * 2_654_435_761) % 2 ** 31)}`;
const fingerprintOf = (i: number) => fingerprint(`<xml><MsgId>${i}</MsgId></xml>`);

function snapshot() {
  Bun.gc(true);
  const m = process.memoryUsage();
  return { heap: m.heapUsed, buffers: m.arrayBuffers, rss: m.rss };
}

function guard(): (key: string, fp: string) => boolean {
  if (!useMap) {
    const g = createMemoryReplayGuard(300);
    return (key, fp) => g.isReplay(key, fp) as boolean;
  }
  const seen = new Map<string, string>();
  return (key, fp) => {
    const known = seen.get(key);
    if (known === undefined) seen.set(key, fp);
    return known !== undefined && known !== fp;
  };
}

// the cost of building keys and fingerprints alone, to take out of the per-check time
let started = performance.now();
let sink = 0;
for (let i = 0; i < n; i++) sink += keyOf(i).length + fingerprintOf(i).length;
const buildUs = ((performance.now() - started) * 1000) / n;
if (sink === 0) throw new Error("no keys built");

const before = snapshot();
const isReplay = guard();
started = performance.now();
let replays = 0;
for (let i = 0; i < n; i++) if (isReplay(keyOf(i), fingerprintOf(i))) replays++;
const checkUs = ((performance.now() - started) * 1000) / n - buildUs;
const after = snapshot();
// the guard must still hold every key: a second pass with other bodies finds them all
let found = 0;
for (let i = 0; i < n; i += 97) if (isReplay(keyOf(i), "another body")) found++;

const per = (bytes: number) => (bytes / n).toFixed(1);
console.log(`${useMap ? "JS Map (before)" : "nonce table"}: ${n} distinct nonces, ${replays} false replays, ${found}/${Math.ceil(n / 97)} found again`);
console.log(`  check: ~${checkUs.toFixed(3)} µs per nonce (key and fingerprint building, ${buildUs.toFixed(3)} µs, taken out)`);
console.log(
  `  bytes per nonce: heap ${per(after.heap - before.heap)}, array buffers ${per(after.buffers - before.buffers)}, RSS ${per(after.rss - before.rss)}`,
);
console.log(
  `  totals: heap +${((after.heap - before.heap) / 2 ** 20).toFixed(1)} MiB, array buffers +${((after.buffers - before.buffers) / 2 ** 20).toFixed(1)} MiB, RSS +${((after.rss - before.rss) / 2 ** 20).toFixed(1)} MiB`,
);
