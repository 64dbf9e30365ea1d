import { describe, expect, test } from "bun:test";
import { systemClock } from "../../src/util/clock";
import { fakeTimerClock } from "../_helpers/fake-timers";

describe("systemClock", () => {
  test("wall time is unix ms; the scheduler's time is monotonic and not the wall time", () => {
    const before = Date.now();
    const wall = systemClock.unixMs();
    expect(wall).toBeGreaterThanOrEqual(before);
    expect(wall).toBeLessThanOrEqual(Date.now());
    const a = systemClock.now();
    expect(systemClock.now()).toBeGreaterThanOrEqual(a);
    expect(Math.abs(a - wall)).toBeGreaterThan(1_000_000); // performance.now counts from process start
  });

  test("a pending timer does not keep the process alive; a cleared one never fires", async () => {
    const script = `
      import { systemClock } from ${JSON.stringify(`${import.meta.dir}/../../src/util/clock`)};
      systemClock.setTimer(() => console.log("fired"), 60_000);
      const cleared = systemClock.setTimer(() => console.log("cleared one fired"), 0);
      systemClock.clearTimer(cleared);
      console.log("armed");
    `;
    const proc = Bun.spawn([process.execPath, "-e", script], { stdout: "pipe", stderr: "pipe" });
    const killer = setTimeout(() => proc.kill(), 20_000);
    expect(await proc.exited).toBe(0);
    clearTimeout(killer);
    expect(await new Response(proc.stdout).text()).toBe("armed\n");
  });
});

describe("fakeTimerClock (test/_helpers)", () => {
  test("timers and sleeps fire only when advanced past, earliest first, each seeing its own time", async () => {
    const clock = fakeTimerClock(0);
    const seen: string[] = [];
    clock.setTimer(() => seen.push(`b@${clock.now()}`), 20);
    const cleared = clock.setTimer(() => seen.push("cleared"), 5);
    clock.setTimer(() => {
      seen.push(`a@${clock.now()}`);
      clock.setTimer(() => seen.push(`a2@${clock.now()}`), 5); // set while firing: still due within this advance
    }, 10);
    clock.clearTimer(cleared);
    const slept = clock.sleep(30).then(() => seen.push(`slept@${clock.now()}`));
    clock.advance(19);
    expect(seen).toEqual(["a@10", "a2@15"]);
    expect(clock.now()).toBe(19);
    await clock.tick(11);
    await slept;
    expect(seen).toEqual(["a@10", "a2@15", "b@20", "slept@30"]);
    expect([clock.pending, clock.unixMs()]).toEqual([0, 30]);
  });
});
