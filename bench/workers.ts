/**
 * @module bench/workers
 * `workers: 2` against `workers: 1` (and the Go original when `--go` names its executable), with the
 * load kit and nothing pinned (`-p none`): every gateway may use both cores, and so do wrk and the
 * fake backend, which is what limits the result on a 2-core machine. Each round runs one kit run per
 * scenario with every gateway back to back, in an order that rotates every round; the table shows
 * medians over rounds of req/s, p99 and the process's CPU, and the median (range) of the per-round
 * ratios to `workers: 1`. Text runs with bench/conf/gateway.json (dedup on), AES with
 * gateway-nodedup.json, as bench/run.ts does. Never part of `bun test`.
 *
 * `-p 0,1:1` instead lets the gateways use both cores and keeps wrk and the backend on core 1: how much
 * a second worker adds when the load generator does not compete for every core.
 *
 * usage: bun bench/workers.ts [-d SECS] [-w SECS] [-r ROUNDS] [-c CONNS] [-s "text aes"] [-W "1 2"]
 *                             [-p none|G:L] [--go PATH] [--no-build] [-o DIR]
 */
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dir, "..");
const args = Bun.argv.slice(2);
const opt = (name: string, fallback: string) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1]! : fallback;
};
const dur = opt("-d", "8");
const warm = opt("-w", "2");
const rounds = Number(opt("-r", "4"));
const conns = opt("-c", "64");
const scenarios = opt("-s", "text aes").split(/\s+/).filter(Boolean);
const counts = opt("-W", "1 2").split(/\s+/).map(Number);
const pin = opt("-p", "none");
const go = args.includes("--go") ? resolve(opt("--go", "")) : null;
const out = resolve(opt("-o", `/tmp/wxgw-workers-${new Date().toISOString().replace(/[:.]/g, "-")}`));
const binary = join(root, "dist/wx-gateway");

mkdirSync(join(out, ".bin"), { recursive: true });
rmSync(join(out, ".bin/bun"), { force: true });
symlinkSync(process.execPath, join(out, ".bin/bun"));
const PATH = `${join(out, ".bin")}:${process.env.PATH ?? ""}`;
const run = (cmd: string[]) => Bun.spawnSync(cmd, { cwd: root, env: { ...process.env, PATH }, stdout: "inherit", stderr: "inherit" }).exitCode ?? 1;

if (!args.includes("--no-build") && run([process.execPath, "run", "build"]) !== 0) process.exit(1);

/** A copy of the scenario's bench config with `workers` set. */
function conf(scenario: string, workers: number): string {
  const base = JSON.parse(readFileSync(join(root, "bench/conf", scenario === "aes" ? "gateway-nodedup.json" : "gateway.json"), "utf8"));
  const file = join(out, `conf-${scenario}-w${workers}.json`);
  writeFileSync(file, JSON.stringify({ ...base, workers }));
  return file;
}

interface Row {
  readonly label: string;
  readonly rps: number;
  readonly p99: number;
  readonly cpu: number;
  readonly errors: number;
}

/** The kit's results of one run, by label. */
function results(dir: string): Map<string, Row> {
  const [head, ...lines] = readFileSync(join(dir, "results.tsv"), "utf8").trim().split("\n");
  const cols = head!.split("\t");
  const col = (cells: string[], name: string) => cells[cols.indexOf(name)] ?? "0";
  return new Map(
    lines.map((line) => {
      const c = line.split("\t");
      const errors = Number(col(c, "non2xx")) + Number(col(c, "sock_err")) + Number(col(c, "bad_body"));
      return [
        col(c, "label"),
        { label: col(c, "label"), rps: Number(col(c, "rps")), p99: Number(col(c, "p99_ms")), cpu: Number(col(c, "gw_cpu_pct")), errors },
      ];
    }),
  );
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

const gateways = (scenario: string) => [
  ...counts.map((w) => ({ label: `workers-${w}`, conf: conf(scenario, w), cmd: binary })),
  ...(go ? [{ label: "go-original", conf: conf(scenario, 1), cmd: go }] : []),
];
const byScenario = new Map<string, Map<string, Row>[]>();
for (let r = 0; r < rounds; r++) {
  for (const scenario of scenarios) {
    const list = gateways(scenario);
    const order = [...list.slice(r % list.length), ...list.slice(0, r % list.length)];
    const dir = join(out, `r${r + 1}-${scenario}`);
    run([
      "bash",
      join(root, "bench/kit/run.sh"),
      "-p",
      pin,
      "-q",
      "-r",
      "1",
      "-d",
      dur,
      "-w",
      warm,
      "-c",
      conns,
      "-s",
      scenario,
      "-S",
      "0",
      "-o",
      dir,
      ...order.flatMap((g) => [g.label, g.conf, g.cmd]),
    ]);
    byScenario.set(scenario, [...(byScenario.get(scenario) ?? []), results(dir)]);
  }
}

const lines = [
  `| scenario | conns | gateway | req/s | p99 ms | process CPU % | errors | ratio to workers-1 [min-max] |`,
  `|---|---:|---|---:|---:|---:|---:|---|`,
];
for (const [scenario, runs] of byScenario) {
  for (const label of gateways(scenario).map((g) => g.label)) {
    const rows = runs.map((m) => m.get(label)).filter((x): x is Row => x !== undefined);
    const ratios = runs.map((m) => (m.get(label)?.rps ?? 0) / (m.get("workers-1")?.rps ?? Number.NaN)).filter(Number.isFinite);
    const ratio = label === "workers-1" ? "1" : `**${median(ratios).toFixed(2)}** [${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)}]`;
    lines.push(
      `| ${scenario} | ${conns} | ${label} | ${Math.round(median(rows.map((x) => x.rps))).toLocaleString("en")} | ${median(rows.map((x) => x.p99)).toFixed(2)} | ${Math.round(median(rows.map((x) => x.cpu)))} | ${rows.reduce((n, x) => n + x.errors, 0)} | ${ratio} |`,
    );
  }
}
const table = `${rounds} rounds, ${dur} s per load after ${warm} s warm-up, -p ${pin}, order rotated every round\n\n${lines.join("\n")}\n`;
writeFileSync(join(out, "workers.md"), table);
console.log(`\n${table}\nresults: ${out}`);
