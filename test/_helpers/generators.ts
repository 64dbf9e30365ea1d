/**
 * @module test/_helpers/generators
 * The code generators a backend author would run over `wx-gateway schema --out DIR`, with the command
 * lines docs/backend.md shows: json-schema-to-typescript for TypeScript declarations, quicktype for
 * Go, Python and TypeScript. Both are devDependencies; each call runs the installed CLI.
 */
import { join, resolve } from "node:path";

const root = resolve(import.meta.dir, "../..");
const bin = (name: string) => join(root, "node_modules/.bin", name);

export type QuicktypeLanguage = "go" | "python" | "typescript";

/** The arguments after the program name, as docs/backend.md writes them (schema directory `schema`). */
export const GENERATOR_ARGS = {
  json2ts: (schemaDir: string, out: string) => ["--unreachableDefinitions", "--cwd", schemaDir, "-i", join(schemaDir, "contract.schema.json"), "-o", out],
  quicktype: (lang: QuicktypeLanguage, schemaDir: string, out: string, extra: readonly string[] = []) => [
    "--src-lang",
    "schema",
    "--lang",
    lang,
    ...extra,
    "-o",
    out,
    `${join(schemaDir, "contract.schema.json")}#/definitions/`,
  ],
};

/** Extra options per language: the Go package of the example, dataclasses for Python 3.7+. */
export const QUICKTYPE_OPTIONS: Record<QuicktypeLanguage, readonly string[]> = {
  go: ["--package", "main"],
  python: ["--python-version", "3.7"],
  typescript: [],
};

export interface Generated {
  readonly exitCode: number;
  readonly stderr: string;
}

async function run(argv: string[]): Promise<Generated> {
  const p = Bun.spawn(argv, { cwd: root, stdout: "pipe", stderr: "pipe" });
  const [exitCode, stderr] = await Promise.all([p.exited, new Response(p.stderr).text()]);
  return { exitCode, stderr };
}

/** json-schema-to-typescript: every type of contract.schema.json into one declaration file. */
export const json2ts = (schemaDir: string, out: string) => run([bin("json2ts"), ...GENERATOR_ARGS.json2ts(schemaDir, out)]);

/** quicktype: every type of contract.schema.json into one source file of `lang`. */
export const quicktype = (lang: QuicktypeLanguage, schemaDir: string, out: string) =>
  run([bin("quicktype"), ...GENERATOR_ARGS.quicktype(lang, schemaDir, out, QUICKTYPE_OPTIONS[lang])]);
