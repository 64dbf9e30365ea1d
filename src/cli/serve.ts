/**
 * @module cli/serve
 * load config → build dependencies → createApp → listen; on SIGTERM/SIGINT stop accepting, let
 * in-flight requests finish (bounded), wait until every accepted message has reached the backend
 * (bounded by the backend hard timeout per queued round: callback/drain), exit 0.
 */
import { mkdirSync, accessSync, constants } from "node:fs";
import { loadConfig, locateConfig } from "../config/load";
import { maskedSummary } from "../config/mask";
import type { GatewayConfig } from "../config/types";
import { createLogger, type Logger } from "../obs/log";
import { createGateway } from "../gateway";
import { startApiProxyServer, type ApiProxyServer } from "../api-proxy/server";

export class StartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StartError";
  }
}

/** How long in-flight requests get after a stop signal. */
export const DRAIN_MS = 10_000;

/** Fails early (exit 4) when the token cache directory cannot be created or written. */
function prepareCacheDir(config: GatewayConfig): void {
  if (config.tokenStore.type !== "file") return;
  const dir = config.tokenStore.dir;
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    accessSync(dir, constants.W_OK);
  } catch (err) {
    throw new StartError(`token cache directory ${dir} is not writable: ${(err as Error).message}`);
  }
}

export async function serve(cliPath: string | undefined, log: Logger = createLogger()): Promise<void> {
  const path = locateConfig(cliPath);
  const { config, warnings } = loadConfig(path);
  if (path === null) log.info("no config file given and no ./sample.conf.json: using the embedded sample config (echo mode)");
  for (const w of warnings) log.warn(w);
  prepareCacheDir(config);

  const gateway = createGateway(config, { log });
  const { app } = gateway;
  const maxBody = Math.max(...config.services.map((s) => s.maxBodyBytes), 1 << 20);
  let server: ReturnType<typeof Bun.serve>;
  try {
    server = Bun.serve({
      hostname: config.listenHost || "0.0.0.0",
      port: config.listenPort,
      maxRequestBodySize: maxBody,
      fetch: (req) => app.handle(req),
    });
  } catch (err) {
    throw new StartError(`cannot listen on ${config.listenHost || "0.0.0.0"}:${config.listenPort}: ${(err as Error).message}`);
  }
  log.info({ config: maskedSummary(config) }, `wx-gateway listening on ${server.hostname}:${server.port}`);
  let proxyServer: ApiProxyServer | null = null;
  if (gateway.apiProxy && config.apiProxy) {
    try {
      proxyServer = startApiProxyServer(gateway.apiProxy, config.apiProxy);
    } catch (err) {
      void server.stop(true);
      throw new StartError(`cannot listen on ${config.apiProxy.host}:${config.apiProxy.port} (api-proxy.listen): ${(err as Error).message}`);
    }
    log.info(`WeChat API proxy listening on ${proxyServer.hostname}:${proxyServer.port}`);
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "stopping: no new connections, new callbacks refused (503), draining in-flight requests");
    // a message answered `success` at its deadline may still wait for its backend call: wait for those too
    const accepted = gateway.drain();
    const drained = Promise.all([server.stop(false), proxyServer?.stop(false)]).then(() => true);
    // the process's own shutdown bound, on real time: serve is the entry point that gives the gateway the system clock
    const timedOut = Bun.sleep(DRAIN_MS).then(() => false);
    const clean = await Promise.race([drained, timedOut]);
    if (!clean) log.warn(`in-flight requests still running after ${DRAIN_MS} ms: closing them`);
    await accepted;
    await gateway.close();
    log.flush();
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}
