/**
 * @module util/cpus
 * How many CPUs this process may use (`"workers": "auto"`): the smaller of the CPUs it may be scheduled
 * on (`os.availableParallelism()`: the affinity mask, so `taskset` and cpusets count) and its cgroup's
 * CPU quota, rounded up — a container limited to 1.5 CPUs gets 2 workers, not the host's 64.
 * The quota is read from the cgroup the process is in, found through /proc/self/cgroup and
 * /proc/self/mountinfo: cgroup v2's `cpu.max` of that cgroup and each parent (the smallest counts), or
 * v1's `cpu.cfs_quota_us` / `cpu.cfs_period_us`. No quota, or files that cannot be read: no limit.
 */
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { posix } from "node:path";

export type ReadFile = (path: string) => string | null;

const readOrNull: ReadFile = (path) => {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return null;
  }
};

/** CPUs the cgroup quota allows (fractional), or Infinity without a quota. */
export function cgroupCpuLimit(read: ReadFile = readOrNull): number {
  const groups = read("/proc/self/cgroup") ?? "";
  const mounts = (read("/proc/self/mountinfo") ?? "").split("\n").map((line) => {
    // id parent major:minor root mountpoint options... - fstype source superoptions
    const [left, right] = line.split(" - ");
    const f = (left ?? "").split(" ");
    const r = (right ?? "").split(" ");
    return { root: f[3] ?? "", point: f[4] ?? "", type: r[0] ?? "", options: (r[2] ?? "").split(",") };
  });
  let limit = Infinity;
  for (const line of groups.split("\n")) {
    const [id, controllers, path] = [
      line.slice(0, line.indexOf(":")),
      line.slice(line.indexOf(":") + 1, line.lastIndexOf(":")),
      line.slice(line.lastIndexOf(":") + 1),
    ];
    if (!path) continue;
    if (id === "0" && controllers === "") {
      const mount = mounts.find((m) => m.type === "cgroup2");
      if (mount) limit = Math.min(limit, v2Limit(read, mount.point, relative(mount.root, path)));
    } else if (controllers.split(",").includes("cpu")) {
      const mount = mounts.find((m) => m.type === "cgroup" && m.options.includes("cpu"));
      if (mount) limit = Math.min(limit, v1Limit(read, posix.join(mount.point, relative(mount.root, path))));
    }
  }
  return limit;
}

/** The cgroup path as seen below a mount whose root is `root` (a container sees its own as "/"). */
function relative(root: string, path: string): string {
  if (root === "/" || root === "") return path;
  return path.startsWith(root) ? path.slice(root.length) || "/" : path;
}

function v2Limit(read: ReadFile, point: string, path: string): number {
  let limit = Infinity;
  for (let dir = path; ; dir = posix.dirname(dir)) {
    const [quota, period] = (read(posix.join(point, dir, "cpu.max")) ?? "").trim().split(/\s+/);
    if (quota && quota !== "max" && Number(period) > 0) limit = Math.min(limit, Number(quota) / Number(period));
    if (dir === "/" || dir === ".") return limit;
  }
}

function v1Limit(read: ReadFile, dir: string): number {
  const quota = Number((read(posix.join(dir, "cpu.cfs_quota_us")) ?? "").trim());
  const period = Number((read(posix.join(dir, "cpu.cfs_period_us")) ?? "").trim());
  return quota > 0 && period > 0 ? quota / period : Infinity;
}

/** `"workers": "auto"`: the CPUs this process may use, at least 1. */
export function availableCpus(read: ReadFile = readOrNull, parallelism: number = availableParallelism()): number {
  return Math.max(1, Math.min(parallelism, Math.ceil(cgroupCpuLimit(read))));
}
