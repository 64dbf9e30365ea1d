/**
 * @module ops/cache-dir
 * The file token store's directory must exist and be writable before the gateway relies on it: at
 * start (`serve`: exit 4 otherwise) and before a reload switches to it (refused otherwise).
 */
import { accessSync, constants, mkdirSync } from "node:fs";
import type { GatewayConfig } from "../config/types";

/** Creates the token cache directory (0700) when the config has one; what is wrong with it, or null. */
export function tokenCacheDirProblem(config: GatewayConfig): string | null {
  if (config.tokenStore.type !== "file") return null;
  const dir = config.tokenStore.dir;
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    accessSync(dir, constants.W_OK);
    return null;
  } catch (err) {
    return `token cache directory ${dir} is not writable: ${(err as Error).message}`;
  }
}
