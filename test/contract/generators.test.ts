/**
 * @module test/contract/generators
 * The schema export goes through the standard generators without manual fixes: json-schema-to-typescript
 * and quicktype (TypeScript, Go, Python) name every type after its title (`TextMessage`, `UserInfo`), emit
 * a shared definition once, and never fall back to invented names (`Schema12`, `TextMessage1`,
 * quicktype's `PurpleUserInfo`, `UserInfoClass`).
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeSchemas } from "../../src/cli/schema";
import { exportContract } from "../../src/contract/export";
import { GENERATOR_ARGS, type Generated, json2ts, QUICKTYPE_OPTIONS, quicktype } from "../_helpers/generators";

const work = mkdtempSync(join(tmpdir(), "wxgw-generators-"));
const schemaDir = join(work, "schema");
process.once("exit", () => rmSync(work, { recursive: true, force: true }));

/**
 * Every title in the export, and the titles quicktype must keep: objects with fields, except members
 * of a union of objects (quicktype merges those into one class named after the union, e.g. BackendReply).
 */
const titles = new Set<string>();
const objectTitles = new Set<string>();
const merged = new Set<string>();
const collect = (node: unknown): void => {
  if (typeof node !== "object" || node === null) return;
  const n = node as Record<string, unknown>;
  if (typeof n.title === "string") titles.add(n.title);
  if (typeof n.title === "string" && n.type === "object" && Object.keys(n.properties ?? {}).length > 0) objectTitles.add(n.title);
  // a member written in another file ($ref, as the reply types the surfaces' reply unions share) keeps its name
  const members = ((n.anyOf ?? []) as Array<Record<string, unknown>>).filter((m) => m.type === "object" || typeof m.$ref === "string");
  if (members.length > 1) for (const m of members) if (typeof m.title === "string") merged.add(m.title);
  for (const value of Object.values(n)) collect(value);
};
for (const doc of exportContract().files.values()) collect(doc);

// quicktype's names for two different types that want the same name
const INVENTED = /^(Purple|Fluffy|Tentacled|Sticky|Indigo|Indecent|Hilarious|Ambitious|Cunning|Magenta|Frisky|Mischievous|Braggadocious)|Class$|\d$/;
const outputs: Record<string, { run: Generated; text: string }> = {};

beforeAll(async () => {
  await writeSchemas(schemaDir);
  const jobs = {
    "json2ts.d.ts": (out: string) => json2ts(schemaDir, out),
    "quicktype.go": (out: string) => quicktype("go", schemaDir, out),
    "quicktype.py": (out: string) => quicktype("python", schemaDir, out),
    "quicktype.ts": (out: string) => quicktype("typescript", schemaDir, out),
  };
  await Promise.all(
    Object.entries(jobs).map(async ([file, generate]) => {
      const out = join(work, file);
      const run = await generate(out);
      outputs[file] = { run, text: run.exitCode === 0 ? readFileSync(out, "utf8") : "" };
    }),
  );
}, 60_000);

const names = (text: string, pattern: RegExp) => [...text.matchAll(pattern)].map((m) => m[1]!);

describe("generators name every type after its title", () => {
  test("json-schema-to-typescript: one declaration per title, nothing else", () => {
    const { run, text } = outputs["json2ts.d.ts"]!;
    expect(run).toMatchObject({ exitCode: 0 });
    const declared = names(text, /^export (?:interface|type) (\w+)/gm);
    expect(new Set(declared).size).toBe(declared.length);
    expect([...declared].sort()).toEqual([...titles].sort());
    expect(text).toContain('MsgType: "text";');
    expect(text).toMatch(/export type BackendReply =\s+\| TextReply/);
  });

  test.each([
    ["quicktype.go", /^type (\w+) /gm],
    ["quicktype.py", /^class (\w+)\b/gm],
    ["quicktype.ts", /^export (?:interface|enum|type) (\w+)/gm],
  ])("quicktype %s: every object title is a type, no invented names", (file, pattern) => {
    const { run, text } = outputs[file]!;
    expect(run).toMatchObject({ exitCode: 0 });
    const declared = names(text, pattern);
    expect(new Set(declared).size).toBe(declared.length);
    // quicktype writes acronyms its own way (ArticleUrlResult → ArticleURLResult in Go)
    const lower = new Set(declared.map((name) => name.toLowerCase()));
    expect([...objectTitles].filter((title) => !merged.has(title) && !lower.has(title.toLowerCase()))).toEqual([]);
    expect(declared.filter((name) => INVENTED.test(name))).toEqual([]);
  });
});

test("docs/backend.md shows the very commands run here", async () => {
  const page = await Bun.file(join(import.meta.dir, "../../docs/backend.md")).text();
  const shell = (args: string[]) => args.map((a) => (a.includes("#") ? `'${a}'` : a)).join(" ");
  expect(page).toContain(`npx json2ts ${shell(GENERATOR_ARGS.json2ts("schema", "wx-types.d.ts"))}\n`);
  for (const [lang, out] of [
    ["python", "wx_types.py"],
    ["go", "wx_types.go"],
  ] as const) {
    expect(page).toContain(`npx quicktype ${shell(GENERATOR_ARGS.quicktype(lang, "schema", out, QUICKTYPE_OPTIONS[lang]))}\n`);
  }
});
