/**
 * @module config/ops
 * The operations keys (SPEC §10). `admin-listen` ("host:port") moves every common endpoint to a listener
 * of its own, usually on loopback: its address must parse like `api-proxy.listen` and its port may be
 * neither the main listener's nor the API proxy's. `common-endpoints.reload` and `.status` show or change
 * the gateway's configuration, so they need somewhere private to live: the admin listener or the
 * admin-token; a config with neither is refused (exit 3) rather than serving them to anyone.
 * rules.ts reports these problems as ConfigErrors.
 */
import { type ApiProxyConfig, parseListenAddress } from "./api-proxy";

/** A listener's resolved address: IPv6 without brackets, "0.0.0.0" when no host was given. */
export type ListenAddress = ApiProxyConfig;

interface RawOps {
  readonly "listen-port"?: number;
  readonly "admin-listen"?: string;
  readonly "admin-token"?: string | null;
  readonly "api-proxy"?: { readonly listen: string };
  readonly "common-endpoints"?: Readonly<Record<string, string | null | undefined>>;
}

/** Where the status page's JSON is served, beside the page. */
export function statusDataPath(statusPath: string): string {
  return `${statusPath.replace(/\/+$/, "")}/data`;
}

/** The first problem of the operations keys as [JSON path, what is wrong], or null. */
export function opsProblem(raw: RawOps, mainPort: number): readonly [string, string] | null {
  const listen = raw["admin-listen"];
  if (listen !== undefined) {
    const address = parseListenAddress(listen);
    if (!address) return ["admin-listen", `expected host:port (e.g. 127.0.0.1:7081 or [::1]:7081, port 0-65535), got ${JSON.stringify(listen.slice(0, 60))}`];
    if (address.port !== 0 && address.port === mainPort) {
      return ["admin-listen", `port ${address.port} is the main listener's (listen-port): the admin listener needs a port of its own`];
    }
    const proxy = raw["api-proxy"] && parseListenAddress(raw["api-proxy"].listen);
    if (proxy && address.port !== 0 && proxy.port === address.port) {
      return ["admin-listen", `port ${address.port} is the API proxy's (api-proxy.listen): the admin listener needs a port of its own`];
    }
  }
  if (listen === undefined && !raw["admin-token"]) {
    for (const key of ["reload", "status"]) {
      if (raw["common-endpoints"]?.[key]) {
        return [`common-endpoints.${key}`, "needs admin-listen (a private listener) or admin-token: it would be open to anyone on the main listener"];
      }
    }
  }
  return null;
}

/** The resolved `admin-listen` of a config that passed the rules; null when the key is absent. */
export function resolveAdminListen(raw: RawOps): ListenAddress | null {
  const listen = raw["admin-listen"];
  const address = listen === undefined ? null : parseListenAddress(listen);
  return address && Object.freeze(address);
}
