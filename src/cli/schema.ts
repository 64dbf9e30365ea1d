/**
 * @module cli/schema
 * `wx-gateway schema --out DIR`: writes the backend contract — the same TypeBox schemas the gateway
 * runs with — as JSON Schema files (contract/export): one per forwarded message/event type, the
 * backend reply, the OAuth2 forward body, the common endpoints, the shared definitions, the bundle
 * contract.schema.json, and index.json mapping each backend URL path to its file.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { exportContract } from "../contract/export";

export type { SchemaIndex } from "../contract/export";

export async function writeSchemas(outDir: string): Promise<string> {
  mkdirSync(outDir, { recursive: true });
  const { files, index } = exportContract();
  for (const [file, schema] of files) writeFileSync(join(outDir, file), `${JSON.stringify(schema, null, 2)}\n`);
  writeFileSync(join(outDir, "index.json"), `${JSON.stringify(index, null, 2)}\n`);
  return `wrote ${files.size} schema files and index.json to ${outDir}`;
}
