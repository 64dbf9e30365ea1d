import { describe, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createMemoryLogger } from "../../src/obs/log";
import { createFileTokenStore, recordPath } from "../../src/store/file-store";
import { decodeRecord, encodeRecord } from "../../src/store/token-store";
import { createMemoryTokenStore } from "../../src/store/memory-store";

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

  test("the file store's lock never blocks (one process owns the cache)", async () => {
    const store = createFileTokenStore(newDir(), log);
    const a = await store.lock("token", "wxE", 1000);
    const b = await store.lock("token", "wxE", 1000);
    expect(a).not.toBeNull();
    expect(b).not.toBeNull();
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
