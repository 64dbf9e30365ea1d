/**
 * @module test/_helpers/container
 * Running the release image in tests with podman. In sandboxes and CI containers crun cannot set
 * rlimits or cgroups, so runc is used when installed and the rlimits are given explicitly.
 */
import { tryRun } from "../../scripts/exec";

export const podmanAvailable = (): boolean => tryRun(["podman", "--version"]) !== null;

const runtime = (): string[] => (tryRun(["runc", "--version"]) !== null ? ["--runtime", "runc"] : []);

/** `podman …` with the runtime chosen above; stdout, or throws with stderr. */
export function podman(args: readonly string[]): string {
  const proc = Bun.spawnSync(["podman", ...runtime(), ...args], { stdout: "pipe", stderr: "pipe" });
  if (proc.exitCode !== 0) throw new Error(`podman ${args.join(" ")} failed (exit ${proc.exitCode}): ${proc.stderr.toString().trim()}`);
  return proc.stdout.toString().trim();
}

/** Like podman() but returns the exit code and output instead of throwing. */
export function podmanResult(args: readonly string[]): { exitCode: number; out: string } {
  const proc = Bun.spawnSync(["podman", ...runtime(), ...args], { stdout: "pipe", stderr: "pipe" });
  return { exitCode: proc.exitCode ?? -1, out: `${proc.stdout.toString()}${proc.stderr.toString()}` };
}

export interface Container {
  readonly name: string;
  /** http://127.0.0.1:<published port of 7080> */
  readonly base: string;
  /** the container's main process, seen from the host */
  hostPid(): number;
  logs(): string;
  remove(): void;
}

/**
 * `podman run -d` of `image` with 7080 published on a free loopback port; `extra` are more run
 * options (volumes, env). The automatic health timer is off (it needs systemd); `podman healthcheck
 * run` still runs the image's HEALTHCHECK.
 */
export function runContainer(image: string, extra: readonly string[] = []): Container {
  const name = `wxgw-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  podman([
    "run",
    "-d",
    "--name",
    name,
    "--publish",
    "127.0.0.1::7080",
    "--ulimit",
    "nofile=1024:1024",
    "--ulimit",
    "nproc=1024:1024",
    "--health-interval",
    "disable",
    ...extra,
    image,
  ]);
  const port = podman(["port", name, "7080/tcp"]).split(":").pop();
  return {
    name,
    base: `http://127.0.0.1:${port}`,
    hostPid: () => Number(podman(["inspect", "--format", "{{.State.Pid}}", name])),
    logs: () => podmanResult(["logs", name]).out,
    remove: () => void podmanResult(["rm", "--force", "--time", "0", name]),
  };
}

export async function waitHealthy(url: string, container: Container): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (
      await fetch(url).then(
        (r) => r.status === 200,
        () => false,
      )
    )
      return;
    await Bun.sleep(50);
  }
  throw new Error(`${url} never answered 200:\n${container.logs()}`);
}
