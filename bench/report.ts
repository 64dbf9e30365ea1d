/**
 * @module bench/report
 * Reads the kit's output directories (results.tsv, gateways.tsv, env.txt, wrk-*.txt) and renders the
 * gateway-vs-ceiling table with the issue-7 targets checked. Ratios are paired per round (the kit
 * alternates A B A B), so a noisy box moves both sides of a ratio together.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** Issue 7: minimum req/s ratio to the ceiling per scenario; text's p99 may be at most 2x the ceiling's. */
export const TARGETS = {
  ratio: { text: 0.7, aes: 0.6, echo: 0.8 } as Record<string, number>,
  textP99Factor: 2,
  startupMs: 50,
  idleRssMb: 45,
  peakRssMb: 120,
};

type Row = Record<string, string>;

function tsv(file: string): Row[] {
  if (!existsSync(file)) return [];
  const [head, ...rows] = readFileSync(file, "utf8")
    .trim()
    .split("\n")
    .map((l) => l.split("\t"));
  return rows.map((r) => Object.fromEntries((head ?? []).map((h, i) => [h, r[i] ?? ""])));
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? NaN : s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};
const fmt = (n: number, d = 0) => (Number.isFinite(n) ? n.toLocaleString("en-US", { minimumFractionDigits: d, maximumFractionDigits: d }) : "-");
const mark = (ok: boolean) => (ok ? "met" : "**NOT met**");

/** requests completed, from the wrk output's RESULT line */
function wrkRequests(dir: string, r: Row): number {
  const file = join(dir, `wrk-${r.label}-r${r.round}-${r.scenario}-c${r.conns}.txt`);
  const m = existsSync(file) ? /RESULT requests=(\d+)/.exec(readFileSync(file, "utf8")) : null;
  return m ? Number(m[1]) : NaN;
}

export interface Report {
  readonly text: string;
  readonly allMet: boolean;
}

