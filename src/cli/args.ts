/**
 * @module cli/args
 * argv → command and flags. Kept tiny on purpose: the gateway has few commands and no dependency for this.
 */

export type Command = "serve" | "version" | "check-config" | "healthcheck" | "schema" | "simulate" | "help";

export interface ParsedArgs {
  readonly command: Command;
  /** --config / -c */
  readonly config: string | undefined;
  /** every other --flag value (and bare --flag = "true") */
  readonly flags: Readonly<Record<string, string>>;
  readonly positional: readonly string[];
}

const COMMANDS = new Set<Command>(["serve", "check-config", "healthcheck", "schema", "simulate", "help"]);

export function parseArgs(argv: readonly string[]): ParsedArgs {
  let command: Command = "serve";
  let config: string | undefined;
  const flags: Record<string, string> = {};
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "-v" || arg === "--version") command = "version";
    else if (arg === "-h" || arg === "--help") command = "help";
    else if (arg === "-c" || arg === "--config") config = argv[++i];
    else if (arg.startsWith("--config=")) config = arg.slice(9);
    else if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      if (eq > 0) flags[arg.slice(2, eq)] = arg.slice(eq + 1);
      else {
        const next = argv[i + 1];
        flags[arg.slice(2)] = next !== undefined && !next.startsWith("--") ? (i++, next) : "true";
      }
    } else if (positional.length === 0 && command === "serve" && COMMANDS.has(arg as Command)) command = arg as Command;
    else positional.push(arg);
  }
  return { command, config, flags, positional };
}

export const USAGE = `usage: wx-gateway [serve] [-c FILE]      start the gateway (config: -c, CONF_FILE, ./sample.conf.json, embedded sample)
       wx-gateway -v | --version           name, version, build time, build target, Bun version, OS/arch
       wx-gateway check-config [-c FILE]   validate the config and print a summary (secrets masked); exit 0 or 3
       wx-gateway healthcheck [-c FILE]    GET the configured health-check path; exit 0 when 200, else 1
       wx-gateway schema [--out DIR]       write the backend contract as JSON Schema files
       wx-gateway simulate [-c FILE] ...   play WeChat against a running gateway (see docs/operations.md)`;
