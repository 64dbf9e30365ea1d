import { describe, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createMemoryLogger } from "../../src/obs/log";
import { createFileTokenStore, recordPath } from "../../src/store/file-store";
import { createMemoryTokenStore } from "../../src/store/memory-store";
import { decodeRecord, encodeRecord } from "../../src/store/token-store";
import { fakeTimerClock } from "../_helpers/fake-timers";

const newDir = () => join(mkdtempSync(join(tmpdir(), "wxgw-fs-")), "tokens");
const { log } = createMemoryLogger();

describe("record format", () => {
  test("is the Go original's JSON", () => {
    expect(encodeRecord("token", { value: "T", expire: 1700000000 })).toBe('{"token":"T","expire":1700000000}');
    expect(encodeRecord("ticket", { value: "K", expire: 1 })).toBe('{"ticket":"K","expire":1}');
    expect(decodeRecord("token", '{"token":"T","expire":1700000000}')).toEqual({ value: "T", expire: 1700000000 });
  });

  test("anything else is no record", () => {
    for (const bad of ["", "{", "null", "[]", '{"token":"T"}', '{"token":"","expire":1}', '{"token":1,"expire":1}', '{"ticket":"K","expire":1}']) {
      expect(decodeRecord("token", bad)).toBeNull();
    }
  });

  test("file names are <app-id> and <app-id>.ticket; app-ids that would escape the dir are refused", () => {
    expect(recordPath("/c", "token", "wx1")).toBe("/c/wx1");
    expect(recordPath("/c", "ticket", "wx1")).toBe("/c/wx1.ticket");
    for (const bad of ["", "..", "../x", "a/b", "a\\b"]) expect(() => recordPath("/c", "token", bad)).toThrow();
  });
});

describe("file store", () => {
  test("set writes atomically with modes 0600/0700 and get reads it back in a new store", async () => {
    const dir = newDir();
    const store = createFileTokenStore(dir, log);
    expect(await store.get("token", "wxA")).toBeNull();
    await store.set("token", "wxA", { value: "T1", expire: 2000000000 });
    await store.set("token", "wxA", { value: "T2", expire: 2000000001 });
    expect(readFileSync(join(dir, "wxA"), "utf8")).toBe('{"token":"T2","expire":2000000001}');
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, "wxA")).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(["wxA"]);
    expect(await createFileTokenStore(dir, log).get("token", "wxA")).toEqual({ value: "T2", expire: 2000000001 });
  });

  test("an existing directory with a looser mode is tightened to 0700", async () => {
    const dir = newDir();
    mkdirSync(dir, { mode: 0o755 });
    chmodSync(dir, 0o755);
    await createFileTokenStore(dir, log).set("ticket", "wxB", { value: "K", expire: 2000000000 });
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(readFileSync(join(dir, "wxB.ticket"), "utf8")).toBe('{"ticket":"K","expire":2000000000}');
  });

  test("invalidate is compare-and-swap", async () => {
    const dir = newDir();
    const store = createFileTokenStore(dir, log);
    await store.set("token", "wxC", { value: "NEW", expire: 2000000000 });
    expect(await store.invalidate("token", "wxC", "OLD")).toBe(false);
    expect(existsSync(join(dir, "wxC"))).toBe(true);
    expect(await store.invalidate("token", "wxC", "NEW")).toBe(true);
    expect(existsSync(join(dir, "wxC"))).toBe(false);
    expect(await store.get("token", "wxC")).toBeNull();
  });

  test("a corrupt file reads as absent, with a warning, and is overwritten", async () => {
    const dir = newDir();
    mkdirSync(dir);
    writeFileSync(join(dir, "wxD"), "garbage");
    const mem = createMemoryLogger();
    const store = createFileTokenStore(dir, mem.log);
    expect(await store.get("token", "wxD")).toBeNull();
    expect(mem.lines().some((l) => l.includes("corrupt") && l.includes("wxD"))).toBe(true);
    await store.set("token", "wxD", { value: "T", expire: 2000000000 });
    expect(decodeRecord("token", readFileSync(join(dir, "wxD"), "utf8"))).toEqual({ value: "T", expire: 2000000000 });
  });

  test("the lock file is exclusive, released by its holder only, and taken over once stale", async () => {
    const dir = newDir();
    const clock = fakeTimerClock(1_000_000);
    const a = createFileTokenStore(dir, log, { now: clock.unixMs });
    const b = createFileTokenStore(dir, log, { now: clock.unixMs });
    const held = await a.lock("token", "wxE", 1000);
    expect(held).not.toBeNull();
    expect(existsSync(join(dir, "wxE.lock"))).toBe(true);
    expect(await b.lock("token", "wxE", 1000)).toBeNull();
    const ticketLock = await b.lock("ticket", "wxE", 1000); // one lock per record
    expect(ticketLock).not.toBeNull();
    await ticketLock!.release();
    await held!.release();
    const again = await b.lock("token", "wxE", 1000);
    expect(again).not.toBeNull();
    // the holder dies: the others wait until its lock expires, then one of them takes it over
    clock.advance(999);
    expect(await a.lock("token", "wxE", 1000)).toBeNull();
    clock.advance(1);
    const takeover = await a.lock("token", "wxE", 1000);
    expect(takeover).not.toBeNull();
    // the late holder's release must not remove the new holder's lock
    await again!.release();
    expect(await b.lock("token", "wxE", 1000)).toBeNull();
    await takeover!.release();
    expect(readdirSync(dir).filter((f) => f.endsWith(".lock"))).toEqual([]);
  });
});

