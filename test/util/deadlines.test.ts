import { describe, expect, test } from "bun:test";
import { DeadlineQueue, Timed } from "../../src/util/deadlines";
import { fakeTimerClock } from "../_helpers/fake-timers";

describe("DeadlineQueue", () => {
  test("on the system clock: fires in deadline order, whatever the order they were added in", async () => {
    const q = new DeadlineQueue();
    const fired: string[] = [];
    const { promise: all, resolve } = Promise.withResolvers<void>();
    const fire = (name: string) => () => fired.push(name) === 4 && resolve();
    q.add(30, fire("d"));
    q.add(1, fire("a"));
    q.add(20, fire("c"));
    q.add(10, fire("b"));
    expect(q.size).toBe(4);
    await all; // the event itself, not a guess at how long it takes
    expect(fired).toEqual(["a", "b", "c", "d"]);
    expect(q.size).toBe(0);
  });

  test("a cancelled deadline never fires and is unlinked at once", () => {
    const clock = fakeTimerClock();
    const q = new DeadlineQueue(clock);
    const fired: string[] = [];
    const first = q.add(1, () => fired.push("cancelled-head"));
    q.add(5, () => fired.push("kept"));
    const middle = q.add(10, () => fired.push("cancelled-middle"));
    q.add(15, () => fired.push("last"));
    first.cancel();
    middle.cancel();
    middle.cancel(); // idempotent
    expect(q.size).toBe(2);
    clock.advance(60_000);
    expect(fired).toEqual(["kept", "last"]);
  });

  test("a deadline added earlier than the armed one re-arms the timer", () => {
    const clock = fakeTimerClock();
    const q = new DeadlineQueue(clock);
    const fired: string[] = [];
    q.add(10_000, () => fired.push("far"));
    q.add(0, () => fired.push("now"));
    q.add(2, () => fired.push("soon"));
    clock.advance(2);
    expect(fired).toEqual(["now", "soon"]);
    expect(q.size).toBe(1);
    clock.advance(9997);
    expect(fired).toEqual(["now", "soon"]);
    clock.advance(1);
    expect(fired).toEqual(["now", "soon", "far"]);
  });

  test("entries due at the same time fire in the order they were added, each at its own time", () => {
    const clock = fakeTimerClock(1000);
    const q = new DeadlineQueue(clock);
    const fired: string[] = [];
    q.add(5, () => fired.push(`x@${clock.now()}`)); // due at 1005
    q.add(2000, () => fired.push("far")); // due at 3000
    clock.advance(3);
    q.add(2, () => fired.push(`y@${clock.now()}`)); // also due at 1005, added later
    q.add(0, () => fired.push(`w@${clock.now()}`)); // due now
    clock.advance(0);
    expect(fired).toEqual(["w@1003"]);
    clock.advance(1996);
    expect(fired).toEqual(["w@1003", "x@1005", "y@1005"]);
    expect(q.size).toBe(1);
  });

  test("a late wake-up (a bare time function that jumped, on real timers) fires everything due, in order", async () => {
    let t = 1000;
    const q = new DeadlineQueue(() => t);
    const { promise, resolve } = Promise.withResolvers<void>();
    const fired: string[] = [];
    q.add(5, () => fired.push("x"));
    q.add(2000, () => fired.push("not due"));
    t = 2000; // the clock jumps: the next wake-up finds x (and y) due, the far one not
    q.add(0, () => fired.push("y") === 2 && resolve());
    await promise;
    expect(fired).toEqual(["x", "y"]);
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

  test("an object fires once, can be cancelled, and rescheduling moves it instead of adding it twice", () => {
    const clock = fakeTimerClock(0);
    const q = new DeadlineQueue(clock);
    const [a, b, c] = [new Probe(), new Probe(), new Probe()];
    q.schedule(a, 10);
    q.schedule(b, 20);
    q.schedule(c, 30);
    q.schedule(a, 40); // moved behind c
    expect(q.size).toBe(3);
    q.cancel(b);
    q.cancel(b);
    expect([q.size, b.queued]).toEqual([2, false]);
    clock.advance(35); // the timer armed for a's first expiry wakes up with nothing due, re-arms; c fires at 30
    expect([a.fired, b.fired, c.fired]).toEqual([0, 0, 1]);
    clock.advance(5);
    expect([a.fired, b.fired, c.fired]).toEqual([1, 0, 1]);
    expect(q.size).toBe(0);
    expect(clock.pending).toBe(0); // nothing armed once the queue is empty
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
