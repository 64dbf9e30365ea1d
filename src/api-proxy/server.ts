/**
 * @module api-proxy/server
 * The API proxy's own listener (`api-proxy.listen`), beside the main one: its paths are WeChat's,
 * so it cannot share a port with the callback routes. Started and stopped by `serve` with the main
 * listener; tests start it the same way on port 0.
 */
import type { ApiProxy } from "./index";

/** Largest request body: WeChat's largest upload (a permanent video) is 20 MB. Bun answers 413 above it. */
export const PROXY_MAX_BODY_BYTES = 32 * 1024 * 1024;
/**
 * Seconds a connection may stay silent: longer than the forward timeout, because the caller's
 * connection is quiet while WeChat takes its time over an upload (Bun's default is 10 s).
 */
const IDLE_TIMEOUT_S = 120;

export interface ListenAddress {
  readonly host: string;
  readonly port: number;
  /** several worker threads bind the same port (`workers` > 1) */
  readonly reusePort?: boolean;
}

export type ApiProxyServer = ReturnType<typeof Bun.serve>;

/** Listens on `listen` (throws when the address cannot be bound; `serve` turns that into exit 4). */
export function startApiProxyServer(proxy: ApiProxy, listen: ListenAddress): ApiProxyServer {
  return Bun.serve({
    hostname: listen.host,
    port: listen.port,
    reusePort: listen.reusePort,
    maxRequestBodySize: PROXY_MAX_BODY_BYTES,
    idleTimeout: IDLE_TIMEOUT_S,
    fetch: (req) => proxy.handle(req),
  });
}
