/**
 * @module test/architecture/import-graph
 * The import graph of a source tree, for the no-cycles check: every relative `import`/`export … from`
 * (type-only ones included: a type import still ties two modules' designs together) and `import("…")`
 * of every `.ts` file, as edges between files and between top-level folders, and the cycles in it.
 */

import { dirname, join, normalize } from "node:path";
import { Glob } from "bun";

/** file (relative to the root, `/`-separated) → the files it imports */
export type ImportGraph = Map<string, Set<string>>;

// `import x from "…"`, `import type { A } from "…"`, `export * from "…"`, `import "…"`; `[^;]*?` spans multi-line specifier lists
const STATIC = /(?:^|[;}\s])(?:import|export)\s+(?:type\s+)?(?:[^;"'`]*?\s+from\s+)?["']([^"']+)["']/g;
const DYNAMIC = /\bimport\(\s*["']([^"']+)["']\s*\)/g;

/** Block comments and whole-line `//` comments removed, so code examples in comments are not read as imports. */
function stripComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
}

/** The relative specifiers one file imports (bare ones such as `bun` or `elysia` are not edges). */
export function importSpecifiers(source: string): string[] {
  const code = stripComments(source);
  const found: string[] = [];
  for (const re of [STATIC, DYNAMIC]) for (const m of code.matchAll(re)) if (m[1]!.startsWith(".")) found.push(m[1]!);
  return found;
}

/** Reads every `.ts` file under `root` and resolves its relative imports to files under `root`. */
export async function readImportGraph(root: string): Promise<ImportGraph> {
  const files = [...new Glob("**/*.ts").scanSync(root)].map((f) => f.split("\\").join("/")).sort();
  const known = new Set(files);
  const graph: ImportGraph = new Map();
  for (const file of files) {
    const targets = new Set<string>();
    for (const spec of importSpecifiers(await Bun.file(join(root, file)).text())) {
      const base = normalize(join(dirname(file), spec))
        .split("\\")
        .join("/");
      const target = [base, `${base}.ts`, `${base}/index.ts`].find((c) => known.has(c));
      if (target && target !== file) targets.add(target);
    }
    graph.set(file, targets);
  }
  return graph;
}

/** `callback/core.ts` → `callback/`; a file at the root (`gateway.ts`) stays itself: the root is not a folder of modules */
export const folderOf = (file: string): string => (file.includes("/") ? file.slice(0, file.indexOf("/") + 1) : file);

/** The graph between top-level folders (edges inside one folder dropped). */
export function folderGraph(files: ImportGraph): ImportGraph {
  const graph: ImportGraph = new Map();
  for (const [file, targets] of files) {
    const from = folderOf(file);
    const edges = graph.get(from) ?? graph.set(from, new Set()).get(from)!;
    for (const t of targets) if (folderOf(t) !== from) edges.add(folderOf(t));
  }
  return graph;
}

/** The shortest path from `start` back to `start` through `members` only. */
function shortestCycle(graph: ImportGraph, start: string, members: Set<string>): string[] {
  const previous = new Map<string, string>();
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    const node = queue[i]!;
    for (const next of graph.get(node) ?? []) {
      if (!members.has(next)) continue;
      if (next === start) {
        const path = [node];
        while (path[0] !== start) path.unshift(previous.get(path[0]!)!);
        return [...path, start];
      }
      if (!previous.has(next)) {
        previous.set(next, node);
        queue.push(next);
      }
    }
  }
  return [start, start];
}

/**
 * One line per strongly connected component of more than one node (Tarjan): its shortest cycle
 * through the alphabetically first member, `a -> b -> a`, and every member when there are more.
 */
export function findCycles(graph: ImportGraph): string[] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node)!, index.get(next)!));
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1) components.push(component.sort());
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) visit(node);
  return components
    .map((c) => {
      const cycle = shortestCycle(graph, c[0]!, new Set(c));
      return cycle.length > c.length ? cycle.join(" -> ") : `${cycle.join(" -> ")} (all of ${c.join(", ")} are in one loop)`;
    })
    .sort();
}
