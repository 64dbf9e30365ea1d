/**
 * @module scripts/release
 * `bun run release [--out DIR] [--targets linux-x64,…]`: cross-compiles every release target (SPEC §11)
 * and packs each as `wx-gateway-<version>-<target>.tar.gz` — one top-level directory holding the
 * executable, README.md, LICENSE and sample.conf.json — then writes `SHA256SUMS` over the archives in
 * the format `sha256sum -c` reads.
 * Bun downloads each target's runtime from the npm registry the first time and keeps it in its install
 * cache (BUN_INSTALL_CACHE_DIR, default ~/.bun/install/cache), so later releases need no network.
 */
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import pkg from "../package.json";
import { compile, RELEASE_TARGETS, type ReleaseTarget } from "./build";
import { run, tarOwnerFlags } from "./exec";

const root = resolve(import.meta.dir, "..");
const SHIPPED_FILES = ["README.md", "LICENSE", "sample.conf.json"] as const;

export interface ReleasedArchive {
  readonly target: ReleaseTarget;
  readonly path: string;
  readonly sha256: string;
}

async function sha256(path: string): Promise<string> {
  const hasher = new Bun.CryptoHasher("sha256");
  for await (const chunk of Bun.file(path).stream()) hasher.update(chunk);
  return hasher.digest("hex");
}

/** Builds and packs one target into `out`; the staging directory is removed afterwards. */
async function packTarget(target: ReleaseTarget, out: string, docs: ReadonlyMap<string, Buffer>, log: (line: string) => void): Promise<ReleasedArchive> {
  const name = `wx-gateway-${pkg.version}-${target.name}`;
  const stage = mkdtempSync(join(tmpdir(), "wxgw-release-"));
  try {
    const dir = join(stage, name);
    mkdirSync(dir);
    const started = performance.now();
    const built = compile({ outfile: join(dir, "wx-gateway"), target, quiet: true });
    if (built.exitCode !== 0) throw new Error(`compiling ${target.name} (${target.bun}) failed:\n${built.output}`);
    chmodSync(join(dir, "wx-gateway"), 0o755);
    for (const [file, content] of docs) {
      writeFileSync(join(dir, file), content);
      chmodSync(join(dir, file), 0o644); // whatever the umask
    }
    const path = join(out, `${name}.tar.gz`);
    run(["tar", ...tarOwnerFlags(), "-czf", path, name], { cwd: stage });
    const mb = (statSync(path).size / 1e6).toFixed(1);
    log(`${basename(path)}: ${mb} MB (${((performance.now() - started) / 1000).toFixed(1)} s)`);
    return { target, path, sha256: await sha256(path) };
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

/** Writes every archive and SHA256SUMS into `out` (emptied of earlier archives first). */
export async function release(opts: { out: string; targets?: readonly ReleaseTarget[]; log?: (line: string) => void }): Promise<ReleasedArchive[]> {
  const log = opts.log ?? console.log;
  mkdirSync(opts.out, { recursive: true });
  for (const old of readdirSync(opts.out)) {
    if (old.endsWith(".tar.gz") || old === "SHA256SUMS") rmSync(join(opts.out, old));
  }
  // read once, so every archive carries the same files
  const docs = new Map(SHIPPED_FILES.map((file) => [file, readFileSync(join(root, file))] as const));
  const archives: ReleasedArchive[] = [];
  for (const target of opts.targets ?? RELEASE_TARGETS) archives.push(await packTarget(target, opts.out, docs, log));
  // two spaces: sha256sum's text-mode separator, which `sha256sum -c` expects
  writeFileSync(join(opts.out, "SHA256SUMS"), archives.map((a) => `${a.sha256}  ${basename(a.path)}\n`).join(""));
  log(`SHA256SUMS: ${archives.length} archives in ${opts.out}`);
  return archives;
}

function parseCli(argv: readonly string[]): { out: string; targets: ReleaseTarget[] } {
  let out = join(root, "dist/release");
  let targets = [...RELEASE_TARGETS];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--out") out = resolve(argv[++i] ?? out);
    else if (argv[i] === "--targets") {
      const names = (argv[++i] ?? "").split(",");
      targets = RELEASE_TARGETS.filter((t) => names.includes(t.name));
      const unknown = names.filter((n) => !RELEASE_TARGETS.some((t) => t.name === n));
      if (unknown.length) throw new Error(`unknown target ${unknown.join(", ")} (known: ${RELEASE_TARGETS.map((t) => t.name).join(", ")})`);
    } else throw new Error(`unknown argument ${argv[i]}: usage: bun run release [--out DIR] [--targets NAME,…]`);
  }
  return { out, targets };
}

if (import.meta.main) {
  try {
    await release(parseCli(process.argv.slice(2)));
  } catch (err) {
    console.error(`release: ${(err as Error).message}`);
    process.exit(1);
  }
}
