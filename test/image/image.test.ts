/**
 * The release image, built by `bun run image` (no registry: the base is made from this machine's
 * Debian packages) and run with podman: /health and a signed callback through the published port,
 * HEALTHCHECK through `wx-gateway healthcheck`, a non-root process, the token cache volume written by
 * a real token fetch (from a fake WeChat on the host) with mode 0700, no shell, SIGTERM → exit 0 within
 * 10 s. Slow (~20 s): WXGW_SKIP_SLOW=1 skips it locally; CI installs podman and always runs it.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import pkg from "../../package.json";
import { removeIfUntagged } from "../../scripts/exec";
import { defaultImageConfig, IMAGE } from "../../scripts/image-context";
import { scratchDir } from "../_helpers/binary";
import { APP_ID, rawConfig } from "../_helpers/config";
import { type Container, podman, podmanAvailable, podmanResult, runContainer, waitHealthy } from "../_helpers/container";
import { startFakeWechat } from "../_helpers/fake-wechat";
import { skipSlow } from "../_helpers/slow";
import { plainCallback, textXml } from "../_helpers/wechat";

const root = resolve(import.meta.dir, "../..");
/** per test: each runs executables or podman, slow on a loaded machine */
const SLOW = 60_000;
const noPodman = !podmanAvailable();
if (noPodman) console.warn("skipping the image test: podman is not installed (.ci/run installs it: apt-get install podman runc)");

