import { describe, expect, test } from "bun:test";
import { availableCpus, cgroupCpuLimit } from "../../src/util/cpus";

/** A /proc and /sys of the given files. */
const files = (f: Record<string, string>) => (path: string) => f[path] ?? null;

const V2_MOUNT = "30 23 0:26 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate\n";

describe("availableCpus (workers: auto)", () => {
  test("cgroup v2: the quota of the process's cgroup, or of a parent when smaller, rounded up", () => {
    const read = files({
      "/proc/self/cgroup": "0::/system.slice/gw.service\n",
      "/proc/self/mountinfo": V2_MOUNT,
      "/sys/fs/cgroup/system.slice/gw.service/cpu.max": "150000 100000\n",
      "/sys/fs/cgroup/system.slice/cpu.max": "max 100000\n",
    });
    expect(cgroupCpuLimit(read)).toBe(1.5);
    expect(availableCpus(read, 8)).toBe(2);
    const parent = files({
      "/proc/self/cgroup": "0::/a/b\n",
      "/proc/self/mountinfo": V2_MOUNT,
      "/sys/fs/cgroup/a/b/cpu.max": "max 100000",
      "/sys/fs/cgroup/a/cpu.max": "300000 100000",
    });
    expect(availableCpus(parent, 16)).toBe(3);
  });

  test("a container with its own cgroup namespace reads the root's cpu.max", () => {
    const read = files({ "/proc/self/cgroup": "0::/\n", "/proc/self/mountinfo": V2_MOUNT, "/sys/fs/cgroup/cpu.max": "400000 100000" });
    expect(availableCpus(read, 64)).toBe(4);
  });

  test("cgroup v1 (hybrid hosts): cpu.cfs_quota_us / cpu.cfs_period_us under the cpu controller's mount", () => {
    const read = files({
      "/proc/self/cgroup": "4:memory:/x\n3:cpu,cpuacct:/docker/abc\n0::/\n",
      "/proc/self/mountinfo":
        "40 30 0:35 / /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct\n41 30 0:36 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw\n",
      "/sys/fs/cgroup/cpu,cpuacct/docker/abc/cpu.cfs_quota_us": "200000\n",
      "/sys/fs/cgroup/cpu,cpuacct/docker/abc/cpu.cfs_period_us": "100000\n",
    });
    expect(availableCpus(read, 8)).toBe(2);
  });

  test("no quota (-1, max, unreadable files): the CPUs the process may run on; never less than 1", () => {
    expect(availableCpus(files({ "/proc/self/cgroup": "1:cpu:/\n0::/\n" }), 6)).toBe(6);
    expect(availableCpus(files({}), 3)).toBe(3);
    const tiny = files({ "/proc/self/cgroup": "0::/\n", "/proc/self/mountinfo": V2_MOUNT, "/sys/fs/cgroup/cpu.max": "10000 100000" });
    expect(availableCpus(tiny, 4)).toBe(1);
    expect(availableCpus(undefined, 1)).toBe(1);
  });
});
