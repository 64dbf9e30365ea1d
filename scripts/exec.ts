/**
 * @module scripts/exec
 * Running the tools the release and image scripts need (tar, podman/docker, ldd, git), failing with
 * what the tool printed.
 */

/** Runs `cmd` and returns its stdout; throws with its stderr when it fails. */
export function run(cmd: readonly string[], opts: { cwd?: string; stdin?: Blob } = {}): string {
  const proc = Bun.spawnSync([...cmd], { cwd: opts.cwd, stdin: opts.stdin, stdout: "pipe", stderr: "pipe" });
  if (proc.exitCode !== 0) throw new Error(`${cmd.join(" ")} failed (exit ${proc.exitCode}): ${proc.stderr?.toString().trim()}`);
  return proc.stdout?.toString() ?? "";
}

/** Runs `cmd`; its stdout, or null when it fails or is not installed. */
export function tryRun(cmd: readonly string[], cwd?: string): string | null {
  try {
    const proc = Bun.spawnSync([...cmd], { cwd, stdout: "pipe", stderr: "pipe" });
    return proc.exitCode === 0 ? (proc.stdout?.toString() ?? "") : null;
  } catch {
    return null;
  }
}

/**
 * tar flags that record every entry as owned by `uid`:`uid`, whoever builds the archive — so root
 * extracting it (or an image build unpacking it) gets exactly those owners. GNU tar or bsdtar.
 */
export function tarOwnerFlags(uid = 0): string[] {
  const gnu = (tryRun(["tar", "--version"]) ?? "").includes("GNU tar");
  return gnu ? [`--owner=${uid}`, `--group=${uid}`, "--numeric-owner"] : ["--uid", `${uid}`, "--gid", `${uid}`];
}

/** The value after `--name` in `args`, if any. */
export function cliFlag(args: readonly string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

/** The id `ref` points at in `engine`'s store, or null when there is none. */
export function imageId(engine: string, ref: string): string | null {
  return tryRun([engine, "image", "inspect", "--format", "{{.Id}}", ref])?.trim() || null;
}

/**
 * Removes an image a rebuild has replaced, when nothing names it any more (no tag); one still tagged,
 * still used by a container or still the parent of another image stays (the engine refuses).
 */
export function removeIfUntagged(engine: string, id: string | null): void {
  if (id && tryRun([engine, "image", "inspect", "--format", "{{len .RepoTags}}", id])?.trim() === "0") tryRun([engine, "rmi", id]);
}
