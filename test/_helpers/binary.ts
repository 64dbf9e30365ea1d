/**
 * @module test/_helpers/binary
 * The compiled executable for end-to-end and attack tests: built once per test process (every test
 * file in a `bun test` run shares it), started on a free port with a config file, stopped with a signal.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dir, "../..");
const work = mkdtempSync(join(tmpdir(), "wxgw-bin-"));
const scratch: string[] = [work];
let built: string | undefined;
// the executable is ~100 MB: a test run must not leave one behind in /tmp
process.once("exit", () => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

/** Path of the compiled executable (built on first use, ~5-10 s). */
export function compiledBinary(): string {
  if (built) return built;
  const out = join(work, "wx-gateway");
  const build = Bun.spawnSync([process.execPath, "scripts/build.ts", out], { cwd: root, stdout: "pipe", stderr: "pipe" });
  if (build.exitCode !== 0) throw new Error(`build failed: ${build.stderr.toString()}`);
  built = out;
  return out;
}

/** A scratch directory for config files and caches. */
export function scratchDir(prefix = "wxgw-run-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  scratch.push(dir);
  return dir;
}

export async function freePort(): Promise<number> {
  const s = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() });
  const port = s.port as number;
  s.stop(true);
  return port;
}

export interface RunningBinary {
  readonly base: string;
  readonly port: number;
  readonly proc: ReturnType<typeof Bun.spawn>;
  /** everything written to stdout and stderr so far */
  output(): string;
  /** sends the signal and waits for the exit code */
  stop(signal?: NodeJS.Signals): Promise<number>;
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * Starts the executable (`binary`, default the one built for this run) with `raw` as its config file
 * (listen-port replaced by a free port) and waits until `healthPath` answers 200 — on the main
 * listener, or at `healthUrl` (an admin listener).
 */
export async function startBinary(
  raw: Record<string, unknown>,
  opts: { env?: Record<string, string>; healthPath?: string; healthUrl?: string; dir?: string; binary?: string } = {},
): Promise<RunningBinary> {
  const binary = opts.binary ?? compiledBinary();
  const dir = opts.dir ?? scratchDir();
  const port = await freePort();
  const file = join(dir, "conf.json");
  writeFileSync(file, JSON.stringify({ ...raw, "listen-port": port }));
  const proc = Bun.spawn([binary, "-c", file], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? "", ...opts.env },
    stdout: "pipe",
    stderr: "pipe",
  });
  const chunks: string[] = [];
  const drain = async (stream: ReadableStream<Uint8Array>) => {
    const decoder = new TextDecoder();
    for await (const chunk of stream) chunks.push(decoder.decode(chunk, { stream: true }));
  };
  const done = Promise.all([drain(proc.stdout as ReadableStream<Uint8Array>), drain(proc.stderr as ReadableStream<Uint8Array>)]);
  const base = `http://127.0.0.1:${port}`;
  const health = opts.healthUrl ?? `${base}${opts.healthPath ?? "/health"}`;
  let healthy = false;
  for (let i = 0; i < 400 && !healthy; i++) {
    if (proc.exitCode !== null) break;
    healthy = await fetch(health).then(
      (r) => r.status === 200,
      () => false,
    );
    if (!healthy) await Bun.sleep(25);
  }
  if (!healthy) {
    proc.kill("SIGKILL");
    await done;
    throw new Error(`gateway never became healthy at ${health}:\n${chunks.join("")}`);
  }
  const stop = async (signal: NodeJS.Signals = "SIGTERM") => {
    if (proc.exitCode === null) proc.kill(signal);
    const code = await proc.exited;
    await done;
    return code;
  };
  return {
    base,
    port,
    proc,
    output: () => chunks.join(""),
    stop,
    async [Symbol.asyncDispose]() {
      if (proc.exitCode === null) proc.kill("SIGKILL");
      await proc.exited;
    },
  };
}
