/**
 * @module test/_helpers/token-workers
 * Starts token-worker.ts processes (separate gateway instances sharing a token store) and reads what
 * they print: one JSON result per line on stdout, their log lines on stderr.
 */
import { join } from "node:path";

const WORKER = join(import.meta.dir, "token-worker.ts");

export interface WorkerResult {
  token?: string;
  openid?: string;
  error?: string;
  status?: number;
}

export type WorkerProcess = Bun.Subprocess<"pipe", "pipe", "pipe">;

/** A worker with these env variables (see token-worker.ts) on top of this process's environment. */
export function spawnTokenWorker(env: Record<string, string>): WorkerProcess {
  return Bun.spawn([process.execPath, WORKER], { env: { ...process.env, ...env }, stdin: "pipe", stdout: "pipe", stderr: "pipe" });
}

/** Waits for the worker to exit; every result line it printed, and its logs. */
export async function workerOutput(proc: WorkerProcess): Promise<{ results: WorkerResult[]; logs: string }> {
  const [out, logs] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
  await proc.exited;
  try {
    return {
      results: out
        .trim()
        .split("\n")
        .filter(Boolean)
        .map((line) => JSON.parse(line) as WorkerResult),
      logs,
    };
  } catch {
    throw new Error(`worker printed no result: ${out}\n${logs}`);
  }
}

/** Reads a running worker's results one line at a time, as it prints them. */
export function resultLines(proc: WorkerProcess): { next(): Promise<WorkerResult> } {
  const reader = proc.stdout.getReader();
  const decoder = new TextDecoder();
  let text = "";
  return {
    async next() {
      while (!text.includes("\n")) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`worker exited without printing another result: ${text}`);
        text += decoder.decode(value, { stream: true });
      }
      const line = text.slice(0, text.indexOf("\n"));
      text = text.slice(line.length + 1);
      return JSON.parse(line) as WorkerResult;
    },
  };
}
