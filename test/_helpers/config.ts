/**
 * @module test/_helpers/config
 * Valid configs for tests: raw (Go key names, as a file would have them) and resolved.
 */
import { ConfigError } from "../../src/config/config-error";
import { parseConfig } from "../../src/config/load";
import type { GatewayConfig } from "../../src/config/types";

export const TOKEN = "test_token";
export const APP_ID = "wx1234567890abcdef";
export const AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";

type Raw = Record<string, unknown>;

/** A raw service entry; `extra` is merged at the service level. */
export function rawService(name: string, path: string, extra: Raw = {}): Raw {
  return {
    name,
    workerNum: 5,
    timeout: 0,
    "wx-params": { token: TOKEN, "app-id": APP_ID, "app-secret": "secret_value", "aes-key": "" },
    "listen-endpoints": { "service-path": path },
    ...extra,
  };
}

/** A raw config with one service "svc" at /wx (echo mode unless msg-proxy-pass is given). */
export function rawConfig(service: Raw = {}, top: Raw = {}): Raw {
  return {
    "listen-host": "127.0.0.1",
    "listen-port": 0,
    services: [rawService("svc", "/wx", service)],
    "common-endpoints": { "health-check": "/health" },
    "dont-append-userinfo": true,
    ...top,
  };
}

export function makeConfig(service: Raw = {}, top: Raw = {}): GatewayConfig {
  return parseConfig(rawConfig(service, top), "test", {}).config;
}

/** The ConfigError that parsing `raw` throws (fails the test when it parses). */
export function configErrorOf(raw: unknown): ConfigError {
  try {
    parseConfig(raw, "test", {});
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error("expected a ConfigError");
}
