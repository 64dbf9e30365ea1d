/**
 * @module bench/run
 * `bun run bench`: builds dist/wx-gateway, runs the load kit's scenarios against it and against the
 * kit's ceiling (a bare Bun server doing only the job's I/O), A/B alternated, and prints one table of
 * ratios with the issue-7 targets checked. Never part of `bun test`.
 *
 * The kit is bench/kit/, a copy of the shared load kit (../shared/bench beside the clone in CI) with
 * one fix: wrk/text.lua makes MsgIds unique across wrk runs, so dedup never answers a measured text
 * request from the warm-up's ids. `--kit DIR` runs another copy. Echo and text run with
 * bench/conf/gateway.json (dedup on, allow-plaintext so the kit's plaintext requests reach the
 * pipeline although the config has an aes-key); AES runs with
 * bench/conf/gateway-nodedup.json, because the kit cycles through 1000 pre-encrypted bodies and a
 * dedup cache would answer the repeats without work (see the kit's README).
 *
 * Interleaving: on a shared VM the machine's speed drifts by up to 2x within minutes, so a pair of
 * measurements is only comparable when taken close together. By default every round runs the kit once
 * per scenario and concurrency (gateway and ceiling back to back, ~20 s apart, the order swapped every
 * round) instead of once per round for everything (a minute or more apart). `--coarse` runs the kit's
 * own rounds instead. Each ratio is the median over rounds of the paired ratios.
 *
 * usage: bun bench/run.ts [-d SECS] [-w SECS] [-r ROUNDS] [-c "16 64"] [-s "echo text aes"] [-S N]
 *                         [-p split|none|G:L] [-o DIR] [-q] [--no-build] [--coarse] [--kit DIR]
 *                         [--gateway 'COMMAND']
 *   --gateway: what to measure instead of dist/wx-gateway (another build, `env NAME=value prog`).
 */
import { existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { renderReport } from "./report";

const root = resolve(import.meta.dir, "..");
const KIT_FLAGS = new Set(["-d", "-w", "-S", "-p", "-t", "-n"]);

interface Options {
  readonly kitArgs: string[];
  readonly scenarios: string[];
  readonly rounds: number;
  readonly conns: string[];
  readonly coarse: boolean;
  readonly out: string;
  readonly build: boolean;
  readonly kit: string;
  readonly gateway: string;
}

function parseOptions(argv: readonly string[]): Options {
  const kitArgs: string[] = [];
  let scenarios = ["echo", "text", "aes"];
  let rounds = 2;
  let conns = ["16", "64"];
  let coarse = false;
  let out = `/tmp/wxgw-bench-${new Date().toISOString().replace(/[:.]/g, "-")}`;
  let build = true;
  let kit = "";
  let gateway = join(root, "dist/wx-gateway");
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    if (KIT_FLAGS.has(arg)) kitArgs.push(arg, value());
    else if (arg === "-q") kitArgs.push(arg);
    else if (arg === "-s") scenarios = value().split(/\s+/).filter(Boolean);
    else if (arg === "-r") rounds = Math.max(1, Number(value()) || 1);
    else if (arg === "-c") conns = value().split(/\s+/).filter(Boolean);
    else if (arg === "--coarse") coarse = true;
    else if (arg === "-o") out = resolve(value());
    else if (arg === "--no-build") build = false;
    else if (arg === "--kit") kit = resolve(value());
    else if (arg === "--gateway") gateway = value();
    else throw new Error(`unknown option ${arg} (see the header of bench/run.ts)`);
  }
  kit ||= join(root, "bench/kit");
  if (!existsSync(join(kit, "run.sh"))) throw new Error(`no run.sh in ${kit}`);
  return { kitArgs, scenarios, rounds, conns, coarse, out, build, kit, gateway };
}

/**
 * The kit calls `bun` by name, and the npm package's binary is `bun.exe`: a `bun` link to the Bun
 * running this script goes first on PATH, so kit, build and ceiling all use the same Bun.
 */
function bunPath(out: string): string {
  const bin = join(out, ".bin");
  mkdirSync(bin, { recursive: true });
  rmSync(join(bin, "bun"), { force: true });
  symlinkSync(process.execPath, join(bin, "bun"));
  return `${bin}:${process.env.PATH ?? ""}`;
}

/** Runs a command with inherited output. */
function run(cmd: string[], PATH: string): number {
  const proc = Bun.spawnSync(cmd, { cwd: root, env: { ...process.env, PATH }, stdout: "inherit", stderr: "inherit" });
  return proc.exitCode ?? 1;
}

function main(): number {
  const opts = parseOptions(Bun.argv.slice(2));
  console.log(`kit: ${opts.kit}\noutput: ${opts.out}`);
  mkdirSync(opts.out, { recursive: true });
  const PATH = bunPath(opts.out);
  if (opts.build && run([process.execPath, "run", "build"], PATH) !== 0) {
    console.error("build failed");
    return 1;
  }
  const gateway = opts.gateway;
  const ceiling = `bun ${join(opts.kit, "ceiling.ts")}`;
  // dedup on for echo/text; AES without dedup (its fixtures repeat MsgIds every 1000 requests)
  const passes = [
    { dir: "main", conf: "bench/conf/gateway.json", scenarios: opts.scenarios.filter((s) => s !== "aes") },
    { dir: "aes", conf: "bench/conf/gateway-nodedup.json", scenarios: opts.scenarios.filter((s) => s === "aes") },
  ].filter((p) => p.scenarios.length > 0);
  const dirs: string[] = [];
  const kitRun = (dir: string, conf: string, kitArgs: string[], ceilingFirst: boolean) => {
    const ours = ["wx-gateway", conf, gateway];
    const bare = ["ceiling", conf, ceiling];
    const code = run([join(opts.kit, "run.sh"), ...opts.kitArgs, ...kitArgs, "-o", dir, ...(ceilingFirst ? [...bare, ...ours] : [...ours, ...bare])], PATH);
    if (code !== 0) console.error(`kit run ${dir} exited with ${code}`);
    dirs.push(dir);
  };
  if (opts.coarse) {
    for (const pass of passes) {
      kitRun(join(opts.out, pass.dir), join(root, pass.conf), ["-r", String(opts.rounds), "-c", opts.conns.join(" "), "-s", pass.scenarios.join(" ")], false);
    }
  } else {
    for (let r = 1; r <= opts.rounds; r++) {
      for (const pass of passes) {
        for (const scenario of pass.scenarios) {
          for (const c of opts.conns) {
            kitRun(join(opts.out, `r${r}-${scenario}-c${c}`), join(root, pass.conf), ["-r", "1", "-c", c, "-s", scenario], r % 2 === 0);
          }
        }
      }
    }
  }
  const method = opts.coarse
    ? ""
    : `params: interleaved, ${opts.rounds} rounds × scenarios [${opts.scenarios.join(" ")}] × conns [${opts.conns.join(" ")}], ` +
      `each a kit run of gateway and ceiling back to back (order swapped every round); ${opts.kitArgs.join(" ")}`;
  const report = renderReport(dirs, { ours: "wx-gateway", ceiling: "ceiling" }, method);
  writeFileSync(join(opts.out, "report.md"), report.text);
  console.log(`\n${report.text}\nreport: ${join(opts.out, "report.md")}`);
  return report.allMet ? 0 : 2;
}

process.exit(main());
