/**
 * @module scripts/contract-package
 * `bun scripts/contract-package.ts [OUT_DIR]` (npm run contract-package): the types-only npm package
 * `@wx-gateway/contract` for TypeScript backends, packed with `npm pack` into OUT_DIR (default dist/).
 * Built from src/contract through the schema export, as any generator user would: `index.d.ts` is
 * json-schema-to-typescript's output for contract.schema.json (plain interfaces with WeChat's field
 * descriptions, no dependency), and `schema/` carries the JSON Schema files for validators. No
 * JavaScript: importing it is `import type` only. Publishing it is `npm publish <the tarball>`.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { compileFromFile } from "json-schema-to-typescript";
import { writeSchemas } from "../src/cli/schema";
import { run } from "./exec";

export const PACKAGE_NAME = "@wx-gateway/contract";
const root = resolve(import.meta.dir, "..");

const BANNER = `/**
 * The wx-gateway backend contract: every body the gateway forwards, the reply, the OAuth2 forward and
 * the common endpoints. Generated from wx-gateway's schema export by json-schema-to-typescript; do not edit.
 */`;

const README = `# ${PACKAGE_NAME}

TypeScript types of the wx-gateway backend contract: what the gateway
POSTs to your backend (\`TextMessage\`, \`SubscribeEvent\`, \`ChannelsOrderPayEvent\`, … and the unions \`WechatMessage\`,
\`WechatEvent\`, \`ChannelsEvent\`), what you answer (\`BackendReply\`), the OAuth2 forward (\`OAuth2Forward\`) and the common
endpoints. Types only: \`import type { TextMessage, BackendReply } from "${PACKAGE_NAME}";\`.
The JSON Schema files are under \`schema/\` (index.json maps each backend path to its file).
`;

/** Writes the package directory into `dir`; returns its package.json. */
export async function buildContractPackage(dir: string): Promise<Record<string, unknown>> {
  const schemaDir = join(dir, "schema");
  mkdirSync(schemaDir, { recursive: true });
  await writeSchemas(schemaDir);
  const types = await compileFromFile(join(schemaDir, "contract.schema.json"), { cwd: schemaDir, unreachableDefinitions: true, bannerComment: BANNER });
  writeFileSync(join(dir, "index.d.ts"), types);
  const { version, license } = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string; license: string };
  const manifest = {
    name: PACKAGE_NAME,
    version,
    description: "TypeScript types and JSON Schema of the wx-gateway backend contract (types only, no runtime code)",
    license,
    types: "./index.d.ts",
    exports: { ".": { types: "./index.d.ts" }, "./schema/*": "./schema/*" },
    files: ["index.d.ts", "schema"],
    sideEffects: false,
    keywords: ["wechat", "weixin", "wx-gateway", "types", "json-schema"],
  };
  writeFileSync(join(dir, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  writeFileSync(join(dir, "README.md"), README);
  return manifest;
}

/** Builds the package and packs it into `outDir`; returns the tarball's path. */
export async function packContractPackage(outDir: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "wxgw-contract-"));
  try {
    await buildContractPackage(dir);
    mkdirSync(outDir, { recursive: true });
    const [packed] = JSON.parse(run(["npm", "pack", "--json", "--pack-destination", resolve(outDir)], { cwd: dir })) as Array<{ filename: string }>;
    return join(resolve(outDir), packed!.filename);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.main) console.log(await packContractPackage(process.argv[2] ?? join(root, "dist")));
