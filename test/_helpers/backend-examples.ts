/**
 * @module test/_helpers/backend-examples
 * Running the backend examples (examples/typescript, python, go) the way their users do: a copy of the
 * example with its types generated next to it, built with the language's tools, started as a process;
 * and the round trip of captured bodies through the generated types (test/examples/roundtrip.py, a
 * generated roundtrip.go) with the comparison rules the generated types allow.
 */
import { cpSync, mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

export const ROOT = resolve(import.meta.dir, "../..");

export interface Ran {
  readonly argv: string;
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to its end without blocking the event loop (the gateway and backends keep answering). */
export async function exec(argv: string[], opts: { cwd?: string; env?: Record<string, string>; stdin?: string } = {}): Promise<Ran> {
  const p = Bun.spawn(argv, {
    cwd: opts.cwd ?? ROOT,
    env: { ...process.env, ...opts.env },
    stdin: opts.stdin === undefined ? "ignore" : new Blob([opts.stdin]),
    stdout: "pipe",
    stderr: "pipe",
  });
  const [exitCode, stdout, stderr] = await Promise.all([p.exited, new Response(p.stdout).text(), new Response(p.stderr).text()]);
  return { argv: argv.join(" "), exitCode, stdout, stderr };
}

/** Go offline, standard library only, no C compiler needed. */
export const GO_ENV = { GOPROXY: "off", GOSUMDB: "off", GOFLAGS: "-mod=mod", GOTOOLCHAIN: "local", CGO_ENABLED: "0" };

/** A copy of examples/<name> under `work`, without anything generated or installed. */
export function copyExample(name: string, work: string): string {
  const to = join(work, name);
  cpSync(join(ROOT, "examples", name), to, { recursive: true, filter: (src) => !/node_modules|__pycache__|\.mypy_cache|wx_types\./.test(src) });
  return to;
}

export interface Backend {
  readonly url: string;
  output(): string;
  stop(): Promise<void>;
}

/** Starts an example backend and waits until its /health answers. */
export async function startBackend(argv: string[], cwd: string, port: number, env: Record<string, string> = {}): Promise<Backend> {
  const proc = Bun.spawn(argv, { cwd, env: { ...process.env, ...env }, stdout: "pipe", stderr: "pipe" });
  const chunks: string[] = [];
  const drain = async (stream: ReadableStream<Uint8Array>) => {
    for await (const chunk of stream) chunks.push(new TextDecoder().decode(chunk));
  };
  const done = Promise.all([drain(proc.stdout as ReadableStream<Uint8Array>), drain(proc.stderr as ReadableStream<Uint8Array>)]);
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    proc.kill();
    await proc.exited;
    await done;
  };
  for (let i = 0; i < 400; i++) {
    if (proc.exitCode !== null) break;
    if (
      await fetch(`${url}/health`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return { url, output: () => chunks.join(""), stop };
    await Bun.sleep(25); // waiting for a process to come up, not proving that something did not happen
  }
  await stop();
  throw new Error(`${argv.join(" ")} never answered ${url}/health:\n${chunks.join("")}`);
}

/** A Go program (beside the generated wx_types.go) that decodes each line's body into its type and encodes it again. */
export function writeGoRoundtrip(dir: string, typeNames: readonly string[]): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "go.mod"), "module roundtrip\n\ngo 1.19\n");
  const table = typeNames.map((name) => `\t${JSON.stringify(name)}: func() any { return new(${name}) },`).join("\n");
  writeFileSync(
    join(dir, "roundtrip.go"),
    `package main

import (
	"bufio"
	"encoding/json"
	"os"
)

var types = map[string]func() any{
${table}
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<24)
	out := json.NewEncoder(os.Stdout)
	out.SetEscapeHTML(false)
	for in.Scan() {
		var item struct {
			Type string          \`json:"type"\`
			Body json.RawMessage \`json:"body"\`
		}
		if err := json.Unmarshal(in.Bytes(), &item); err != nil {
			_ = out.Encode(map[string]string{"error": err.Error()})
			continue
		}
		value := types[item.Type]()
		if err := json.Unmarshal(item.Body, value); err != nil {
			_ = out.Encode(map[string]string{"error": err.Error()})
			continue
		}
		_ = out.Encode(map[string]any{"body": value})
	}
}
`,
  );
}

/**
 * What a round trip through generated types must give back: the body without null values and empty
 * lists, which Python's dataclasses (None) and Go's structs (nil pointers, omitempty) do not tell
 * from an absent field. Everything else — every string, every number, every nested value — must
 * come back as it was.
 */
export function comparable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(comparable);
  if (typeof value !== "object" || value === null) return value;
  const entries = Object.entries(value).filter(([, v]) => v !== null && !(Array.isArray(v) && v.length === 0));
  return Object.fromEntries(entries.map(([k, v]) => [k, comparable(v)]));
}

/** `body` with only the keys in `keys` (a generic type declares a few fields; the rest is the open part). */
export const only = (body: Record<string, unknown>, keys: readonly string[]) => Object.fromEntries(Object.entries(body).filter(([k]) => keys.includes(k)));
