/**
 * @module cli/serve
 * load config → build the gateway → listen (main, and the admin and API proxy listeners when
 * configured); on SIGHUP reload the config (ops/reload); on SIGTERM/SIGINT stop accepting, let
 * in-flight requests finish (bounded), wait until every accepted message has reached the backend
 * (bounded by the backend hard timeout per queued round: callback/drain), exit 0. The admin listener
 * stays open until the drain is done, so readiness can say 503 meanwhile.
 */

import { type ApiProxyServer, startApiProxyServer } from "../api-proxy/server";
import { loadConfig, locateConfig } from "../config/load";
import { maskedSummary } from "../config/mask";
import { createGateway } from "../gateway";
import { createLogger, type Logger } from "../obs/log";
import { tokenCacheDirProblem } from "../ops/cache-dir";
import { listenerBodyLimit } from "../ops/reload";
import { runPrimary } from "../workers/primary";
import { workerRole } from "../workers/worker";

export class StartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StartError";
  }
}

/** How long in-flight requests get after a stop signal. */
export const DRAIN_MS = 10_000;

/** Binds a listener; a failure is exit 4, after `cleanup` let go of the listeners already bound. */
function listen(what: string, host: string, port: number, start: () => ReturnType<typeof Bun.serve>, cleanup: () => void): ReturnType<typeof Bun.serve> {
  try {
    return start();
  } catch (err) {
    cleanup();
    throw new StartError(`cannot listen on ${host}:${port}${what}: ${(err as Error).message}`);
  }
}

export async function serve(cliPath: string | undefined, base: Logger = createLogger()): Promise<void> {
  // one of `"workers": N` (workers/): the primary has loaded the config and gives this thread its place
  const worker = workerRole();
  const log = worker?.log ?? base;
  const path = worker ? worker.start.path : locateConfig(cliPath);
  const { config, warnings } = worker ? { config: worker.start.config, warnings: [] } : loadConfig(path);
  if (path === null) log.info("no config file given and no ./sample.conf.json: using the embedded sample config (echo mode)");
  for (const w of warnings) log.warn(w);
  const cacheProblem = tokenCacheDirProblem(config);
  if (cacheProblem) throw new StartError(cacheProblem);
  if (!worker && config.workers > 1) return runPrimary({ config, path, log: log.child({ worker: 0 }), startError: (m) => new StartError(m) });

  const gateway = createGateway(config, {
    log,
    reloadSource: () => loadConfig(path),
    ...(worker && { workers: worker.shared, metrics: worker.metrics, opsVia: worker.opsVia }),
  });
  // a reload may not raise it (ops/reload): Bun sets it per listener, at start
  const maxBody = listenerBodyLimit(config);
  const host = config.listenHost || "0.0.0.0";
  // workers bind the same ports: the kernel spreads the connections over them
  const reusePort = worker !== null;
  const mainPort = worker?.port("main", config.listenPort) ?? config.listenPort;
  const handle = worker ? worker.handler(gateway.handle) : gateway.handle;
  const server = listen(
    "",
    host,
    mainPort,
    () => Bun.serve({ hostname: host, port: mainPort, reusePort, maxRequestBodySize: maxBody, fetch: handle }),
    () => {},
  );
  log.info({ config: maskedSummary(config) }, `wx-gateway listening on ${server.hostname}:${server.port}`);
  let admin: ReturnType<typeof Bun.serve> | null = null;
  if (config.adminListen) {
    const { host: adminHost } = config.adminListen;
    const port = worker?.port("admin", config.adminListen.port) ?? config.adminListen.port;
    const start = () => Bun.serve({ hostname: adminHost, port, reusePort, maxRequestBodySize: maxBody, fetch: gateway.handleAdmin });
    admin = listen(" (admin-listen)", adminHost, port, start, () => void server.stop(true));
    log.info(`admin listener (common endpoints) on ${admin.hostname}:${admin.port}`);
  }
  let proxyServer: ApiProxyServer | null = null;
  if (config.apiProxy) {
    const { host: proxyHost } = config.apiProxy;
    const port = worker?.port("proxy", config.apiProxy.port) ?? config.apiProxy.port;
    const start = () => startApiProxyServer({ handle: gateway.handleApiProxy }, { host: proxyHost, port, reusePort });
    proxyServer = listen(" (api-proxy.listen)", proxyHost, port, start, () => void Promise.all([server.stop(true), admin?.stop(true)]));
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
    await admin?.stop(true);
    await gateway.close();
    log.flush();
    process.exit(0);
  };
  worker?.ready({ main: server.port ?? 0, admin: admin?.port ?? 0, proxy: proxyServer?.port ?? 0 });
  // a worker's signals come from the primary, which alone receives the process's
  if (worker) return worker.listen({ drain: () => void stop("SIGTERM"), resume: (messages) => gateway.resume(messages) });
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
  // nginx's and Caddy's habit: SIGHUP reloads the config; the reloader logs and counts the outcome
  process.on("SIGHUP", () => {
    if (!stopping) void gateway.ops.reload("SIGHUP");
  });
}
