/**
 * `bun run release`: every archive and a SHA256SUMS that `sha256sum -c` accepts; the host's executable,
 * taken from its archive, says its target and answers a signed verification on sample.conf.json; every
 * other executable's ELF header names its machine and libc loader, and its bytes name its target; the
 * image context made from the archives carries the released executables.
 * Slow (four cross-compiles, ~1 min): WXGW_SKIP_SLOW=1 skips it locally, never in CI.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import pkg from "../../package.json";
import { hostTarget, RELEASE_TARGETS, type ReleaseTarget } from "../../scripts/build";
import { scratchDir, startBinary } from "../_helpers/binary";
import { readElf } from "../_helpers/elf";
import { skipSlow } from "../_helpers/slow";
import { signedQuery } from "../_helpers/wechat";

const root = resolve(import.meta.dir, "../..");
/** per test: each runs executables or podman, slow on a loaded machine */
const SLOW = 60_000;
const out = scratchDir("wxgw-release-");
const unpacked = scratchDir("wxgw-unpacked-");
const context = join(scratchDir("wxgw-context-"), "image");
const archiveName = (t: ReleaseTarget) => `wx-gateway-${pkg.version}-${t.name}.tar.gz`;
const executable = (t: ReleaseTarget) => join(unpacked, `wx-gateway-${pkg.version}-${t.name}`, "wx-gateway");

const LOADERS: Record<string, { machine: string; interpreter: string }> = {
  "linux-x64": { machine: "x86-64", interpreter: "/lib64/ld-linux-x86-64.so.2" },
  "linux-arm64": { machine: "aarch64", interpreter: "/lib/ld-linux-aarch64.so.1" },
  "linux-x64-musl": { machine: "x86-64", interpreter: "/lib/ld-musl-x86_64.so.1" },
  "linux-arm64-musl": { machine: "aarch64", interpreter: "/lib/ld-musl-aarch64.so.1" },
};

const sh = (cmd: string[], cwd = out) => Bun.spawnSync(cmd, { cwd, stdout: "pipe", stderr: "pipe" });
const muslLoader = `/lib/ld-musl-${process.arch === "arm64" ? "aarch64" : "x86_64"}.so.1`;

