/**
 * @module scripts/image
 * `bun run image [--base REF] [--context DIR] [--iidfile FILE]`: builds the release image for this
 * machine's architecture into the local image store as `wx-gateway:<version>` and `wx-gateway:latest`,
 * with podman (or docker where its daemon runs). It compiles the executable exactly as the release
 * does, and by default makes its base locally from Debian's packages (scripts/base-image.ts), so no
 * registry is needed; `--base gcr.io/distroless/base-nossl-debian12` builds on the published image's base.
 * The Dockerfile's prebuilt path has no RUN step, so the build itself needs no container runtime.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import pkg from "../package.json";
import { buildLocalBase } from "./base-image";
import { compile, hostTarget } from "./build";
import { cliFlag, imageId, removeIfUntagged, run, tryRun } from "./exec";
import { prepareImageContext } from "./image-context";

const root = resolve(import.meta.dir, "..");

/** podman when installed, else docker when its daemon answers; null when neither can build. */
export function containerEngine(): string | null {
  if (process.env.WXGW_CONTAINER_ENGINE) return process.env.WXGW_CONTAINER_ENGINE;
  if (tryRun(["podman", "--version"]) !== null) return "podman";
  if (tryRun(["docker", "info", "--format", "{{.ServerVersion}}"]) !== null) return "docker";
  return null;
}

/** The commit the image is built from, "-dirty" when the working tree has changes; "unknown" outside git. */
function revision(): string {
  return tryRun(["git", "describe", "--always", "--dirty", "--abbrev=40", "--match=NeVeR"], root)?.trim() || "unknown";
}

/** Where the source lives: the origin remote as an https URL, or "unknown". */
function source(): string {
  const remote = tryRun(["git", "remote", "get-url", "origin"], root)?.trim();
  if (!remote) return "unknown";
  return remote.replace(/^git@([^:]+):/, "https://$1/").replace(/\.git$/, "");
}

export interface ImageOptions {
  readonly base?: string;
  readonly context?: string;
  readonly iidfile?: string;
  readonly log?: (line: string) => void;
}

/** Builds and tags the image; returns its id. */
export function buildImage(opts: ImageOptions = {}): string {
  const log = opts.log ?? console.log;
  const engine = containerEngine();
  if (!engine) throw new Error("neither podman nor a running docker daemon found: install podman (apt-get install podman) or start docker");
  const target = hostTarget();
  const context = resolve(opts.context ?? join(root, "dist/image"));
  const scratch = mkdtempSync(join(tmpdir(), "wxgw-image-"));
  try {
    const executable = join(scratch, "wx-gateway");
    const built = compile({ outfile: executable, target, quiet: true });
    if (built.exitCode !== 0) throw new Error(`compiling ${target.name} failed:\n${built.output}`);
    prepareImageContext(context, { [target.arch]: executable });
    const previous = imageId(engine, "wx-gateway:latest");
    const local = opts.base ? null : buildLocalBase(engine, executable);
    const base = opts.base ?? (local as { ref: string }).ref;
    log(`base: ${base}`);
    const iidfile = opts.iidfile ?? join(scratch, "iid");
    run([
      engine,
      "build",
      ...(engine === "podman" ? ["--format", "docker", "--layers=false", ...(base.startsWith("localhost/") ? ["--pull=never"] : [])] : []),
      "--file",
      join(root, "Dockerfile"),
      "--target",
      "prebuilt",
      "--build-arg",
      `BASE=${base}`,
      "--build-arg",
      `TARGETARCH=${target.arch}`,
      "--build-arg",
      `VERSION=${pkg.version}`,
      "--build-arg",
      `REVISION=${revision()}`,
      "--build-arg",
      `SOURCE=${source()}`,
      "--tag",
      `wx-gateway:${pkg.version}`,
      "--tag",
      "wx-gateway:latest",
      "--iidfile",
      iidfile,
      context,
    ]);
    const id = readFileSync(iidfile, "utf8").trim();
    // rebuilds would otherwise pile up untagged images of ~120 MB; the image first, then its base
    removeIfUntagged(engine, previous);
    removeIfUntagged(engine, local?.replaced ?? null);
    const size = Number(run([engine, "image", "inspect", "--format", "{{.Size}}", id]).trim());
    log(`wx-gateway:${pkg.version} and wx-gateway:latest (${target.arch}, ${engine}): ${id}, ${(size / 1e6).toFixed(1)} MB`);
    return id;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  const flag = (name: string) => cliFlag(process.argv.slice(2), name);
  try {
    buildImage({ base: flag("--base"), context: flag("--context"), iidfile: flag("--iidfile") });
  } catch (err) {
    console.error(`image: ${(err as Error).message}`);
    process.exit(1);
  }
}