describe.skipIf(skipSlow("the container image test") || noPodman)("release image (podman)", () => {
  const work = scratchDir("wxgw-image-");
  const volume = `wxgw-test-cache-${process.pid}-${Date.now()}`;
  const fake = startFakeWechat();
  // the container reaches the host as host.containers.internal, not its loopback: relay there to the fake
  const relay = Bun.serve({
    hostname: "0.0.0.0",
    port: 0,
    async fetch(req) {
      const url = new URL(req.url);
      const body = req.method === "GET" || req.method === "HEAD" ? undefined : await req.arrayBuffer();
      return fetch(`${fake.url}${url.pathname}${url.search}`, { method: req.method, headers: req.headers, body });
    },
  });
  let image = "";
  let gw: Container;
  // HEAD before and after the build: in a working tree others commit to, either may be the one built
  const heads: string[] = [];
  const head = () => Bun.spawnSync(["git", "rev-parse", "HEAD"], { cwd: root, stdout: "pipe" }).stdout.toString().trim() || "unknown";

  beforeAll(async () => {
    const iidfile = join(work, "iid");
    const started = performance.now();
    heads.push(head());
    const build = Bun.spawnSync([process.execPath, "run", "image", "--context", join(work, "context"), "--iidfile", iidfile], {
      cwd: root,
      stdout: "pipe",
      stderr: "pipe",
    });
    if (build.exitCode !== 0) throw new Error(`bun run image failed:\n${build.stdout}${build.stderr}`);
    console.log(`bun run image: ${((performance.now() - started) / 1000).toFixed(1)} s\n${build.stdout.toString().trim()}`);
    heads.push(head());
    image = readFileSync(iidfile, "utf8").trim();
    const conf = join(work, "gateway.json");
    writeFileSync(
      conf,
      JSON.stringify(
        rawConfig(
          {},
          {
            "listen-host": "",
            "listen-port": IMAGE.port,
            "token-cache-dir": IMAGE.tokenCache,
            "wx-api-base": `http://host.containers.internal:${relay.port}`,
            "common-endpoints": { "health-check": "/health", "wx-user": "/wx-user" },
          },
        ),
      ),
      { mode: 0o644 },
    );
    podman(["volume", "create", volume]);
    gw = runContainer(image, [
      "--volume",
      `${conf}:/config/gateway.json:ro`,
      "--env",
      "CONF_FILE=/config/gateway.json",
      "--volume",
      `${volume}:${IMAGE.tokenCache}`,
    ]);
    await waitHealthy(`${gw.base}/health`, gw);
  }, 300_000);

  afterAll(() => {
    gw?.remove();
    podmanResult(["volume", "rm", "--force", volume]);
    // a build that ran meanwhile took the tags: this image is then garbage once its container is gone
    removeIfUntagged("podman", image || null);
    rmSync(work, { recursive: true, force: true });
    relay.stop(true);
    fake.stop();
  }, SLOW);

  test(
    "tagged wx-gateway:<version> and :latest, with its OCI labels, user, volume, config and HEALTHCHECK",
    () => {
      const info = JSON.parse(podman(["image", "inspect", image]))[0];
      expect(info.RepoTags).toEqual(expect.arrayContaining([`localhost/wx-gateway:${pkg.version}`, "localhost/wx-gateway:latest"]));
      const labels = info.Config.Labels;
      expect(labels["org.opencontainers.image.version"]).toBe(pkg.version);
      expect(heads).toContain(labels["org.opencontainers.image.revision"].replace(/-dirty$/, ""));
      expect(labels["org.opencontainers.image.source"]).toBeString();
      expect(info.Config.User).toBe(`${IMAGE.uid}:${IMAGE.uid}`);
      expect(info.Config.Env).toContain(`CONF_FILE=${IMAGE.config}`);
      expect(Object.keys(info.Config.Volumes)).toEqual([IMAGE.tokenCache]);
      expect(info.Healthcheck.Test).toEqual(["CMD", "/usr/local/bin/wx-gateway", "healthcheck"]);
    },
    SLOW,
  );

  test(
    "/health and a signed callback through the published port; HEALTHCHECK passes",
    async () => {
      const health = await fetch(`${gw.base}/health`);
      expect(health.status).toBe(200);
      const reply = await fetch(plainCallback(gw.base, "/wx", textXml("hello from the image test")));
      expect(reply.status).toBe(200);
      expect(await reply.text()).toContain("hello from the image test");
      expect(podmanResult(["healthcheck", "run", gw.name]).exitCode).toBe(0);
    },
    SLOW,
  );

  test(
    "the gateway runs as uid 10001, not root",
    () => {
      const status = readFileSync(`/proc/${gw.hostPid()}/status`, "utf8");
      const uids = /^Uid:\s+(.*)$/m.exec(status)![1]!.split(/\s+/);
      expect(uids).toEqual([`${IMAGE.uid}`, `${IMAGE.uid}`, `${IMAGE.uid}`, `${IMAGE.uid}`]);
    },
    SLOW,
  );

  test(
    "a fetched access_token is written to the cache volume: directory 0700 and file 0600, owned by 10001",
    async () => {
      const res = await fetch(`${gw.base}/wx-user?s=svc&o=oImageUser`);
      expect(res.status).toBe(200);
      expect(fake.tokenFetches).toBe(1);
      const dir = podman(["volume", "inspect", "--format", "{{.Mountpoint}}", volume]);
      const dirStat = statSync(dir);
      expect({ mode: dirStat.mode & 0o777, uid: dirStat.uid }).toEqual({ mode: 0o700, uid: IMAGE.uid });
      const file = join(dir, APP_ID);
      const fileStat = statSync(file);
      expect({ mode: fileStat.mode & 0o777, uid: fileStat.uid }).toEqual({ mode: 0o600, uid: IMAGE.uid });
      expect(JSON.parse(readFileSync(file, "utf8")).token).toBe(fake.validTokens(APP_ID)[0]);
    },
    SLOW,
  );

  test(
    "no shell in the image",
    () => {
      const sh = podmanResult(["run", "--rm", "--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024", "--entrypoint", "/bin/sh", image, "-c", "true"]);
      expect(sh.exitCode).not.toBe(0);
      expect(sh.out).toMatch(/no such file or directory|not found/i);
    },
    SLOW,
  );

  test(
    "without a mounted config it runs the sample, with the token cache in the volume",
    () => {
      const check = podman(["run", "--rm", "--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024", image, "check-config"]);
      expect(check).toContain(`config OK: ${IMAGE.config}`);
      expect(check).toContain("(echo mode)");
      expect(check).toContain(IMAGE.tokenCache);
      expect(defaultImageConfig()["token-cache-dir"]).toBe(IMAGE.tokenCache);
    },
    SLOW,
  );

  test(
    "SIGTERM: the gateway exits 0 within 10 s",
    () => {
      const started = performance.now();
      podman(["kill", "--signal", "TERM", gw.name]);
      const code = podman(["wait", gw.name]);
      const seconds = (performance.now() - started) / 1000;
      expect(code).toBe("0");
      expect(seconds).toBeLessThan(10);
    },
    SLOW,
  );
});
