/**
 * No import cycles in src/: neither between files nor between top-level folders (a folder is a layer;
 * two folders that import each other cannot be understood or tested one without the other). Type-only
 * imports count. A failure prints each cycle. The scanner itself is checked on a small tree.
 */
import { describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { findCycles, folderGraph, folderOf, type ImportGraph, importSpecifiers, readImportGraph } from "./import-graph";

const SRC = resolve(import.meta.dir, "../../src");

/** A folder cycle with the file imports behind each of its steps, so the failure says what to change. */
function explained(cycle: string): string {
  const steps = cycle.split(" (")[0]!.split(" -> ");
  const imports = steps.slice(1).map((to, i) => {
    const from = steps[i]!;
    const behind = [...files].flatMap(([file, targets]) =>
      folderOf(file) === from ? [...targets].filter((t) => folderOf(t) === to).map((t) => `${file} -> ${t}`) : [],
    );
    return behind.join(", ");
  });
  return `${cycle}; imports: ${imports.join("; ")}`;
}

const files = await readImportGraph(SRC);

describe("src/ has no import cycles", () => {
  test("the scan found the tree", () => {
    expect(files.size).toBeGreaterThan(50);
    expect(files.get("gateway.ts")).toContain("app.ts");
    expect(files.get("callback/spine.ts")?.size).toBeGreaterThan(3);
  });

  test("between files", () => {
    expect(findCycles(files)).toEqual([]);
  });

  test("between top-level folders", () => {
    expect(findCycles(folderGraph(files)).map(explained)).toEqual([]);
  });
});

/** Writes `files` (path → source) under a fresh directory and returns it. */
function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "wxgw-imports-"));
  for (const [path, source] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), source);
  }
  return root;
}

describe("the import scanner", () => {
  test("reads static, type-only, re-export, side-effect, multi-line and dynamic imports; skips comments and packages", () => {
    const source = [
      "#!/usr/bin/env bun",
      'import { a } from "./a";',
      'import type { B } from "../b/b";',
      'export { c } from "./c";',
      'export * from "./d";',
      'import "./e";',
      'import {\n  f,\n  type G,\n} from "./f";',
      'const h = await import("./h");',
      'import { RedisClient } from "bun";',
      '/** import { x } from "./in-a-comment"; */',
      '// import { y } from "./commented-out";',
      'const s = "no import here";',
    ].join("\n");
    expect(importSpecifiers(source)).toEqual(["./a", "../b/b", "./c", "./d", "./e", "./f", "./h"]);
  });

  test("finds a cycle between files, and one between folders that no two files close", async () => {
    const root = tree({
      "main.ts": 'import { run } from "./a/index";',
      "a/index.ts": 'export { run } from "./run";',
      "a/run.ts": 'import type { B } from "../b/b";\nimport { helper } from "./helper";',
      "a/helper.ts": 'import { run } from "./run";',
      "b/b.ts": 'import { leaf } from "../a/leaf";',
      "a/leaf.ts": "export const leaf = 1;",
    });
    const files = await readImportGraph(root);
    rmSync(root, { recursive: true });
    expect(files.get("main.ts")).toEqual(new Set(["a/index.ts"]));
    expect(findCycles(files)).toEqual(["a/helper.ts -> a/run.ts -> a/helper.ts"]);
    const folders = folderGraph(files);
    expect(folders.get("main.ts")).toEqual(new Set(["a/"]));
    expect(findCycles(folders)).toEqual(["a/ -> b/ -> a/"]);
  });

  test("a loop through several members is printed with all of them", () => {
    const graph: ImportGraph = new Map([
      ["x/", new Set(["y/", "z/"])],
      ["y/", new Set(["x/"])],
      ["z/", new Set(["x/"])],
    ]);
    expect(findCycles(graph)).toEqual(["x/ -> y/ -> x/ (all of x/, y/, z/ are in one loop)"]);
  });
});
