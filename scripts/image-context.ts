/**
 * @module scripts/image-context
 * Prepares the build context of the release image (the Dockerfile's `prebuilt` target):
 * `layout.tar` (passwd/group, the default config, the token cache directory with its owner and mode)
 * and one prebuilt executable per architecture as `<amd64|arm64>/wx-gateway`.
 *   bun scripts/image-context.ts --from-release dist/release [--out dist/image]
 * takes the executables out of the release archives, so the published image runs exactly the
 * released executables (.github/workflows/release.yml); `--executable FILE` takes one built here (the
 * source Dockerfile); scripts/image.ts passes one it just built.
 */
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import pkg from "../package.json";
import { hostTarget, RELEASE_TARGETS } from "./build";
import { cliFlag, run } from "./exec";
import { type TarEntry, ustar } from "./ustar";

const root = resolve(import.meta.dir, "..");

/** Must agree with the Dockerfile (USER, ENV CONF_FILE, VOLUME) and image/passwd. */
export const IMAGE = {
  uid: 10001,
  config: "/etc/wx-gateway/conf.json",
  tokenCache: "/var/lib/wx-gateway/token-cache",
  port: 7080,
} as const;

export type ImageArch = "amd64" | "arm64";

/** The image's default config: the sample (echo mode) with its token cache in the volume. */
export function defaultImageConfig(): Record<string, unknown> {
  const sample = JSON.parse(readFileSync(join(root, "sample.conf.json"), "utf8")) as Record<string, unknown>;
  return { ...sample, "token-cache-dir": IMAGE.tokenCache };
}

/**
 * layout.tar: /etc/passwd and /etc/group, the default config, and the token cache directory owned by
 * the image user with mode 0700. No entries for /etc, /var or /var/lib: the base's own stay as they are.
 */
export function layoutEntries(): TarEntry[] {
  const file = (path: string, content: string) => ({ path, mode: 0o644, uid: 0, gid: 0, content });
  return [
    file("etc/passwd", readFileSync(join(root, "image/passwd"), "utf8")),
    file("etc/group", readFileSync(join(root, "image/group"), "utf8")),
    { path: "etc/wx-gateway/", mode: 0o755, uid: 0, gid: 0 },
    file("etc/wx-gateway/conf.json", `${JSON.stringify(defaultImageConfig(), null, 2)}\n`),
    { path: "var/lib/wx-gateway/", mode: 0o755, uid: 0, gid: 0 },
    { path: "var/lib/wx-gateway/token-cache/", mode: 0o700, uid: IMAGE.uid, gid: IMAGE.uid },
  ];
}

/** Writes the context into `dir` (replacing what was there) with the given executables. */
export function prepareImageContext(dir: string, executables: Partial<Record<ImageArch, string>>): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "layout.tar"), ustar(layoutEntries()));
  for (const [arch, path] of Object.entries(executables)) {
    mkdirSync(join(dir, arch));
    copyFileSync(path, join(dir, arch, "wx-gateway"));
    chmodSync(join(dir, arch, "wx-gateway"), 0o755);
  }
}

/** The glibc executables out of the release archives in `releaseDir`, one per architecture. */
export function executablesFromRelease(releaseDir: string, into: string): Record<ImageArch, string> {
  const found: Partial<Record<ImageArch, string>> = {};
  for (const t of RELEASE_TARGETS.filter((r) => r.libc === "glibc")) {
    const name = `wx-gateway-${pkg.version}-${t.name}`;
    run(["tar", "-xzf", join(releaseDir, `${name}.tar.gz`), "-C", into, `${name}/wx-gateway`]);
    found[t.arch] = join(into, name, "wx-gateway");
  }
  return found as Record<ImageArch, string>;
}

if (import.meta.main) {
  const flag = (name: string) => cliFlag(process.argv.slice(2), name);
  const from = flag("--from-release");
  const executable = flag("--executable");
  if (!from === !executable) {
    console.error("usage: bun scripts/image-context.ts (--from-release DIR | --executable FILE) [--out DIR]");
    process.exit(2);
  }
  const out = resolve(flag("--out") ?? join(root, "dist/image"));
  const unpacked = mkdtempSync(join(tmpdir(), "wxgw-release-exe-"));
  try {
    // --executable: one built on this machine, for this machine's architecture (the source Dockerfile)
    prepareImageContext(out, from ? executablesFromRelease(resolve(from), unpacked) : { [hostTarget().arch]: resolve(executable as string) });
    console.log(`image context: ${out}`);
  } finally {
    rmSync(unpacked, { recursive: true, force: true });
  }
}
