/**
 * @module cli/check-config
 * `wx-gateway check-config`: validate and print the resolved config with every secret masked.
 */
import { loadConfig, locateConfig } from "../config/load";
import { maskedSummary } from "../config/mask";

export function checkConfig(cliPath: string | undefined): string {
  const path = locateConfig(cliPath);
  const { config, warnings } = loadConfig(path);
  const lines = warnings.map((w) => `warning: ${w}`);
  lines.push(`config OK: ${config.source}`, JSON.stringify(maskedSummary(config), null, 2));
  return lines.join("\n");
}
