/**
 * @module config/config-error
 * A config problem, named by the JSON path of the offending key (exit code 3) and what was expected;
 * it never quotes a secret or a URL's credentials.
 */
import { maskUrl } from "./mask";

export class ConfigError extends Error {
  readonly path: string;
  constructor(path: string, problem: string) {
    super(`config ${path || "(root)"}: ${problem}`);
    this.name = "ConfigError";
    this.path = path;
  }
}

/** Turns a JSON pointer ("/services/0/wx-params/token") into a readable path ("services[0].wx-params.token"). */
export function pointerToPath(pointer: string): string {
  return pointer
    .split("/")
    .slice(1)
    .map((seg) => seg.replace(/~1/g, "/").replace(/~0/g, "~"))
    .reduce((acc, seg) => (/^\d+$/.test(seg) ? `${acc}[${seg}]` : acc ? `${acc}.${seg}` : seg), "");
}

/** Keys whose values are secrets, and keys that hold secrets below them. */
const SECRET_KEYS = new Set(["token", "app-secret", "aes-key", "admin-token", "wx-params"]);
/** Keys whose values are URLs that may carry credentials. */
const URL_KEYS = new Set(["msg-proxy-pass", "redirect-url", "wx-api-base", "wecom-api-base", "url"]);

/**
 * What a config error says it got at `path`: the value itself only where that is safe and helps (a
 * port, a worker count); the kind of value for a secret or a container (which may hold secrets); a
 * URL without its credentials.
 */
export function describeValue(path: string, value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === "object") return "an object";
  const key = /([^.[\]]+)$/.exec(path)?.[1] ?? "";
  if (SECRET_KEYS.has(key)) return typeof value === "string" ? `a string of ${value.length} characters (not shown)` : `a ${typeof value} (not shown)`;
  const shown = JSON.stringify(URL_KEYS.has(key) && typeof value === "string" ? maskUrl(value) : value);
  return shown.length > 60 ? `${shown.slice(0, 60)}…` : shown;
}
