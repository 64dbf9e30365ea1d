import { describe, expect, test } from "bun:test";
import { createMemoryDedup } from "../../src/callback/dedup";
import type { WechatReply } from "../../src/wechat/reply";
import { numberedReply } from "../_helpers/dedup-instances";

const reply = numberedReply;

describe("createMemoryDedup", () => {
  test("in-flight retries join, answered ones get the stored reply, failures are forgotten, windows expire", async () => {
    let now = 0;
    let hits = 0;
    const dedup = createMemoryDedup(60, { now: () => now, onHit: () => hits++ });
    let calls = 0;
    let release!: (r: WechatReply) => void;
    const first = dedup.run("m:1", () => {
      calls++;
      return new Promise<WechatReply>((r) => (release = r));
    });
    const joined = dedup.run("m:1", async () => (calls++, reply(9)));
    release({ ...reply(1), rendered: "<xml>first</xml>" } as WechatReply);
    expect(await first).toEqual({ ...reply(1), rendered: "<xml>first</xml>" } as WechatReply);
    expect(await joined).toBe(await first);
    // answered: the stored form, which does not keep the rendering
    expect(await dedup.run("m:1", async () => (calls++, reply(9)))).toEqual(reply(1));
    expect([calls, hits]).toEqual([1, 2]);

    await dedup.run("m:2", async () => Promise.reject(new Error("backend down"))).catch(() => {});
    expect(await dedup.run("m:2", async () => reply(2))).toEqual(reply(2));

    now = 61_000; // one window later: still remembered (previous generation)
    expect(await dedup.run("m:1", async () => reply(9))).toEqual(reply(1));
    now = 122_000; // two windows: forgotten
    expect(await dedup.run("m:1", async () => reply(9))).toEqual(reply(9));
  });

  test("window 0 runs every call", async () => {
    const dedup = createMemoryDedup(0);
    let calls = 0;
    await dedup.run("m:1", async () => (calls++, reply(1)));
    await dedup.run("m:1", async () => (calls++, reply(1)));
    expect(calls).toBe(2);
  });
});
