/**
 * @module config/api-proxy
 * The `api-proxy` key (SPEC §9): `{"listen": "host:port"}` turns on the WeChat API proxy's own
 * listener. The address must be a host (IPv4, `[IPv6]`, a host name, or empty for every interface)
 * and a port 0–65535, and its port may not be the main listener's: the proxy's paths are WeChat's
 * own and would collide with the callback routes. Port 0 picks a free port (tests). rules.ts reports
 * a problem as a ConfigError (exit 3); this file imports nothing of config/, so types.ts can use it.
 */
import { isIPv4, isIPv6 } from "node:net";
import { Type as t } from "@sinclair/typebox";

export const ApiProxySchema = t.Object({
  listen: t.String({ description: "host:port of the API proxy's listener, e.g. 127.0.0.1:7090" }),
});

export interface ApiProxyConfig {
  /** "0.0.0.0" when the address gave no host; IPv6 without brackets */
  readonly host: string;
  readonly port: number;
}

const ADDRESS = /^(?:\[([^\]]*)\]|([^:[\]]*)):(\d{1,5})$/;
const HOST_LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/** `host:port` → the address, or null when it is not one. */
export function parseListenAddress(listen: string): ApiProxyConfig | null {
  const m = ADDRESS.exec(listen.trim());
  if (!m) return null;
  const [, v6, name, digits] = m;
  const port = Number(digits);
  if (port > 65535) return null;
  if (v6 !== undefined) return isIPv6(v6) ? { host: v6, port } : null;
  const host = name ?? "";
  if (host === "") return { host: "0.0.0.0", port };
  const ok = /^[\d.]+$/.test(host) ? isIPv4(host) : host.length <= 253 && host.split(".").every((label) => HOST_LABEL.test(label));
  return ok ? { host, port } : null;
}

interface RawWithProxy {
  readonly "api-proxy"?: { readonly listen: string };
}

/** What is wrong with `api-proxy.listen` (rules.ts turns it into a ConfigError, exit 3), or null. */
export function apiProxyProblem(raw: RawWithProxy, mainPort: number): string | null {
  const section = raw["api-proxy"];
  if (section === undefined) return null;
  const address = parseListenAddress(section.listen);
  if (!address) return `expected host:port (e.g. 127.0.0.1:7090 or [::1]:7090, port 0-65535), got ${JSON.stringify(section.listen.slice(0, 60))}`;
  if (address.port !== 0 && address.port === mainPort) {
    return `port ${address.port} is the main listener's (listen-port): the API proxy needs a port of its own`;
  }
  return null;
}

/** The resolved `api-proxy` of a config that passed the rules; null when the key is absent. */
export function resolveApiProxy(raw: RawWithProxy): ApiProxyConfig | null {
  const section = raw["api-proxy"];
  const address = section === undefined ? null : parseListenAddress(section.listen);
  return address && Object.freeze(address);
}
