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
 * usage: bun bench/workers-state.ts [-n MESSAGES] [-t "1 2"]
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
for (const t of threadCounts) {
  const local = await runThreads("local", t, () => ({}));
  const shared = await sharedMode(t);
  const primary = await primaryMode(t);
  const row = (name: string, us: number) => `${name.padEnd(8)} ${us.toFixed(2).padStart(6)} µs/msg  (+${(us - local).toFixed(2)} over local)`;
  console.log(`\n${t} thread(s):`);
  console.log(row("local", local));
  console.log(row("shared", shared));
  console.log(row("primary", primary));
}
process.exit(0);
