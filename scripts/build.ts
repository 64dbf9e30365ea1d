/**
 * @module scripts/build
 * Builds the single executable with `bun build --compile` — `bun scripts/build.ts [OUTFILE]` for this
 * machine, and `compile()` for the release targets (scripts/release.ts, scripts/image.ts), so every
 * executable is built with the same flags.
 * --bytecode: the bundle ships precompiled, so start-up skips parsing ~1.5 MB of JS (about half the
 * time before the first line of our code runs). Not --minify-identifiers: names in stack traces stay
 * readable. No bunfig.toml or .env autoloading: like the Go original, the executable reads only its
 * config file and the environment it was given, whatever directory it starts in.
 * The build time and the target are baked in with --define, for `wx-gateway -v`.
 */
import { resolve } from "node:path";

/** A platform the release ships an archive for. */
export interface ReleaseTarget {
  /** the archive's suffix: wx-gateway-<version>-<name>.tar.gz */
  readonly name: string;
  /** `bun build --target`; Bun fetches that runtime from the npm registry (cached in BUN_INSTALL_CACHE_DIR) */
  readonly bun: string;
  /** OCI architecture (for the image) */
  readonly arch: "amd64" | "arm64";
  readonly libc: "glibc" | "musl";
}

/** x64 uses the baseline runtime: Bun's default x64 build needs AVX2, which older servers lack. */
export const RELEASE_TARGETS: readonly ReleaseTarget[] = [
  { name: "linux-x64", bun: "bun-linux-x64-baseline", arch: "amd64", libc: "glibc" },
  { name: "linux-arm64", bun: "bun-linux-arm64", arch: "arm64", libc: "glibc" },
  { name: "linux-x64-musl", bun: "bun-linux-x64-musl-baseline", arch: "amd64", libc: "musl" },
  { name: "linux-arm64-musl", bun: "bun-linux-arm64-musl", arch: "arm64", libc: "musl" },
];

/** The glibc release target of the machine running this script (the image's executable). */
export function hostTarget(): ReleaseTarget {
  const arch = process.arch === "arm64" ? "arm64" : "amd64";
  return RELEASE_TARGETS.find((t) => t.arch === arch && t.libc === "glibc") as ReleaseTarget;
}

export interface CompileOptions {
  readonly outfile: string;
  /** cross-compile for this target; without it, for this machine with the running Bun */
  readonly target?: ReleaseTarget;
  /** bake --smol into the executable (bench/ compares it) */
  readonly smol?: boolean;
  readonly quiet?: boolean;
}

/** How `-v` names the build: the release target, or the machine that built it. */
function targetLabel(target: ReleaseTarget | undefined): string {
  return target ? `${target.name} (${target.bun})` : `${process.platform}-${process.arch} (the building machine's Bun)`;
}

/** Compiles src/main.ts to `outfile`; returns the exit code and what Bun printed when quiet. */
export function compile(opts: CompileOptions): { exitCode: number; output: string } {
  const root = resolve(import.meta.dir, "..");
  const proc = Bun.spawnSync(
    [
      process.execPath,
      "build",
      "src/main.ts",
      "--compile",
      "--bytecode",
      "--minify-whitespace",
      "--minify-syntax",
      "--no-compile-autoload-bunfig",
      "--no-compile-autoload-dotenv",
      ...(opts.target ? [`--target=${opts.target.bun}`] : []),
      ...(opts.smol ? ["--compile-exec-argv=--smol"] : []),
      "--define",
      `WXGW_BUILD_TIME=${JSON.stringify(new Date().toISOString())}`,
      "--define",
      `WXGW_BUILD_TARGET=${JSON.stringify(targetLabel(opts.target))}`,
      "--outfile",
      resolve(opts.outfile),
    ],
    { cwd: root, stdout: opts.quiet ? "pipe" : "inherit", stderr: opts.quiet ? "pipe" : "inherit" },
  );
  const output = opts.quiet ? `${proc.stdout?.toString() ?? ""}${proc.stderr?.toString() ?? ""}` : "";
  return { exitCode: proc.exitCode ?? 1, output };
}

if (import.meta.main) {
  const outfile = process.argv[2] ?? "dist/wx-gateway";
  process.exit(compile({ outfile, smol: process.env.WXGW_BUILD_SMOL === "1" }).exitCode);
}
