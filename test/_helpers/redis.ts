/**
 * @module test/_helpers/redis
 * Starts a real `redis-server` (Debian package `redis-server`) on a free port, without persistence,
 * for tests of the shared stores. It can be stopped and started again on the same port to test
 * outages. Suites use `describeRedis`: when redis-server is missing they are skipped on a dev
 * machine, but fail loudly under CI (env CI set), where `.ci/run` installs it.
 *
 *   describeRedis("redis store", () => {
 *     let redis: TestRedis;
 *     beforeAll(async () => (redis = await startRedis()));
 *     afterAll(() => redis.stop());
 *   });
 */
import { describe } from "bun:test";
import { RedisClient } from "bun";

export const redisServerPath: string | null = Bun.which("redis-server");

/** `describe` when redis-server exists or CI is set (missing then fails), `describe.skip` otherwise. */
export const describeRedis: typeof describe = redisServerPath || process.env.CI ? describe : describe.skip;

export interface TestRedis {
  readonly url: string;
  readonly port: number;
  /** stops the server (SIGKILL: like a crash); data is lost */
  stop(): Promise<void>;
  /** starts it again on the same port */
  start(): Promise<void>;
  /** a fresh client for checks in tests (close it) */
  client(): Promise<RedisClient>;
  [Symbol.asyncDispose](): Promise<void>;
}

function freePort(): number {
  const probe = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = probe.port;
  probe.stop(true);
  return port;
}

async function waitReady(url: string, proc: Bun.Subprocess, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`redis-server exited (${proc.exitCode ?? proc.signalCode})`);
    const client = new RedisClient(url, { autoReconnect: false, enableOfflineQueue: false, connectionTimeout: 500 });
    try {
      await client.connect();
      if ((await client.send("PING", [])) === "PONG") return;
    } catch {
      /* not listening yet */
    } finally {
      client.close();
    }
    if (Date.now() > deadline) throw new Error(`redis-server did not answer PING within ${timeoutMs} ms`);
    await Bun.sleep(50);
  }
}

export async function startRedis(): Promise<TestRedis> {
  const bin = redisServerPath;
  if (!bin) throw new Error("redis-server not found: install the Debian package redis-server (CI installs it in .ci/run)");
  const port = freePort();
  const url = `redis://127.0.0.1:${port}`;
  let proc: Bun.Subprocess | null = null;
  // exitCode stays null for a process ended by a signal, so track liveness ourselves
  const running = () => proc !== null && proc.exitCode === null && proc.signalCode === null;

  const start = async () => {
    if (running()) return;
    proc = Bun.spawn([bin, "--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], {
      stdout: "ignore",
      stderr: "ignore",
    });
    // a test run that dies early must not leave a server behind
    const started = proc;
    process.once("exit", () => started.kill("SIGKILL"));
    await waitReady(url, proc);
  };
  const stop = async () => {
    if (!running()) return;
    proc!.kill("SIGKILL");
    await proc!.exited;
  };

  await start();
  return {
    url,
    port,
    start,
    stop,
    async client() {
      const c = new RedisClient(url, { autoReconnect: false });
      await c.connect();
      return c;
    },
    [Symbol.asyncDispose]: stop,
  };
}