export function renderReport(dirs: readonly string[], labels: { ours: string; ceiling: string }, method = ""): Report {
  const results: Row[] = dirs.flatMap((d) => tsv(join(d, "results.tsv")).map((r) => ({ ...r, dir: d, requests: String(wrkRequests(d, r)) })));
  const gateways = dirs.flatMap((d) => tsv(join(d, "gateways.tsv")));
  const out: string[] = [];
  const checks: Array<[string, boolean]> = [];
  const env = dirs.map((d) => join(d, "env.txt")).find(existsSync);
  if (env) {
    const lines = readFileSync(env, "utf8")
      .trim()
      .split("\n")
      .filter((l) => !l.startsWith("gateway ") && !(method && l.startsWith("params:")));
    out.push("```", ...lines, ...(method ? [method] : []), "```", "");
  }

  out.push(
    "| scenario | conns | wx-gateway req/s | ceiling req/s | ratio (target) [paired ratios, min-max] | p50 ms gw / ceil | p99 ms gw / ceil | non2xx / sock err / bad body | backend calls / requests | gw CPU % |",
  );
  out.push("|---|---:|---:|---:|---:|---|---|---|---|---:|");
  const cells = [...new Set(results.map((r) => `${r.scenario}\t${r.conns}`))];
  for (const cell of cells) {
    const [scenario = "", conns = ""] = cell.split("\t");
    const rows = results.filter((r) => r.scenario === scenario && r.conns === conns);
    const ours = rows.filter((r) => r.label === labels.ours);
    const ceil = rows.filter((r) => r.label === labels.ceiling);
    const num = (rs: Row[], f: string) => median(rs.map((r) => Number(r[f])));
    const paired = ours
      .map((o) => {
        const c = ceil.find((x) => x.round === o.round && x.dir === o.dir);
        return c ? Number(o.rps) / Number(c.rps) : NaN;
      })
      .filter(Number.isFinite);
    const ratio = paired.length ? median(paired) : num(ours, "rps") / num(ceil, "rps");
    const sum = (f: string) => ours.reduce((a, r) => a + Number(r[f] || 0), 0);
    const errors = sum("non2xx") + sum("sock_err") + sum("bad_body");
    const backend = sum("backend_ok");
    const requests = sum("requests");
    const target = TARGETS.ratio[scenario];
    out.push(
      `| ${scenario} | ${conns} | ${fmt(num(ours, "rps"))} | ${fmt(num(ceil, "rps"))} | ${ratio.toFixed(2)}${target ? ` (≥ ${target})` : ""}${paired.length > 1 ? ` [${Math.min(...paired).toFixed(2)}-${Math.max(...paired).toFixed(2)}]` : ""} | ` +
        `${fmt(num(ours, "p50_ms"), 2)} / ${fmt(num(ceil, "p50_ms"), 2)} | ${fmt(num(ours, "p99_ms"), 2)} / ${fmt(num(ceil, "p99_ms"), 2)} | ` +
        `${sum("non2xx")} / ${sum("sock_err")} / ${sum("bad_body")} | ${scenario === "echo" ? "-" : `${fmt(backend)} / ${fmt(requests)}`} | ${fmt(num(ours, "gw_cpu_pct"))} |`,
    );
    if (target) checks.push([`${scenario} c=${conns}: req/s ≥ ${target}× ceiling (${ratio.toFixed(2)})`, ratio >= target]);
    if (scenario === "text") {
      const p99 = num(ours, "p99_ms") / num(ceil, "p99_ms");
      checks.push([`text c=${conns}: p99 ≤ ${TARGETS.textP99Factor}× ceiling's (${p99.toFixed(2)}×)`, p99 <= TARGETS.textP99Factor]);
    }
    checks.push([`${scenario} c=${conns}: zero non-2xx, socket errors, bad bodies (${errors})`, errors === 0]);
    if (scenario !== "echo") {
      // wrk stops with up to `conns` requests in flight: the backend saw them, wrk did not count them
      const slack = ours.length * Number(conns);
      const ok = backend >= requests && backend - requests <= slack && sum("backend_bad") === 0;
      checks.push([`${scenario} c=${conns}: backend calls = requests (+${backend - requests}, in flight ≤ ${slack})`, ok]);
    }
  }

  out.push("", "| gateway | start-up ms, median (all trials) | idle RSS MB | peak RSS MB |", "|---|---|---:|---:|");
  const summary: Record<string, { startup: number; idle: number; peak: number }> = {};
  for (const label of [labels.ours, labels.ceiling]) {
    const gs = gateways.filter((g) => g.label === label);
    const trials = gs.flatMap((g) => (g.startup_trials_ms ?? "").split(" ").filter(Boolean).map(Number));
    const peak = Math.max(...results.filter((r) => r.label === label).map((r) => Number(r.peak_rss_mb)));
    summary[label] = { startup: median(trials), idle: median(gs.map((g) => Number(g.idle_rss_mb))), peak };
    out.push(`| ${label} | ${fmt(median(trials))} (${trials.join(" ")}) | ${fmt(summary[label].idle, 1)} | ${fmt(peak, 1)} |`);
  }
  const s = summary[labels.ours];
  if (s) {
    const within = (v: number, max: number) => Number.isFinite(v) && v <= max;
    checks.push([`start-up ≤ ${TARGETS.startupMs} ms median (${fmt(s.startup)} ms)`, within(s.startup, TARGETS.startupMs)]);
    checks.push([`idle RSS ≤ ${TARGETS.idleRssMb} MB (${fmt(s.idle, 1)} MB)`, within(s.idle, TARGETS.idleRssMb)]);
    checks.push([`peak RSS ≤ ${TARGETS.peakRssMb} MB (${fmt(s.peak, 1)} MB)`, within(s.peak, TARGETS.peakRssMb)]);
  }
  const checksOf = gateways.filter((g) => g.label === labels.ours).map((g) => g.check);
  out.push("", `smoke check (wx-gateway): ${[...new Set(checksOf)].join("; ") || "-"}`, "", "Targets:", "");
  for (const [what, ok] of checks) out.push(`- ${mark(ok)}: ${what}`);
  return { text: out.join("\n"), allMet: checks.every(([, ok]) => ok) };
}
