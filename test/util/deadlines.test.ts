import { describe, expect, test } from "bun:test";
import { DeadlineQueue, Timed } from "../../src/util/deadlines";
import { fakeTimerClock } from "../_helpers/fake-timers";

/** resolves with the order in which the named deadlines fired, once `count` have fired */
function recorder(count: number) {
  const fired: string[] = [];
  let done!: (names: string[]) => void;
  const all = new Promise<string[]>((resolve) => (done = resolve));
  const fire = (name: string) => () => {
    fired.push(name);
    if (fired.length === count) done(fired);
  };
  return { fire, all, fired };
}

describe("DeadlineQueue", () => {
  test("fires in deadline order, whatever the order they were added in", async () => {
    const q = new DeadlineQueue();
    const r = recorder(4);
    q.add(30, r.fire("d"));
    q.add(1, r.fire("a"));
    q.add(20, r.fire("c"));
    q.add(10, r.fire("b"));
    expect(q.size).toBe(4);
    expect(await r.all).toEqual(["a", "b", "c", "d"]);
    expect(q.size).toBe(0);
  });

  test("a cancelled deadline never fires and is unlinked at once", async () => {
    const q = new DeadlineQueue();
    const r = recorder(2);
    const first = q.add(1, r.fire("cancelled-head"));
    q.add(5, r.fire("kept"));
    const middle = q.add(10, r.fire("cancelled-middle"));
    q.add(15, r.fire("last"));
    first.cancel();
    middle.cancel();
    middle.cancel(); // idempotent
    expect(q.size).toBe(2);
    expect(await r.all).toEqual(["kept", "last"]);
  });

  test("a deadline added earlier than the armed one re-arms the timer", async () => {
    const q = new DeadlineQueue();
    const r = recorder(2);
    q.add(10_000, () => r.fire("far")());
    q.add(0, r.fire("now"));
    q.add(2, r.fire("soon"));
    expect(await r.all).toEqual(["now", "soon"]);
    expect(q.size).toBe(1);
  });

  test("expiry is judged by the injected clock: everything due fires, in order, on one wake-up", async () => {
    let t = 1000;
    const q = new DeadlineQueue(() => t);
    const r = recorder(2);
    q.add(5, r.fire("x")); // due at 1005
    q.add(2000, () => r.fire("not due")()); // due at 3000
    t = 2000; // the clock jumps: a later request with no time left sorts after x, before the far one
    q.add(0, r.fire("y"));
    expect(await r.all).toEqual(["x", "y"]);
    expect(q.size).toBe(1);
  });
});

describe("DeadlineQueue.schedule (objects as their own entries)", () => {
  class Probe extends Timed {
    fired = 0;
    expire(): void {
      this.fired++;
    }
  }

  test("an object fires once, can be cancelled, and rescheduling moves it instead of adding it twice", async () => {
    let t = 0;
    const q = new DeadlineQueue(() => t);
    const [a, b, c] = [new Probe(), new Probe(), new Probe()];
    q.schedule(a, 10);
    q.schedule(b, 20);
    q.schedule(c, 30);
    q.schedule(a, 40); // moved behind c
    expect(q.size).toBe(3);
    q.cancel(b);
    q.cancel(b);
    expect([q.size, b.queued]).toEqual([2, false]);
    t = 35;
    await Bun.sleep(40); // the armed timer (for a's first expiry) wakes up, finds c due and re-arms
    expect([a.fired, b.fired, c.fired]).toEqual([0, 0, 1]);
    t = 100;
    await Bun.sleep(10);
    expect([a.fired, b.fired, c.fired]).toEqual([1, 0, 1]);
    expect(q.size).toBe(0);
  });
});

describe("DeadlineQueue on an injected TimerClock", () => {
  test("nothing fires until the clock is moved; then everything due fires in order, and only that", () => {
    const clock = fakeTimerClock(100);
    const q = new DeadlineQueue(clock);
    const fired: string[] = [];
    q.add(30_000, () => fired.push("hard timeout"));
    q.add(4500, () => fired.push("reply deadline"));
    q.add(1800, () => fired.push("userInfo budget"));
    clock.advance(1799);
    expect(fired).toEqual([]);
    clock.advance(2701);
    expect(fired).toEqual(["userInfo budget", "reply deadline"]);
    expect(q.size).toBe(1);
    clock.advance(25_500);
    expect(fired.at(-1)).toBe("hard timeout");
    expect(q.size).toBe(0);
  });
});