describe.skipIf(skipSlow("the release build test"))("bun run release", () => {
  // the shipped files as they were when the archives were made (others may edit them meanwhile)
  const shipped = new Map<string, string>();
  beforeAll(() => {
    for (const doc of ["README.md", "LICENSE", "sample.conf.json"]) shipped.set(doc, readFileSync(join(root, doc), "utf8"));
    const started = performance.now();
    const build = Bun.spawnSync([process.execPath, "run", "release", "--out", out], { cwd: root, stdout: "pipe", stderr: "pipe" });
    if (build.exitCode !== 0) throw new Error(`bun run release failed:\n${build.stdout}${build.stderr}`);
    console.log(`bun run release: ${((performance.now() - started) / 1000).toFixed(1)} s\n${build.stdout}`);
    for (const t of RELEASE_TARGETS) {
      const x = sh(["tar", "-xzf", join(out, archiveName(t)), "-C", unpacked]);
      if (x.exitCode !== 0) throw new Error(`cannot unpack ${archiveName(t)}: ${x.stderr}`);
    }
  }, 600_000);

  // about 700 MB of archives and executables per run
  afterAll(() => {
    for (const dir of [out, unpacked, resolve(context, "..")]) rmSync(dir, { recursive: true, force: true });
  });

  test(
    "one archive per target and SHA256SUMS over exactly those, accepted by sha256sum -c",
    () => {
      expect(readdirSync(out).sort()).toEqual([...RELEASE_TARGETS.map(archiveName), "SHA256SUMS"].sort());
      const listed = readFileSync(join(out, "SHA256SUMS"), "utf8").trim().split("\n");
      expect(listed.map((l) => l.split("  ")[1]).sort()).toEqual(RELEASE_TARGETS.map(archiveName).sort());
      for (const line of listed) expect(line).toMatch(/^[0-9a-f]{64} {2}wx-gateway-/);
      const check = sh(["sha256sum", "-c", "SHA256SUMS"]);
      expect(check.stdout.toString()).toContain(`${archiveName(RELEASE_TARGETS[0]!)}: OK`);
      expect(check.exitCode).toBe(0);
    },
    SLOW,
  );

  test(
    "each archive: one directory with the executable (0755), README.md, LICENSE and sample.conf.json",
    () => {
      for (const t of RELEASE_TARGETS) {
        const list = sh(["tar", "-tzvf", archiveName(t)])
          .stdout.toString()
          .trim()
          .split("\n");
        const dir = `wx-gateway-${pkg.version}-${t.name}`;
        expect(list.map((l) => l.split(/\s+/).at(-1)).sort()).toEqual([
          `${dir}/`,
          `${dir}/LICENSE`,
          `${dir}/README.md`,
          `${dir}/sample.conf.json`,
          `${dir}/wx-gateway`,
        ]);
        expect(list.find((l) => l.endsWith("/wx-gateway"))).toMatch(/^-rwxr-xr-x (0\/0|root\/root) /);
        for (const [doc, text] of shipped) expect(readFileSync(join(unpacked, dir, doc), "utf8")).toBe(text);
      }
    },
    SLOW,
  );

  test(
    "each executable's ELF header names its machine and libc loader, and its -v names its target",
    async () => {
      for (const t of RELEASE_TARGETS) {
        expect({ target: t.name, ...readElf(executable(t)) }).toEqual({ target: t.name, ...LOADERS[t.name]! });
        const bytes = await Bun.file(executable(t)).bytes();
        expect(Buffer.from(bytes.buffer).includes(`${t.name} (${t.bun})`)).toBe(true);
      }
    },
    SLOW,
  );

  test(
    "the host's executable from its archive: -v says its version and target",
    () => {
      const t = hostTarget();
      const v = sh([executable(t), "-v"]);
      expect(v.exitCode).toBe(0);
      expect(v.stdout.toString()).toContain(`wx-gateway ${pkg.version}\n`);
      expect(v.stdout.toString()).toContain(`target: ${t.name} (${t.bun})\n`);
    },
    SLOW,
  );

  test(
    "the host's executable from its archive starts on its sample.conf.json and answers a signed verification",
    async () => {
      const t = hostTarget();
      const sample = JSON.parse(readFileSync(join(unpacked, `wx-gateway-${pkg.version}-${t.name}`, "sample.conf.json"), "utf8"));
      // the sample as shipped, on a free port instead of 7080
      await using gw = await startBinary(sample, { binary: executable(t) });
      const query = signedQuery({ token: sample.services[0]["wx-params"].token });
      query.set("echostr", "release-echo-42");
      const res = await fetch(`${gw.base}${sample.services[0]["listen-endpoints"]["service-path"]}?${query}`);
      expect(res.status).toBe(200);
      expect(await res.text()).toBe("release-echo-42");
      expect(await gw.stop()).toBe(0);
    },
    SLOW,
  );

  test(
    "the image context made from the archives holds each architecture's released executable and layout.tar",
    () => {
      const made = sh([process.execPath, "scripts/image-context.ts", "--from-release", out, "--out", context], root);
      expect(made.exitCode).toBe(0);
      expect(readdirSync(context).sort()).toEqual(["amd64", "arm64", "layout.tar"]);
      expect(readElf(join(context, "amd64/wx-gateway")).machine).toBe("x86-64");
      expect(readElf(join(context, "arm64/wx-gateway")).machine).toBe("aarch64");
      const released = RELEASE_TARGETS.find((t) => t.name === "linux-arm64")!;
      expect(readFileSync(join(context, "arm64/wx-gateway")).equals(readFileSync(executable(released)))).toBe(true);
    },
    SLOW,
  );

  const muslReason = existsSync(muslLoader) ? null : `no musl loader ${muslLoader} on this host`;
  if (muslReason) console.warn(`skipping the musl executable's -v: ${muslReason} (its ELF header is checked above; release.yml runs it in Alpine)`);
  test.skipIf(muslReason !== null)(
    "the host's musl executable runs: -v says its target",
    () => {
      const t = RELEASE_TARGETS.find((r) => r.arch === hostTarget().arch && r.libc === "musl")!;
      const v = sh([executable(t), "-v"]);
      expect(v.stderr.toString()).toBe("");
      expect(v.stdout.toString()).toContain(`target: ${t.name} (${t.bun})\n`);
    },
    SLOW,
  );
});
