/**
 * @module test/_helpers/instances
 * Several real gateway processes, as an operator runs them behind a load balancer: each is
 * `node_modules/.bin/bun src/main.ts -c <conf>` with its own config file and port (listen-port 0; the
 * port is read from the "listening on" log line), all sharing whatever the config names (Redis,
 * fake WeChat, fake backend). Their log lines are collected so tests can check them.
 *
 *   await using gw = await startInstances(3, (i) => rawConfigFor(i));
 *   await fetch(`${gw.urls[1]}/health`);
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dir, "../..");
const bunBin = join(root, "node_modules/.bin/bun");

export interface GatewayProcess {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  /** every stdout line so far (JSON log lines) */
  lines(): string[];
  stop(): Promise<void>;
}

export interface Instances extends AsyncDisposable {
  readonly instances: readonly GatewayProcess[];
  readonly urls: readonly string[];
  /** every log line of every instance */
  lines(): string[];
  stop(): Promise<void>;
}

async function collect(stream: ReadableStream<Uint8Array>, into: string[], onLine: (line: string) => void): Promise<void> {
  const decoder = new TextDecoder();
  let rest = "";
  // keep reading until the process ends: a full pipe would block the gateway's synchronous logger
  for await (const chunk of stream) {
    rest += decoder.decode(chunk, { stream: true });
    let nl: number;
    while ((nl = rest.indexOf("\n")) >= 0) {
      const line = rest.slice(0, nl);
      rest = rest.slice(nl + 1);
      into.push(line);
      onLine(line);
    }
  }
}

/** Starts one gateway process on the raw config (Go key names) and waits until it listens. */
export async function startGatewayProcess(raw: Record<string, unknown>, name = "gw", timeoutMs = 15_000): Promise<GatewayProcess> {
  const dir = mkdtempSync(join(tmpdir(), `wxgw-${name}-`));
  const file = join(dir, "conf.json");
  writeFileSync(file, JSON.stringify(raw));
  const proc = Bun.spawn([bunBin, "src/main.ts", "-c", file], {
    cwd: root,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? dir, LOG_LEVEL: "info" },
    stdout: "pipe",
    stderr: "pipe",
  });
  process.once("exit", () => proc.kill("SIGKILL"));
  const out: string[] = [];
  let listening: (port: number) => void;
  const port = new Promise<number>((r) => (listening = r));
  void collect(proc.stdout, out, (line) => {
    const m = /listening on [^"]*:(\d+)"/.exec(line);
    if (m) listening(Number(m[1]));
  });
  const err: string[] = [];
  void collect(proc.stderr, err, () => {});
  let timer: Timer | undefined;
  const failed = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${name} did not start within ${timeoutMs} ms:\n${[...out, ...err].join("\n")}`)), timeoutMs);
    void proc.exited.then((code) => reject(new Error(`${name} exited with ${code}:\n${[...out, ...err].join("\n")}`)));
  });
  try {
    const p = await Promise.race([port, failed]);
    return {
      url: `http://127.0.0.1:${p}`,
      lines: () => [...out, ...err],
      async stop() {
        if (proc.exitCode !== null || proc.signalCode !== null) return;
        proc.kill("SIGTERM");
        const killer = setTimeout(() => proc.kill("SIGKILL"), 5000);
        await proc.exited;
        clearTimeout(killer);
      },
    };
  } catch (e) {
    proc.kill("SIGKILL");
    throw e;
  } finally {
    clearTimeout(timer);
    failed.catch(() => {});
  }
}

/** Starts `n` gateway processes in parallel; `configFor(i)` gives each its raw config. */
export async function startInstances(n: number, configFor: (index: number) => Record<string, unknown>): Promise<Instances> {
  const started = await Promise.allSettled(Array.from({ length: n }, (_, i) => startGatewayProcess(configFor(i), `gw${i + 1}`)));
  const ok = started.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
  const stop = async () => void (await Promise.all(ok.map((g) => g.stop())));
  const failure = started.find((s) => s.status === "rejected");
  if (failure) {
    await stop();
    throw (failure as PromiseRejectedResult).reason;
  }
  return {
    instances: ok,
    urls: ok.map((g) => g.url),
    lines: () => ok.flatMap((g) => g.lines()),
    stop,
    [Symbol.asyncDispose]: stop,
  };
}
