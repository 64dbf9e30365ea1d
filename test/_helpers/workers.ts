/**
 * @module test/_helpers/workers
 * The compiled gateway with `workers` > 1 and its test hooks on (WXGW_TEST_HOOKS=1: every answer names
 * its worker in `x-wxgw-worker`), and keep-alive connections known to land on given workers: the
 * kernel spreads new connections over the workers' listeners, so connections are opened until each
 * worker has the ones a test asks for. A message and its retries sent on connections of different
 * workers are then sure to be handled by different worker threads.
 */

import { type RunningBinary, startBinary } from "./binary";
import { type KeepAliveConnection, keepAliveConnection } from "./keep-alive";

export const TEST_HOOKS = { WXGW_TEST_HOOKS: "1" };

/**
 * The gateway with `workers` set and the test hooks on (its config file is `<dir>/conf.json` when
 * `dir` is given), once every worker listens: the first answers health checks before the others start.
 */
export async function startWorkers(
  raw: Record<string, unknown>,
  workers: number,
  opts: { env?: Record<string, string>; dir?: string; healthUrl?: string } = {},
): Promise<RunningBinary> {
  const gw = await startBinary({ ...raw, workers }, { env: { ...TEST_HOOKS, ...opts.env }, dir: opts.dir, healthUrl: opts.healthUrl });
  for (let i = 0; i < 500 && !gw.output().includes(`"${workers} workers serving"`); i++) await Bun.sleep(20);
  if (!gw.output().includes(`"${workers} workers serving"`)) throw new Error(`the workers did not all start:\n${gw.output()}`);
  return gw;
}

export interface WorkerConnection extends KeepAliveConnection {
  readonly worker: string;
}

/** Which worker answers on this connection (a GET of `probePath`). */
async function probe(conn: KeepAliveConnection, port: number, probePath: string): Promise<string> {
  const answer = await conn.send(new Request(`http://127.0.0.1:${port}${probePath}`));
  const worker = answer.headers["x-wxgw-worker"];
  if (!worker) throw new Error(`no x-wxgw-worker header on ${probePath}: are the test hooks on?`);
  return worker;
}

/**
 * `perWorker` connections on each of `workers` distinct workers (all of them), as [worker id → its
 * connections]. Connections that land on a worker already served are closed.
 */
export async function connectionsByWorker(port: number, workers: number, perWorker = 1, probePath = "/health"): Promise<Map<string, WorkerConnection[]>> {
  const byWorker = new Map<string, WorkerConnection[]>();
  const full = () => byWorker.size === workers && [...byWorker.values()].every((c) => c.length >= perWorker);
  for (let attempt = 0; attempt < 400 && !full(); attempt++) {
    const conn = await keepAliveConnection(port);
    const worker = await probe(conn, port, probePath);
    const list = byWorker.get(worker) ?? [];
    if (list.length >= perWorker) {
      conn.close();
      continue;
    }
    list.push(Object.assign(conn, { worker }));
    byWorker.set(worker, list);
  }
  if (!full()) throw new Error(`could not reach ${workers} workers with ${perWorker} connections each: ${[...byWorker.keys()]}`);
  return byWorker;
}

/** One connection per worker, in worker order. */
export async function oneConnectionPerWorker(port: number, workers: number): Promise<WorkerConnection[]> {
  const byWorker = await connectionsByWorker(port, workers);
  return [...byWorker.keys()].sort().map((w) => byWorker.get(w)![0]!);
}

export function closeAll(conns: Iterable<KeepAliveConnection>): void {
  for (const conn of conns) conn.close();
}