describe("two stores on one directory (two processes sharing token-cache-dir)", () => {
  test("a record another store wrote is seen at once, and so is its removal", async () => {
    const dir = newDir();
    const a = createFileTokenStore(dir, log);
    const b = createFileTokenStore(dir, log);
    await a.set("token", "wxF", { value: "T1", expire: 2000000000 });
    expect(await b.get("token", "wxF")).toEqual({ value: "T1", expire: 2000000000 });
    await a.set("token", "wxF", { value: "T2", expire: 2000000100 });
    expect(await b.get("token", "wxF")).toEqual({ value: "T2", expire: 2000000100 });
    expect(await a.invalidate("token", "wxF", "T2")).toBe(true);
    expect(await b.get("token", "wxF")).toBeNull();
  });

  test("invalidate compares with the file, not with what this store read before", async () => {
    const dir = newDir();
    const a = createFileTokenStore(dir, log);
    const b = createFileTokenStore(dir, log);
    await a.set("token", "wxG", { value: "T1", expire: 2000000000 });
    expect((await b.get("token", "wxG"))?.value).toBe("T1");
    await a.set("token", "wxG", { value: "T2", expire: 2000000100 });
    expect(await b.invalidate("token", "wxG", "T1")).toBe(false);
    expect(decodeRecord("token", readFileSync(join(dir, "wxG"), "utf8"))?.value).toBe("T2");
  });

  test("a record that expires earlier never replaces the file's", async () => {
    const dir = newDir();
    const a = createFileTokenStore(dir, log);
    const stale = createFileTokenStore(dir, log);
    await a.set("ticket", "wxH", { value: "NEWER", expire: 2000000100 });
    await stale.set("ticket", "wxH", { value: "OLDER", expire: 2000000000 });
    expect(readFileSync(join(dir, "wxH.ticket"), "utf8")).toBe('{"ticket":"NEWER","expire":2000000100}');
    expect((await stale.get("ticket", "wxH"))?.value).toBe("NEWER");
  });
});

describe("memory store", () => {
  test("get/set and compare-and-swap invalidate", async () => {
    const store = createMemoryTokenStore();
    await store.set("token", "wx1", { value: "A", expire: 1 });
    await store.set("ticket", "wx1", { value: "K", expire: 1 });
    expect(await store.invalidate("token", "wx1", "B")).toBe(false);
    expect((await store.get("token", "wx1"))?.value).toBe("A");
    expect(await store.invalidate("token", "wx1", "A")).toBe(true);
    expect(await store.get("token", "wx1")).toBeNull();
    expect((await store.get("ticket", "wx1"))?.value).toBe("K");
  });
});
