/**
 * @module bench/workers-state
 * What the state shared by worker threads costs per message (`workers` > 1), for the two designs the
 * issue asked to compare, each doing one message's shared-state work — dedup claim and stored reply,
 * replay check, a `workerNum` slot taken and given back — in T threads (1 or 2) at once:
 * - local:   the single-process memory versions (callback/: dedup, replay, limiter), the baseline;
 * - shared:  workers/: the SharedArrayBuffer tables under their mutex, the ticket limiter (what ships);
 * - primary: the memory versions owned by the main thread, which each worker asks over postMessage
 *            (claim + nonce + slot, then the reply + release), 64 messages in flight per worker.
 * Prints µs per message per thread (wall time / messages, so for T threads the cost with T
 * contending) and the extra over `local`. Rough on a shared machine: run it twice.
 *
 * With `--rps N` (one worker's text msg/s on one core, from the kit) and `--go-rps M` (the Go
 * original's on one core) it also projects msg/s at 4 and 8 cores: N cores × 10^6 / (10^6 / rps +
 * the shared state's extra µs with the most threads measured), against M × N for Go — an estimate: it
 * assumes the per-message work scales with cores, as the workers share nothing else (each has its own
 * event loop, heap and sockets), and that the mutexes stay uncontended (each is held under a µs per
 * message: at 8 × 10k msg/s a lock is busy under 8 % of the time).
 *
 * usage: bun bench/workers-state.ts [-n MESSAGES] [-t "1 2"] [--rps N --go-rps M]
 */
import { cpus } from "node:os";

const args = process.argv.slice(2);
const flag = (name: string, fallback: string) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1]! : fallback;
};
const n = Number(flag("-n", "200000"));
const threadCounts = flag("-t", "1 2").split(" ").map(Number);
const thread = new URL("./workers-state-thread.ts", import.meta.url).href;

interface Result {
  readonly us: number;
}

async function runThreads(mode: string, t: number, init: (w: Worker, i: number) => unknown): Promise<number> {
  const workers = Array.from({ length: t }, () => new Worker(thread));
  const results = await Promise.all(
    workers.map(
      (w, i) =>
        new Promise<Result>((resolve) => {
          w.onmessage = (e) => {
            if (e.data?.us !== undefined) resolve(e.data);
          };
          w.postMessage({ mode, n, worker: i + 1, ...(init(w, i) as object) });
        }),
    ),
  );
  for (const w of workers) w.terminate();
  return results.reduce((s, r) => s + r.us, 0) / results.length;
}

async function primaryMode(t: number): Promise<number> {
  const { createPrimaryState } = await import("./workers-state-thread");
  const state = createPrimaryState();
  return runThreads("primary", t, (w) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = (e) => state.handle(e.data, channel.port1);
    w.postMessage({ port: channel.port2 }, [channel.port2]);
    return {};
  });
}

async function sharedMode(t: number): Promise<number> {
  const { allocateSharedState } = await import("./workers-state-thread");
  const memory = allocateSharedState(t);
  return runThreads("shared", t, () => ({ memory }));
}

console.log(`${cpus().length} CPUs; ${n} messages per thread`);
let extra = 0;
for (const t of threadCounts) {
  const local = await runThreads("local", t, () => ({}));
  const shared = await sharedMode(t);
  const primary = await primaryMode(t);
  const row = (name: string, us: number) => `${name.padEnd(8)} ${us.toFixed(2).padStart(6)} µs/msg  (+${(us - local).toFixed(2)} over local)`;
  console.log(`\n${t} thread(s):`);
  console.log(row("local", local));
  console.log(row("shared", shared));
  console.log(row("primary", primary));
  extra = Math.max(0, shared - local);
}
const rps = Number(flag("--rps", "0"));
const goRps = Number(flag("--go-rps", "0"));
if (rps > 0) {
  const perCore = 1e6 / (1e6 / rps + extra);
  console.log(`\nprojection (${rps} msg/s per core, +${extra.toFixed(2)} µs shared state per message):`);
  for (const cores of [1, 2, 4, 8]) {
    const ours = Math.round(cores === 1 ? rps : cores * perCore);
    console.log(
      `${String(cores).padStart(2)} cores: wx-gateway ~${ours.toLocaleString("en")} msg/s${goRps > 0 ? `, Go original ~${(cores * goRps).toLocaleString("en")} msg/s` : ""}`,
    );
  }
}
process.exit(0);
