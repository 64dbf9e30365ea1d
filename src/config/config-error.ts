/**
 * @module config/config-error
 * A config problem, named by the JSON path of the offending key (exit code 3).
 */

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
