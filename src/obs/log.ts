/**
 * @module obs/log
 * JSON-lines logger (pino) on stdout. Secrets never reach a line: known secret fields are censored
 * by pino's redaction, and URLs pass through `redactUrl` before they are logged.
 */
import pino from "pino";

export type Logger = pino.Logger;

/** Field names that hold secrets wherever they appear (top level or one level down). */
const SECRET_KEYS = [
  "token",
  "appSecret",
  "app-secret",
  "secret",
  "corpsecret",
  "aesKey",
  "aes-key",
  "access_token",
  "accessToken",
  "ticket",
  "jsapi_ticket",
  "code",
  "refresh_token",
  "adminToken",
  "admin-token",
  "authorization",
];
const REDACT_PATHS = SECRET_KEYS.flatMap((k) => [`["${k}"]`, `*["${k}"]`]);

/** Query parameters whose values are secrets. */
const SECRET_PARAMS = /([?&](?:access_token|secret|corpsecret|code|ticket|jsapi_ticket|refresh_token|appsecret)=)[^&#\s]*/gi;

/** The credentials of a URL (`scheme://user:password@`), up to the last "@" before the path or a blank. */
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#"'<>]*@/gi;

/** Replaces secret query values and URL credentials in a URL (or any string, e.g. an error message) with "***". */
export function redactUrl(url: string): string {
  return url.replace(SECRET_PARAMS, "$1***").replace(URL_USERINFO, "$1***@");
}

export interface LoggerOptions {
  readonly level?: string;
  /** where lines go; stdout by default, tests pass a collecting stream */
  readonly destination?: pino.DestinationStream;
}

export function createLogger(opts: LoggerOptions = {}): Logger {
  return pino(
    {
      level: opts.level ?? process.env.LOG_LEVEL ?? "info",
      base: { name: "wx-gateway" },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACT_PATHS, censor: "***" },
    },
    opts.destination ?? pino.destination({ fd: 1, sync: true }),
  );
}

/** A logger that collects its lines, for tests and for `check-config`. */
export function createMemoryLogger(level = "debug"): { log: Logger; lines: () => string[] } {
  const chunks: string[] = [];
  const log = createLogger({ level, destination: { write: (s: string) => void chunks.push(s) } });
  return { log, lines: () => chunks.join("").split("\n").filter(Boolean) };
}
