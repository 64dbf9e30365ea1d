/**
 * @module config/load
 * Finds the config (--config, CONF_FILE, ./sample.conf.json, the embedded sample), parses it, warns once per
 * unknown key, validates it against the schema and the cross-field rules, and resolves it.
 */
import { existsSync, readFileSync } from "node:fs";
import type { TSchema } from "@sinclair/typebox";
import { Value } from "@sinclair/typebox/value";
import embeddedSample from "../../sample.conf.json";
import { ConfigError, describeValue, pointerToPath } from "./config-error";
import { resolveConfig } from "./resolve";
import { checkRules } from "./rules";
import { type RawConfig, RawConfigSchema } from "./schema";
import type { GatewayConfig } from "./types";

export interface LoadedConfig {
  readonly config: GatewayConfig;
  /** one line per unknown key, for the caller to log as warnings */
  readonly warnings: readonly string[];
}

/** Which file to read, in SPEC §1's order; null means the embedded sample. */
export function locateConfig(cliPath: string | undefined, env: Record<string, string | undefined> = process.env): string | null {
  if (cliPath) return cliPath;
  if (env.CONF_FILE) return env.CONF_FILE;
  return existsSync("sample.conf.json") ? "sample.conf.json" : null;
}

/** Reads, validates and resolves. Throws ConfigError with the JSON path of the first problem. */
export function loadConfig(path: string | null, env: Record<string, string | undefined> = process.env): LoadedConfig {
  let raw: unknown = embeddedSample;
  if (path !== null) {
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch (err) {
      throw new ConfigError("", `cannot read ${path}: ${(err as Error).message}`);
    }
    try {
      raw = JSON.parse(text);
    } catch (err) {
      throw new ConfigError("", `${path} is not valid JSON: ${(err as Error).message}`);
    }
  }
  return parseConfig(raw, path ?? "embedded", env);
}

/** Validates an already-parsed config object (used by tests and by loadConfig). */
export function parseConfig(raw: unknown, source: string, env: Record<string, string | undefined> = process.env): LoadedConfig {
  const warnings: string[] = [];
  collectUnknownKeys(RawConfigSchema, raw, "", warnings);
  const first = Value.Errors(RawConfigSchema, raw).First();
  if (first) {
    const where = pointerToPath(first.path);
    throw new ConfigError(where, `${expectedOf(first.schema) ?? first.message} (got ${describeValue(where, first.value)})`);
  }
  checkRules(raw as RawConfig);
  return { config: resolveConfig(raw as RawConfig, source, env), warnings };
}

/** "Expected union value" says little: name the alternatives instead (string or null, {"type":"redis",…}). */
function expectedOf(schema: TSchema): string | null {
  if (!Array.isArray(schema.anyOf)) return null;
  const kinds = (schema.anyOf as TSchema[]).map((s) => {
    if (s.const !== undefined) return JSON.stringify(s.const);
    const tag = s.properties?.type?.const;
    return typeof tag === "string" ? `{"type":"${tag}",…}` : String(s.type);
  });
  return `Expected ${kinds.join(" or ")}`;
}

/** Walks the value beside its schema and reports keys the schema does not know (comment keys like "注意"). */
function collectUnknownKeys(schema: TSchema, value: unknown, at: string, out: string[]): void {
  if (value === null || typeof value !== "object") return;
  if (schema.type === "array" && Array.isArray(value)) {
    value.forEach((item, i) => collectUnknownKeys(schema.items as TSchema, item, `${at}[${i}]`, out));
    return;
  }
  if (Array.isArray(schema.anyOf)) {
    // unions of objects (token-store): use the variant whose "type" literal matches
    const tag = (value as Record<string, unknown>).type;
    const variant = (schema.anyOf as TSchema[]).find((s) => s.properties?.type?.const === tag);
    if (variant) collectUnknownKeys(variant, value, at, out);
    return;
  }
  if (schema.type !== "object" || Array.isArray(value)) return;
  const props = (schema.properties ?? {}) as Record<string, TSchema>;
  for (const [key, child] of Object.entries(value)) {
    const path = at ? `${at}.${key}` : key;
    const sub = props[key];
    if (sub) collectUnknownKeys(sub, child, path, out);
    else out.push(`unknown config key ${path} ignored`);
  }
}
