#!/usr/bin/env bun
/**
 * @module main
 * argv → command. Maps ConfigError → exit 3 and StartError → exit 4; no other logic.
 */
import { parseArgs, USAGE } from "./cli/args";
import { checkConfig } from "./cli/check-config";
import { StartError, serve } from "./cli/serve";
import { versionText } from "./cli/version";
import { ConfigError } from "./config/config-error";

async function main(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv);
  try {
    switch (args.command) {
      case "version":
        console.log(versionText());
        return 0;
      case "help":
        console.log(USAGE);
        return 0;
      case "check-config":
        console.log(checkConfig(args.config));
        return 0;
      case "healthcheck": {
        const { healthcheck } = await import("./cli/healthcheck");
        const result = await healthcheck(args.config);
        (result.code === 0 ? console.log : console.error)(result.line);
        return result.code;
      }
      case "schema": {
        const { writeSchemas } = await import("./cli/schema");
        console.log(await writeSchemas(args.flags.out ?? "schema"));
        return 0;
      }
      case "simulate": {
        const { simulate } = await import("./cli/simulate");
        return await simulate(args);
      }
      case "serve":
        await serve(args.config);
        return -1; // keeps running until a signal
    }
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`wx-gateway: ${err.message}`);
      return 3;
    }
    if (err instanceof StartError) {
      console.error(`wx-gateway: cannot start: ${err.message}`);
      return 4;
    }
    console.error(`wx-gateway: ${(err as Error).stack ?? String(err)}`);
    return 1;
  }
}

// a worker thread of `"workers": N` runs this bundle again (workers/primary): it serves the primary's config
const argv = Bun.isMainThread ? Bun.argv.slice(2) : ["serve"];
// no top-level await: the executable is compiled to bytecode, which needs a CommonJS bundle
void main(argv).then((code) => {
  if (code >= 0) process.exit(code);
});
