import { describe, expect, test } from "bun:test";
import { DeadlineQueue } from "../../src/util/deadlines";

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
